"""Decision documents: minutes, agendas and officials' decisions, recognised from their front.

Since the wellbeing services counties started, most sote documents are decisions of a body:
its minutes ("pöytäkirja", "protokoll"), agendas ("esityslista", "föredragningslista") and
officials' decisions ("viranhaltijapäätös", "tjänstemannabeslut"). Their publishing systems
print who met, when and where on the first page and in a running header on every page:

    Lapuan kaupunki Pöytäkirja 11/2024 1 (8)
    Tarkastuslautakunta 11.12.2024
    Aika 11.12.2024, klo 17:00 - 18:29
    Paikka Kaupungintalo, kaupunginhallituksen kokoushuone

page_text leaves the running header out of the text (it would make every page match the
body's name); read_decision() reads it from the first page as the PDF has it, so that the
document keeps what it says. A person calls such a document by its body, meeting date and
kind ("Tarkastuslautakunta 11.12.2024, pöytäkirja 11/2024"), and dates it by its meeting, not
by the day its PDF was made.
"""

import datetime
import re
from dataclasses import dataclass

from indexer.documents.metadata import extract_date

# Lines of the front looked at for the kind and the header: a decision says what it is at
# its top, and a news text that mentions "pöytäkirja" further down is not one.
_HEAD_LINES = 8
_FRONT_LINES = 40
# Each name a publishing system prints for a kind -> the kind as a title and the API say it.
_KINDS = {
    "pöytäkirja": "pöytäkirja",
    "esityslista": "esityslista",
    "kokouskutsu": "esityslista",
    "viranhaltijapäätös": "viranhaltijapäätös",
    "viranhaltijan päätös": "viranhaltijapäätös",
    "protokoll": "protokoll",
    "föredragningslista": "föredragningslista",
    "kallelse": "föredragningslista",
    "tjänstemannabeslut": "tjänstemannabeslut",
    "tjänsteinnehavarbeslut": "tjänstemannabeslut",
}
_KIND = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_KINDS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)
_NUMBER = re.compile(r"\s*(?:nro\s*|nr\s*)?(\d{1,3}/\d{4})(?!\d)", re.IGNORECASE)
# "1 (8)", "Sivu 1 / 8" at the end of a header line.
_PAGE_OF = re.compile(r"\s*(?:sivu|sida)?\s*\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|/\s*\d{1,4})\s*$", re.I)
_ORGANISATION = re.compile(
    # "kunta" but not the "lautakunta" or "johtokunta" of a body.
    r"(?:[\w-]+\s){0,3}[\w-]*(?:kaupunki|(?<!lauta)(?<!johto)(?<!toimi)kunta|hyvinvointialue"
    r"|kuntayhtymä|sairaanhoitopiiri|maakunta|stad|kommun|välfärdsområde|samkommun)(?!\w)"
    # Swedish names the region after the organisation: "Välfärdsområdet i Österbotten",
    # "Välfärdsområdet i Östra Nyland".
    r"|(?:välfärdsområdet|samkommunen)\s+i\s+(?-i:(?:(?:Östra|Västra|Mellersta|Egentliga)\s)?"
    r"[A-ZÅÄÖ][\w-]+)",
    re.IGNORECASE,
)
# How the names of bodies end: the city board, committees, divisions, councils.
_BODY = re.compile(
    r"(?:[\w-]+\s){0,3}[\w-]*(?:lautakunta|valtuusto|hallitus|jaosto|johtokunta|toimikunta"
    r"|neuvosto|nämnden|nämnd|fullmäktige|styrelsen|styrelse|sektionen|sektion|direktionen"
    r"|johtaja|päällikkö|chef|direktör)",
    re.IGNORECASE,
)
_LABELLED_BODY = re.compile(r"(?:toimielin|päättäjä|organ|beslutsfattare)\s*:?\s+(.+)", re.I)
_WHEN = re.compile(
    r"(?:aika|kokousaika|päätöspäivä|päivämäärä|tid|datum|beslutsdatum)\s*:?\s+(.*)", re.I
)
_WHERE = re.compile(r"(?:paikka|kokouspaikka|plats|mötesplats)\s*:?\s+(.+)", re.IGNORECASE)
_DATE_AT_END = re.compile(r"\s+\d{1,2}\.\d{1,2}\.\d{4}\s*$")
# An official's decision numbers itself after its date: "Hyvinvointialueen johtaja 12.3.2024
# § 166".
_SECTION_AT_END = re.compile(r"\s+(?:§\s*\d{1,4}|\d{1,4}\s*§)\s*$")
_NAVIGATION = re.compile(r"\S \| \S")
_DATE_NEXT = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{4}")
_DATE_ALONE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
# Kinds that are one decision of one official, not a meeting's.
OFFICIALS_KINDS = frozenset({"viranhaltijapäätös", "tjänstemannabeslut"})


@dataclass(frozen=True)
class Decision:
    """What the front of a decision document says about it."""

    kind: str  # "pöytäkirja", "esityslista", "viranhaltijapäätös", or Swedish
    organisation: str  # "Lapuan kaupunki"; "" when not printed
    decision_maker: str  # "Tarkastuslautakunta"; "" when not printed
    meeting: str  # the meeting's number, "11/2024"; "" when not printed
    meeting_date: datetime.date
    place: str  # "" when not printed

    @property
    def title(self) -> str:
        """Return what a person calls the document: "Tarkastuslautakunta 11.12.2024,
        pöytäkirja 11/2024"."""
        who = self.decision_maker or self.organisation
        day = self.meeting_date
        kind = f"{self.kind} {self.meeting}".strip()
        return f"{who} {day.day}.{day.month}.{day.year}, {kind}"


