"""Officials' decisions ("viranhaltijapäätös", "tjänstemannabeslut"): one decision a document.

An official decides alone, and each decision is a document of its own whose front lists what
a meeting's section heading says, one item a line:

    Etelä-Pohjanmaan hyvinvointialue Viranhaltijapäätös
    Hyvinvointialueen johtaja
    § 166
    12.03.2024
    EPHVA/1234/00.01.02/2024
    Kaikukortin käyttöönotto hyvinvointialueella
    Päätöksen perustelut
    ...

"§ 166" there is the decision's number in the official's series, not a heading: no title
follows it. The whole decision, from its title to the appeal instructions, is its one section,
so that a hit on it says what was decided, by whom, when and in which case, as a section of
minutes does.
"""

import re

from indexer.analysis.cases import find_case
from indexer.documents.decisions import Decision, kind_named
from indexer.documents.sections import Section, whole_decision

# Lines of the text's top where the front's items are.
_TOP_LINES = 15
_NUMBER = re.compile(
    r"(?:(?:pykälä|paragraf|päätös|beslut)\s*:?\s*)?(?:§\s*(\d{1,4})|(\d{1,4})\s*§)", re.I
)
_NUMBER_AT_END = re.compile(r".*\s(?:§\s*(\d{1,4})|(\d{1,4})\s*§)")
_SUBJECT = re.compile(r"(?:asia|aihe|otsikko|asiaotsikko|ärende|rubrik)\s*:?\s+(\S.*)", re.I)
# Labelled items of the front that are not the subject ("Päättäjä Sosiaalijohtaja").
_LABELLED = re.compile(
    r"(?:päättäjä|päätöksentekijä|viranhaltija|päätöspäivä|päivämäärä|päivätty|dnro"
    r"|diaarinumero|diaarinro|asianumero|pykälä|julkaistu|nähtävillä|liitteet?|beslutsfattare"
    r"|tjänsteinnehavare|beslutsdatum|datum|diarienummer|paragraf|aika|paikka|tid|plats)\b.*",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_PAGE_OF = re.compile(r"\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|/\s*\d{1,4})")
_LETTER = re.compile(r"[^\W\d_]")


def official_section(body: str, decision: Decision, front: str = "") -> Section | None:
    """Return an official's decision as its one section, or None when its top has no
    subject. front: the first page as printed, with the running header the body leaves out
    (where a PDF may print the decision's number)."""
    lines = body.split("\n")
    top = [" ".join(line.split()) for line in lines[:_TOP_LINES]]
    subject = _subject_line(top, decision)
    if subject is None:
        return None
    line, title = subject
    head = "\n".join([*top[:line], *front.splitlines()[:_TOP_LINES]])
    return whole_decision(body, line, _number(head), title, find_case(head) or "")


def _number(head: str) -> str:
    """Return the decision's number, "166" of "§ 166", from its front; "" when none."""
    for line in head.splitlines():
        line = " ".join(line.split())
        found = _NUMBER.fullmatch(line) or _NUMBER_AT_END.fullmatch(line)
        if found:
            return found[1] or found[2]
    return ""


def _subject_line(top: list[str], decision: Decision) -> tuple[int, str] | None:
    """Return the line of the decision's subject and the subject: labelled "Asia" /
    "Ärende", or else the first line of the top that is none of the front's other items."""
    for n, line in enumerate(top):
        labelled = _SUBJECT.fullmatch(line)
        if labelled:
            return n, labelled[1]
    known = {decision.decision_maker.lower(), decision.organisation.lower()}
    for n, line in enumerate(top):
        if not _LETTER.search(line) or line.lower() in known or _is_front_item(line, decision):
            continue
        return n, line
    return None


def _is_front_item(line: str, decision: Decision) -> bool:
    """Tell a line of the front's items (the kind, the official, a date, the number, the
    case number, a labelled item, a page number) from the subject."""
    if _LABELLED.fullmatch(line) or kind_named(line):
        return True
    rest = line.lower()
    for name in (find_case(line), decision.decision_maker, decision.organisation):
        if name:
            rest = rest.replace(name.lower(), " ")
    return not _LETTER.search(_NUMBER.sub(" ", _PAGE_OF.sub(" ", _DATE.sub(" ", rest))))
