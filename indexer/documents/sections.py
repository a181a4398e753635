"""The sections ("§ 140") of minutes and agendas: where each starts and ends, and its parts.

A body's minutes are a list of matters, each a section with a number, a title, often a case
number, who prepared it, a proposal and a decision:

    § 140
    Kaikukorttitoiminta Lapuan kaupungissa 2025–
    LAPDno-2024-867
    Valmistelijat / lisätiedot:
    ...
    Ehdotus
    ...
    Päätös
    ...

People look for one matter, so each section is a unit of search of its own. Not every "§ 140"
at a line's start is a heading: the first page lists the sections as a table of contents
("§ 56 Kokouksen laillisuus ja päätösvaltaisuus", one a line), a list of officials' decisions
names other bodies' sections, and a law's "140 §:n mukaan" may begin a line. A heading is a
line of its own ("§ 140" or "140 §") followed by a title, or else "§ 140 Title"; when a
table of contents lists the numbers, only those are headings, and the headings are the
longest run of rising numbers. After the last section come
the appeal instructions, which belong to no section.
"""

import re
from dataclasses import dataclass, replace

from indexer.analysis.cases import find_case
from indexer.documents.signatures import is_signature_label, signature_spans

# "§ 140", "140 §", "§140" as a whole line; "§ 140 Title" as the start of one.
_ALONE = re.compile(r"(?:§\s*(\d{1,4})|(\d{1,4})\s*§)")
_WITH_TITLE = re.compile(r"§\s*(\d{1,4})\s+(\S.*)")
# Where the appeal instructions begin, after the last section.
_APPEAL = re.compile(
    r"(?:muutoksenhaku(?:ohjeet?)?|muutoksenhakukielto|oikaisuvaatimusohje|oikaisuvaatimus"
    r"|valitusosoitus|kunnallisvalitus(?:ohje)?|hallintovalitus(?:ohje)?|besvärsanvisning"
    r"|anvisning för rättelseyrkande|rättelseyrkande|förbud att söka ändring"
    r"|kommunalbesvär|förvaltningsbesvär)(?:\s.{0,40})?",
    re.IGNORECASE,
)
_FORMAL = re.compile(
    r"laillisuu|päätösvaltaisuu|pöytäkirjan\s+tarkast|tarkastajien\s+valinta|työjärjestyksen"
    r"|esityslistan\s+hyväksy|kokouksen\s+avaus|kokouksen\s+avaaminen|laglighet|beslutförhet"
    r"|protokolljusterare|justering\s+av\s+protokoll|föredragningslistan|mötets\s+öppnande",
    re.IGNORECASE,
)
_SECTION_LIST = re.compile(r"§\s*\d+(?:\s*,\s*§\s*\d+)*")
_PREPARER = re.compile(
    r"(?:valmistelijat?|valmistelija\s*/\s*lisätiedot|valmistelijat\s*/\s*lisätiedot"
    r"|lisätiedot|beredare|beredning|ytterligare information)\b.*",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(
    r"(?:ehdotus|päätösehdotus|esitys|förslag|beslutsförslag)\s*:?", re.IGNORECASE
)
_DECISION = re.compile(r"(?:päätös|beslut)\s*:?", re.IGNORECASE)
# Numbers further apart than this from the previous heading are not the next section.
_MAX_GAP = 10
_TITLE_CHARS = 200
_PART_CHARS = 2000


@dataclass(frozen=True)
class Section:
    """One section of a decision document: body[start:end] of the whole text."""

    number: str  # "140"
    title: str
    case: str  # the case number as printed ("LAPDno-2024-867"); "" when none
    preparer: str  # the lines after "Valmistelija / lisätiedot", "" when none
    proposal: str  # the last proposal, "" when none
    decision: str  # the decision, "" when none (an agenda has none)
    start: int
    end: int
    # A formal section of every meeting (legality and quorum, checking the minutes, the
    # agenda approved): the same words every time, below the matters in a ranking.
    formal: bool = False
    # Where the section's signature blocks are, (start, end) in body (documents/signatures.py):
    # searched as the file's front is, not as the matter.
    signatures: tuple[tuple[int, int], ...] = ()


def split_sections(body: str) -> list[Section]:
    """Return the sections of a decision document's text, in order; [] when it has none.

    >>> [(s.number, s.title) for s in split_sections(
    ...     "Käsitellyt asiat\\n§ 1 Avaus\\n§ 2 Kaikukortti\\n§ 1\\nAvaus\\nAvattiin.\\n"
    ...     "§ 2\\nKaikukortti\\nPäätös\\nHyväksyttiin.")]
    [('1', 'Avaus'), ('2', 'Kaikukortti')]
    """
    lines, offsets = _lines(body)
    headings = _headings(lines)
    sections = []
    for n, (index, number, title, title_lines) in enumerate(headings):
        last = headings[n + 1][0] if n + 1 < len(headings) else _appeal_start(lines, index)
        sections.append(_section(body, lines, offsets, (index, number, title, title_lines), last))
    return sections


def whole_decision(
    body: str,
    line: int,
    number: str,
    title: str,
    case: str,
    *,
    title_lines: int = 0,
    end_line: int | None = None,
) -> Section:
    """Return a document that is one decision (an official's, or a page of one) as one
    section: from its heading's line (followed by title_lines lines of its title) to the
    appeal instructions or end_line, with the number and case number its front printed or
    its record gave (the case found in the text if none)."""
    lines, offsets = _lines(body)
    last = _appeal_start(lines, line) if end_line is None else end_line
    found = _section(body, lines, offsets, (line, number, title, title_lines), last)
    return replace(found, case=case or found.case)


def _lines(body: str) -> tuple[list[str], list[int]]:
    """Return the lines of a text and where each starts."""
    lines = body.split("\n")
    offsets = []
    at = 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    return lines, offsets


def _section(
    body: str,
    lines: list[str],
    offsets: list[int],
    heading: tuple[int, str, str, int],
    last: int,
) -> Section:
    """Return the section whose heading is (line index, number, title, lines the title takes
    after the heading line) and whose text ends before line `last`."""
    index, number, title, title_lines = heading
    text_lines = lines[index + 1 + title_lines : last]
    start = offsets[index]
    end = max(start, offsets[last] - 1 if last < len(lines) else len(body))
    after_title = min(offsets[min(index + 1 + title_lines, len(lines) - 1)], end)
    return Section(
        number=number,
        title=title[:_TITLE_CHARS],
        case=find_case("\n".join(text_lines[:6])) or "",
        preparer=_part(text_lines, _PREPARER, 3),
        proposal=_part(text_lines, _PROPOSAL),
        decision=_part(text_lines, _DECISION),
        start=start,
        end=end,
        formal=bool(_FORMAL.search(title)),
        signatures=tuple(signature_spans(body, after_title, end)),
    )


def _headings(lines: list[str]) -> list[tuple[int, str, str, int]]:
    """Return (line index, number, title, lines the title takes after the heading line) of
    each section heading."""
    alone, titled = [], []
    for i, line in enumerate(lines):
        stripped = line.strip()
        found = _ALONE.fullmatch(stripped)
        if found:
            alone.append((i, found[1] or found[2], ""))
            continue
        found = _WITH_TITLE.fullmatch(stripped)
        if found:
            titled.append((i, found[1], found[2]))
    every = sorted(alone + titled)
    # A table of contents lists the sections before the first of them: it ends where the
    # number it began with comes again, as a heading.
    listed: dict[str, str] = {}
    toc_end = -1
    if every:
        first = every[0]
        again = [c for c in alone if c[1] == first[1] and c[0] > first[0]]
        if again:
            toc_end = again[0][0]
            for i, number, title in every:
                if i < toc_end:
                    listed.setdefault(number, title)
    candidates = [c for c in alone if _starts_a_matter(lines, c[0])] if alone else titled
    candidates = [c for c in candidates if c[0] >= toc_end and (not listed or c[1] in listed)]
    headings = []
    for i, number, title in _longest_run(candidates):
        if title:
            headings.append((i, number, title, 0))
        else:
            heading, used = _title_after(lines, i, listed.get(number, ""))
            headings.append((i, number, heading, used))
    return headings


def _longest_run(candidates: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Return the longest run of candidates whose numbers rise, each at most _MAX_GAP above
    the one before: the sections, without a stray "§ 33" of a signature or a list."""
    best: list[list[tuple[int, str, str]]] = []
    for n, candidate in enumerate(candidates):
        value = int(candidate[1])
        before = [
            best[m]
            for m in range(n)
            if int(candidates[m][1]) < value <= int(candidates[m][1]) + _MAX_GAP
        ]
        best.append([*max(before, key=len, default=[]), candidate])
    return max(best, key=len, default=[])


def _starts_a_matter(lines: list[str], index: int) -> bool:
    """Tell a heading "§ 140" from a number alone in a list: a title follows it."""
    following = next((line.strip() for line in lines[index + 1 : index + 2]), "")
    return bool(following) and following[0].isupper() and not _ALONE.fullmatch(following)


def _title_after(lines: list[str], index: int, listed: str) -> tuple[str, int]:
    """Return the title on the lines after a heading "§ 140" and how many lines it takes:
    the table of contents' title when it lists the number, else the next line (and one
    more when it ends with "/" or "-", as a broken title does)."""
    first = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if listed and listed.startswith(first):
        following = lines[index + 2].strip() if index + 2 < len(lines) else ""
        return listed, 2 if following and listed.endswith(following) and listed != first else 1
    if first.endswith(("/", "-", "–")) and index + 2 < len(lines):
        return f"{first} {lines[index + 2].strip()}", 2
    return first, 1


def _appeal_start(lines: list[str], index: int) -> int:
    """Return the line where the appeal instructions after the last section begin, or the
    end of the text."""
    for i in range(index + 2, len(lines)):
        line = lines[i].strip()
        if _APPEAL.fullmatch(line) and len(line.split()) <= 6:
            return i
        if _SECTION_LIST.fullmatch(line) and "," in line:
            return i - 1 if i > index + 2 and len(lines[i - 1].split()) <= 4 else i
    return len(lines)


def _part(lines: list[str], label: re.Pattern[str], most: int = 0) -> str:
    """Return the text after the last line that is the label ("Päätös") up to the next
    label of a part, at most `most` lines if given."""
    starts = [n for n, line in enumerate(lines) if label.fullmatch(line.strip())]
    if not starts:
        return ""
    taken = []
    for line in lines[starts[-1] + 1 :]:
        stripped = line.strip()
        if _is_part_label(stripped) or (most and len(taken) == most):
            break
        taken.append(stripped)
    return " ".join(" ".join(taken).split())[:_PART_CHARS]


def _is_part_label(line: str) -> bool:
    return (
        any(p.fullmatch(line) for p in (_PROPOSAL, _DECISION))
        or bool(_PREPARER.fullmatch(line) and len(line.split()) <= 4)
        or is_signature_label(line)
    )
