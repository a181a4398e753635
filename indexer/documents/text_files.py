"""Plain text, Markdown and HTML files: bytes decoded, HTML's visible text, title and date."""

import codecs
import hashlib
import re

from indexer.common import ids
from indexer.documents.decision_documents import read_decision_document
from indexer.documents.document import Document, Skipped
from indexer.documents.html_text import HtmlUnreadable, parse_html
from indexer.documents.metadata import extract_date, extract_title

_HTML_SUFFIXES = (".html", ".htm")
# Characters of a text that are its front, where a decision document says what it is.
_FRONT = 3000


# Past this share of control characters the bytes are data, whatever they decode as.
_MAX_CONTROL_SHARE = 0.1


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Where a page declares its encoding: within its head, at the start.
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I)
_CHARSET_BYTES = 4096


def parse_text(doc_id: str, raw: bytes, mtime: float) -> Document | Skipped:
    """Turn a text file's bytes into a Document, unless they are not text."""
    if b"\x00" in raw:
        return Skipped(doc_id, "binary file (NUL bytes)")
    html = ids.suffix(doc_id) in _HTML_SUFFIXES
    text, note = _decode(raw, _declared_charset(raw) if html else None)
    if not text.strip():
        return Skipped(doc_id, "empty file")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        return Skipped(doc_id, "binary file (control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    page = None
    if html:
        try:
            page = parse_html(text)
        except HtmlUnreadable as e:
            return Skipped(doc_id, f"HTML the parser gave up on: {e}")
        body = page.text
        if not body.strip() and not page.title.strip():
            return Skipped(doc_id, "HTML without visible text")
        title = extract_title(page.title) or extract_title(page.h1) or extract_title(body)
    else:
        body = text
        title = extract_title(body)
    date = extract_date(body)
    decision, sections = read_decision_document(
        body,
        body[:_FRONT],
        meta=page.meta if page else None,
        heading=page.h1 if page else "",
        page_title=page.title if page else "",
    )
    if decision is not None:
        title, date = decision.title, decision.meeting_date
    return Document(
        id=doc_id,
        title=title or ids.stem(doc_id),
        date=date,
        body=body,
        size=len(raw),
        mtime=mtime,
        hash=hashlib.sha256(raw).hexdigest(),
        note=note,
        decision=decision,
        sections=sections,
    )


def _declared_charset(raw: bytes) -> str | None:
    """Return the encoding an HTML page declares in its first bytes (<meta charset>, the
    http-equiv Content-Type, an XML declaration) if Python knows it, else None."""
    found = _CHARSET.search(raw[:_CHARSET_BYTES])
    if not found:
        return None
    try:
        name = codecs.lookup(found[1].decode("ascii")).name
    except LookupError:
        return None
    # A page of one-byte ASCII markup cannot be UTF-16 or -32, whatever it says.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _decode(raw: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode bytes as UTF-8, else in the encoding an HTML page declares, else cp1252, else
    latin-1; the note names any fallback. UTF-8 first even when a page declares another
    encoding: bytes that are valid UTF-8 with letters beyond ASCII are UTF-8 (pages saved
    again by an editor keep their old declaration), and cp1252 bytes seldom are."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return raw.decode(declared), None
        except UnicodeDecodeError:
            pass
    repaired = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    damaged = repaired.count("\ufffd")
    # Mostly good UTF-8 with a few broken bytes (a cut-off download): cp1252 would turn every
    # ä of it into "Ã¤", so keep UTF-8 and lose only the broken characters.
    if sum(1 for char in repaired if char > "\x7f") - damaged > damaged:
        return repaired, "decoded as UTF-8 with invalid bytes replaced"
    try:
        return raw.decode("cp1252"), "decoded as cp1252"
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this cannot fail; the control-character check judges it.
        return raw.decode("latin-1"), "decoded as latin-1"