def read_decision(front: str) -> Decision | None:
    """Return what a decision document's front (its first page with the running header, or
    the beginning of its text) says, or None when it is not a decision document: one that
    names its kind at the top, its meeting's or decision's date and who decided.

    >>> read_decision("Lapuan kaupunki Pöytäkirja 11/2024 1 (8)\\n"
    ...     "Tarkastuslautakunta 11.12.2024\\nAika 11.12.2024, klo 17:00").title
    'Tarkastuslautakunta 11.12.2024, pöytäkirja 11/2024'
    """
    lines = [" ".join(line.split()) for line in front.splitlines()]
    # A web page's navigation ("Toimielimet | Kaupunginhallitus | Pöytäkirja 08.05.2017")
    # names the kind too, but the page's own heading says what it is.
    lines = [line for line in lines if line and not _NAVIGATION.search(line)][:_FRONT_LINES]
    head = lines[:_HEAD_LINES]
    kind_line = next((line for line in head if _KIND.search(line) and len(line) < 100), None)
    if kind_line is None:
        return None
    found = _KIND.search(kind_line)
    assert found is not None
    number = _NUMBER.match(kind_line, found.end())
    organisation = _organisation(kind_line[: found.start()].strip(), head)
    kind = _KINDS[found[1].lower()]
    maker, maker_date = _decision_maker(head, kind_line)
    # "Pöytäkirja 08.05.2017 Pykälä 127": the day printed after the kind that begins its
    # line, as a page of one section of the minutes heads itself ("Områdesstyrelsens
    # protokoll 12.1.2023" is a news text's title).
    meeting_date = _meeting_date(lines) or maker_date
    if meeting_date is None and found.start() == 0:
        meeting_date = _date_after(kind_line, found.end())
    if meeting_date is None and kind in OFFICIALS_KINDS:
        # An official's decision prints its day on a line of its own below the title.
        meeting_date = next(
            (extract_date(line) for line in head if _DATE_ALONE.fullmatch(line)), None
        )
    if meeting_date is None or not (maker or organisation):
        return None
    place = next((m[1] for line in lines if (m := _WHERE.fullmatch(line))), "")
    return Decision(
        kind=kind,
        organisation=organisation,
        decision_maker=maker,
        meeting=number[1] if number else "",
        meeting_date=meeting_date,
        place=_PAGE_OF.sub("", place).strip(),
    )


def _date_after(line: str, at: int) -> datetime.date | None:
    """Return the date that follows the kind on its line, if it comes next."""
    after = _DATE_NEXT.match(line, at)
    return extract_date(after[0]) if after else None


def organisation_named(text: str) -> str:
    """Return the organisation a text is the name of ("Espoon kaupunki"), "" if it is not."""
    text = " ".join(text.split())
    return _capitalised(text) if _ORGANISATION.fullmatch(text) else ""


def kind_named(line: str) -> str | None:
    """Return the kind of decision document a line names ("VIRANHALTIJAN PÄÄTÖS" ->
    "viranhaltijapäätös"), or None."""
    found = _KIND.search(line)
    return _KINDS[found[1].lower()] if found else None


def _organisation(before_kind: str, head: list[str]) -> str:
    """Return the organisation: what the kind's line prints before the kind, or a line of
    the head that names a town or county."""
    if before_kind and _ORGANISATION.fullmatch(before_kind):
        return _capitalised(before_kind)
    for line in head:
        found = _ORGANISATION.match(line)
        if found:
            return _capitalised(found[0])
    return _capitalised(before_kind) if before_kind and len(before_kind.split()) <= 4 else ""


def _decision_maker(head: list[str], kind_line: str) -> tuple[str, datetime.date | None]:
    """Return the body or official that decided and the date printed beside it, if any."""
    for line in head:
        labelled = _LABELLED_BODY.fullmatch(line)
        if labelled:
            return _capitalised(_DATE_AT_END.sub("", labelled[1])), extract_date(labelled[1])
    for line in head:
        if line is kind_line or _WHEN.fullmatch(line) or _WHERE.fullmatch(line):
            continue
        name = _DATE_AT_END.sub("", _SECTION_AT_END.sub("", line))
        if _BODY.fullmatch(name):
            return _capitalised(name), extract_date(line)
    return "", None


def _meeting_date(lines: list[str]) -> datetime.date | None:
    """Return the date of the "Aika" / "Tid" line."""
    for line in lines:
        when = _WHEN.fullmatch(line)
        if when:
            date = extract_date(when[1])
            if date:
                return date
    return None


def _capitalised(name: str) -> str:
    """Return a name printed in capitals as a name: "ETELÄ-POHJANMAAN HYVINVOINTIALUE" ->
    "Etelä-Pohjanmaan hyvinvointialue"."""
    if not name.isupper():
        return name
    first, *rest = name.lower().split(" ")
    return " ".join(["-".join(part.capitalize() for part in first.split("-")), *rest])
