"""Plain text, Markdown and HTML files: bytes decoded, HTML's visible text, title and date."""

import hashlib
import re

from indexer.common import ids
from indexer.documents.decision_meta import decision_from_meta, meta_section
from indexer.documents.decisions import read_decision
from indexer.documents.document import Document, Skipped
from indexer.documents.html_text import HtmlUnreadable, parse_html
from indexer.documents.metadata import extract_date, extract_title
from indexer.documents.official_decisions import decision_sections

_HTML_SUFFIXES = (".html", ".htm")
# Characters of a text that are its front, where a decision document says what it is.
_FRONT = 3000


# Past this share of control characters the bytes are data, whatever they decode as.
_MAX_CONTROL_SHARE = 0.1


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def parse_text(doc_id: str, raw: bytes, mtime: float) -> Document | Skipped:
    """Turn a text file's bytes into a Document, unless they are not text."""
    if b"\x00" in raw:
        return Skipped(doc_id, "binary file (NUL bytes)")
    text, note = _decode(raw)
    if not text.strip():
        return Skipped(doc_id, "empty file")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        return Skipped(doc_id, "binary file (control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    page = None
    if ids.suffix(doc_id) in _HTML_SUFFIXES:
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
    # An exported decision page says what it is in its <meta> tags; others, at their top.
    meta = page.meta if page else {}
    decision = decision_from_meta(meta)
    if decision is not None:
        section = meta_section(meta, body, page.h1 if page else "")
        sections = [section] if section else []
    else:
        decision = read_decision(body[:_FRONT])
        sections = decision_sections(body, decision)
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
        sections=tuple(sections),
    )


def _decode(raw: bytes) -> tuple[str, str | None]:
    """Decode bytes as UTF-8, else cp1252, else latin-1; the note names any fallback."""
    try:
        return raw.decode("utf-8-sig"), None
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
