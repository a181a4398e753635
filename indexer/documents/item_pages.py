"""Decision documents of one item: a publishing system's page or PDF for each section.

Some systems publish a meeting as one file per matter instead of one minutes:

- Documenta (Espoo) writes an HTML page per section, headed by the body and the minutes'
  day with the section's number, its case number ("Dnro") and classification above the
  heading:

      Kaupunginhallitus
      Pöytäkirja 08.05.2017 Pykälä 127
      730/2017
      00.01.01.00
      § 127
      Espoon kaupungin hallintosäännön hyväksyminen

  (an agenda's "Esityslista 29.05.2017 Asianro 4" is headed by "4" alone);
- Tweb (Oulu, Vantaa) writes a PDF per item, titled, with its case number and a line for
  each handling ("Kaupunginhallitus 20.3.2017 § 10") above the proposal and decision; the
  lines after "Päätöshistoria" are earlier handlings, not this one. Such a PDF names no
  kind: it is minutes when it has a decision, else an agenda.

Each such file is a decision document of one section.
"""

import datetime
import re

from indexer.analysis.cases import find_case
from indexer.documents.decisions import Decision, kind_named, organisation_named
from indexer.documents.metadata import extract_date
from indexer.documents.sections import Section, whole_decision

# Lines of a page's top searched for its heading: an item handled many times lists each
# earlier handling above it, three lines each.
_TOP_LINES = 80
# "Pöytäkirja 08.05.2017 Pykälä 127", "Esityslista 29.05.2017 Asianro 4".
_ITEM_NUMBER = re.compile(
    r".*\b(?:pykälä|asianro|asia\s+nro|paragraf|ärende\s+nr)\s*(\d{1,4})", re.I
)
# Documenta's case number, printed bare: "730/2017", "3700/11.01.00/2011".
_BARE_CASE = re.compile(r"\d{1,6}/(?:\d{2}(?:\.\d{2}){1,4}/)?\d{4}")
# "Kaupunginhallitus 20.3.2017 § 10": who handled the item, when, as which section.
_HANDLING = re.compile(
    r"(?P<body>\S.*?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s+(?:§\s*(?P<a>\d{1,4})|(?P<b>\d{1,4})\s*§)"
)
_HISTORY = re.compile(r"päätöshistoria|käsittelyhistoria|behandlingshistorik", re.IGNORECASE)
_PARTS = re.compile(
    r"(?:päätös|päätösesitys|päätösehdotus|ehdotus|esitys|beslut|förslag)\b.*|.*esitys:",
    re.IGNORECASE,
)
_DECIDED = re.compile(r"(?:päätös|beslut)\s*:?\s+\S.*", re.IGNORECASE)
_BODY_NAME = re.compile(
    r"(?:[\w-]+\s){0,3}[\w-]*(?:lautakunta|valtuusto|hallitus|jaosto|johtokunta|toimikunta"
    r"|nämnden|nämnd|fullmäktige|styrelsen|styrelse|sektionen|sektion)",
    re.IGNORECASE,
)


def page_section(body: str) -> Section | None:
    """Return the section a page of one section holds (Documenta's), or None when its top
    does not number the page ("Pykälä 127") above the section's heading."""
    lines = body.split("\n")
    top = [" ".join(line.split()) for line in lines[:_TOP_LINES]]
    numbered = next(
        (
            (n, m[1])
            for n, line in enumerate(top)
            if kind_named(line) and (m := _ITEM_NUMBER.fullmatch(line))
        ),
        None,
    )
    if numbered is None:
        return None
    at, number = numbered
    heading = {f"§ {number}", f"§{number}", f"{number} §", number}
    line = next((n for n in range(at + 1, len(top) - 1) if top[n] in heading), None)
    if line is None or not top[line + 1]:
        return None
    case = next((f"Dnro {text}" for text in top[at:line] if _BARE_CASE.fullmatch(text)), "")
    case = case or find_case("\n".join(top[at:line])) or ""
    end = next((n for n in range(line + 2, len(lines)) if " | " in lines[n]), None)
    return whole_decision(body, line, number, top[line + 1], case, title_lines=1, end_line=end)


def item_decision(body: str) -> tuple[Decision, Section] | None:
    """Return the decision and the one section of an item's PDF (Tweb's): its title, case
    number and current handling; None unless it has all three."""
    lines = body.split("\n")
    top = [" ".join(line.split()) for line in lines[:_TOP_LINES]]
    case_line = next((n for n, line in enumerate(top[:8]) if find_case(line)), None)
    if case_line is None:
        return None
    handling = _current_handling(lines)
    if handling is None:
        return None
    maker, date, number = handling
    title_at = next((n for n, line in enumerate(top[:case_line]) if _is_title(line)), None)
    if title_at is None:
        return None
    title_lines = [top[n] for n in range(title_at, case_line) if _is_title(top[n])]
    organisation = next((organisation_named(line) for line in top[:title_at] if line), "")
    section = whole_decision(
        body,
        title_at,
        number,
        " ".join(title_lines),
        find_case(top[case_line]) or "",
        title_lines=len(title_lines) - 1,
    )
    decided = section.decision or any(_DECIDED.fullmatch(line.strip()) for line in lines)
    decision = Decision(
        kind="pöytäkirja" if decided else "esityslista",
        organisation=organisation,
        decision_maker=maker,
        meeting="",
        meeting_date=date,
        place="",
    )
    return decision, section


def _current_handling(lines: list[str]) -> tuple[str, datetime.date, str] | None:
    """Return (body, date, section number) of the item's handling that a proposal or
    decision follows, leaving out the earlier handlings its history lists."""
    in_history = False
    for n, raw in enumerate(lines):
        line = " ".join(raw.split())
        if _HISTORY.match(line):
            # The rest of the line and the handlings below it are the history.
            in_history = True
            continue
        found = _HANDLING.fullmatch(line)
        if found is None:
            in_history = False
            continue
        following = next((x.strip() for x in lines[n + 1 : n + 3] if x.strip()), "")
        if in_history or not _BODY_NAME.fullmatch(found["body"]) or not _PARTS.match(following):
            continue
        date = extract_date(found["date"])
        if date is not None:
            return found["body"], date, found["a"] or found["b"]
    return None


def _is_title(line: str) -> bool:
    return (
        bool(line)
        and line[0].isupper()
        and not organisation_named(line)
        and (line.lower() not in {"päivämäärä", "datum"})
    )
