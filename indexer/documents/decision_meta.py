"""Decisions exported as HTML pages, one a page, that say in <meta> tags what they are.

A decision system's API gives each decision as a record: its text as HTML, and beside it who
decided, when, in which meeting and case (Helsinki's Ahjo: `Content`, `Organization`,
`Meeting`, `Section`, `CaseIDLabel`). The HTML alone prints the section and the case but not
who decided or when, so an export writes the record's fields into the page's head
(bench/ahjo_export.py does it for Ahjo):

    <meta name="kind" content="pöytäkirja">
    <meta name="organisation" content="Helsingin kaupunki">
    <meta name="decision-maker" content="Tarkastuslautakunta">
    <meta name="meeting" content="18/2021">
    <meta name="meeting-date" content="2021-12-14">
    <meta name="section" content="110">
    <meta name="section-title" content="Tarkastuslautakunnan toimintasuunnitelma 2022-2025">
    <meta name="case" content="HEL 2021-012054">

Such a page is a decision document with one section: the decision.
"""

import re
from collections.abc import Mapping

from indexer.analysis.cases import find_case
from indexer.documents.decisions import Decision, kind_named
from indexer.documents.metadata import extract_date
from indexer.documents.sections import Section, whole_decision

_NUMBER = re.compile(r"(?:§\s*(\d{1,4})|(\d{1,4})\s*§)")
# Lines of the page's top where it prints its section and case numbers above the text.
_TOP_LINES = 8


def decision_from_meta(meta: Mapping[str, str]) -> Decision | None:
    """Return what a page's <meta> tags say of the decision it holds, or None unless they
    name its kind, who decided (a decision maker or organisation) and the day.

    >>> decision_from_meta({"kind": "Pöytäkirja", "decision-maker": "Tarkastuslautakunta",
    ...     "meeting-date": "2021-12-14"}).title
    'Tarkastuslautakunta 14.12.2021, pöytäkirja'
    """
    kind = kind_named(meta.get("kind", ""))
    maker, organisation = meta.get("decision-maker", ""), meta.get("organisation", "")
    date = extract_date(meta.get("meeting-date", ""))
    if kind is None or date is None or not (maker or organisation):
        return None
    return Decision(
        kind=kind,
        organisation=organisation,
        decision_maker=maker,
        meeting=meta.get("meeting", ""),
        meeting_date=date,
        place=meta.get("place", ""),
    )


def meta_section(meta: Mapping[str, str], body: str, heading: str) -> Section | None:
    """Return the page's decision as its one section: the number and title from the <meta>
    tags, else the "§ 110" line at the page's top and the page's heading (its <h1>); the
    section starts at its title's line. None when the page's text is empty."""
    lines = body.split("\n")
    top = [" ".join(line.split()) for line in lines[:_TOP_LINES]]
    title = meta.get("section-title") or heading
    line = next((n for n, text in enumerate(top) if text and text == title), None)
    if line is None:
        # The title as printed differs from the record's: the section begins after the
        # number, or with the text.
        line = next((n + 1 for n, text in enumerate(top) if _NUMBER.fullmatch(text)), 0)
        line = min(line, len(lines) - 1)
        title = title or top[line]
    if not title:
        return None
    number = meta.get("section", "").strip().lstrip("§").strip()
    if not number:
        printed = next((m for text in top[:line] if (m := _NUMBER.fullmatch(text))), None)
        number = (printed[1] or printed[2]) if printed else ""
    case = meta.get("case") or find_case("\n".join(top)) or ""
    return whole_decision(body, line, number, title, case)
