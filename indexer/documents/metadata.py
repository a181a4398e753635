"""Title and date of a plain-text document, read the way Finnish news pages lay them out."""

import datetime
import re

TITLE_MAX_CHARS = 200

# D.M.YYYY (leading zeros allowed) or ISO YYYY-MM-DD. The guards keep out "Soite 2.0", versions
# such as 1.2.3 and the tail of a longer dotted number; "26.11." without a year never matches.
_DATE = re.compile(
    r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d)"
    r"|(?<![\d-])(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})(?!\d)"
)
_TIME = re.compile(r"(?:\bklo\s*)?\b\d{1,2}[.:]\d{2}\b")
# ➔ and → only ever separate; ›, » and > also serve as quotes or arrows, so they count as
# separators only with a space before them ("Etusivu › Uutiset ›").
_BREADCRUMB = re.compile(r"[➔→]|\s[›»>](?:\s|$)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def extract_date(text: str) -> datetime.date | None:
    """Return the first valid date written in the text, or None."""
    for match in _DATE.finditer(text):
        if match["year"]:
            year, month, day = match["year"], match["month"], match["day"]
        else:
            year, month, day = match["iso_year"], match["iso_month"], match["iso_day"]
        if not 1900 <= int(year) <= 2100:
            continue
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def extract_title(text: str) -> str:
    """Return the first line that reads as a title, shortened if long; "" when none does."""
    for raw_line in text.splitlines():
        line = " ".join(_MARKDOWN_HEADING.sub("", raw_line.strip()).split())
        if _WORD.search(line) and not _BREADCRUMB.search(line) and not _is_dateline(line):
            return _shorten(line)
    return ""


# Titles that word processors and PDF printers write for a document nobody named ("Tweb":
# the publishing system of many towns' minutes, which titles every PDF after itself).
_GENERIC_TITLES = re.compile(
    r"(?:untitled|document|word document|asiakirja|dokument|nimetön|otsikko|title|esitys"
    r"|powerpoint[- ]esitys|powerpoint presentation|dia|slide|tweb)\s*\d*",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\S+\.(?:docx?|odt|rtf|pdf|txt|xlsx?|pptx?|dotx?|html?)", re.IGNORECASE)
_PRINTED_FROM = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel)|word|libreoffice)\s*-\s*", re.I
)
# Dates before this in a file's metadata are a clock or template that was never set.
_FIRST_METADATA_YEAR = 1990


def metadata_title(title: str) -> str:
    """Return a title from a file's metadata if it names the document, shortened if long;
    "" for a file name, "Microsoft Word - ...", "Asiakirja1" and the like."""
    line = " ".join(_PRINTED_FROM.sub("", title.strip()).split())
    if not _WORD.search(line) or _GENERIC_TITLES.fullmatch(line) or _FILE_NAME.fullmatch(line):
        return ""
    return _shorten(line)


def metadata_date(
    date: datetime.date | None, today: datetime.date | None = None
) -> datetime.date | None:
    """Return a date from a file's metadata if it can be the document's: not in the future,
    not before 1990."""
    today = today or datetime.date.today()
    if date is None or date.year < _FIRST_METADATA_YEAR or date > today:
        return None
    return date


def _is_dateline(line: str) -> bool:
    """Tell a publication line ("Tiedote 5.11.2020", "STM 26.11.2018 14.47") from a title."""
    if extract_date(line) is None:
        return False
    without_date = _DATE.sub(" ", line)
    rest = _TIME.sub(" ", without_date)
    # A bare label goes with a date; a time stamp marks a byline, which may name its publisher.
    max_words = 3 if rest != without_date else 1
    return len(_WORD.findall(rest)) <= max_words


_CUT = "…"


def _shorten(title: str) -> str:
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title[: TITLE_MAX_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + _CUT


def is_heading(title: str) -> bool:
    """Tell whether a title reads as a heading, whose words say what the document is about;
    one cut short is the start of a paragraph (a text file of one long line), shown as the
    title but no more about the document than the rest of its text.

    >>> is_heading("Sote-uudistus etenee"), is_heading("Beyoncé Giselle Knowles-Carter on…")
    (True, False)
    """
    return not title.endswith(_CUT)
