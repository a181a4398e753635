"""Text of the binary formats a seeds folder may hold: PDF, DOCX and ODT.

Each runs in the extraction worker (indexer.common.killable) on whatever a folder holds, so every
failure of a reader becomes a reason in words, never a traceback that stops a build.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from indexer.analysis.voikko import is_spelt_right, voikko_available
from indexer.documents import ocr
from indexer.documents.metadata import metadata_date, metadata_title
from indexer.documents.office_text import read_docx, read_odt
from indexer.documents.page_text import IsWord, clean_pages, normalize
from indexer.documents.pdf_text import PdfPages, read_pdf, render_page
from indexer.documents.unreadable import Unreadable

SUFFIXES = (".pdf", ".docx", ".odt")
# Characters of a text without pages that are its front, as a first page would be.
_FRONT = 3000
_KINDS = {".pdf": "PDF", ".docx": "DOCX", ".odt": "ODT"}


@dataclass(frozen=True)
class Extracted:
    """A binary file's text, with what its metadata says when that means something."""

    body: str
    page_starts: tuple[int, ...]  # where each page starts in body; () for DOCX and ODT
    title: str  # "" when the metadata names no title
    date: datetime.date | None
    note: str | None
    # The first page as printed, its running header included (decisions.read_decision reads
    # who met and when from it); the beginning of the text for DOCX and ODT.
    front: str = ""


@dataclass(frozen=True)
class Scanned:
    """A PDF with scanned pages: its text layer, until OCR has read the scans."""

    pdf: PdfPages


@dataclass
class OcrResult:
    """The text OCR read from a PDF's scanned pages, and the pages it could not read."""

    texts: dict[int, str] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)  # page (from 0) -> why
    unavailable: str | None = None  # why no page could be read at all
    languages: str = ""
    # Pages left unread when the file's OCR time ran out, and that time in seconds.
    out_of_time: list[int] = field(default_factory=list)
    file_seconds: float = 0.0


@dataclass(frozen=True)
class PageRead:
    """What OCR made of one page: its image's key, and its text or why there is none. text
    and failure are both None when an image with the same key was read before."""

    key: str
    text: str | None = None
    failure: str | None = None


def extract(suffix: str, raw: bytes, *, max_pages: int) -> Extracted | Scanned:
    """Return the text of a PDF, DOCX or ODT file, or the PDF's text layer when some pages
    need OCR; raise Unreadable with the reason it cannot be read."""
    if suffix == ".pdf":
        pdf = read_pdf(raw, max_pages=max_pages)
        return Scanned(pdf) if pdf.scanned else finish_pdf(pdf, OcrResult())
    office = read_docx(raw) if suffix == ".docx" else read_odt(raw)
    body = normalize(office.text)
    if not body.strip():
        raise Unreadable(f"{_KINDS[suffix]} without text")
    return Extracted(
        body, (), metadata_title(office.title), metadata_date(office.date), None, body[:_FRONT]
    )


def ocr_page(raw: bytes, index: int, seconds: float, known: frozenset[str]) -> PageRead:
    """Return what OCR reads on one page of a PDF within `seconds`, unless the page's image is
    one of the known ones (by key), which was read already; raise ocr.OcrUnavailable.

    A scan that repeats one picture on many pages (a crafted PDF does, to cost an hour of OCR
    a page in a small file) is then read once.
    """
    ocr.languages()  # before rendering: without Tesseract there is nothing to render for
    image, dpi = render_page(raw, index)
    key = hashlib.blake2b(image, digest_size=16).hexdigest()
    if key in known:
        return PageRead(key)
    try:
        return PageRead(key, text=ocr.read_image(image, dpi, seconds))
    except ocr.OcrFailed as e:
        return PageRead(key, failure=str(e))


def finish_pdf(pdf: PdfPages, read: OcrResult) -> Extracted:
    """Return a PDF's text from its text layer and what OCR read; raise Unreadable when it
    has no text at all."""
    pages = [read.texts.get(n, text) for n, text in enumerate(pdf.pages)]
    cleaned = clean_pages(pages, _is_word())
    notes = []
    if read.texts:
        which = "" if len(read.texts) == len(pages) else f"{_page_list(read.texts)} "
        notes.append(f"{which}read by OCR (Tesseract {read.languages})")
    if read.unavailable:
        notes.append(f"scanned {_page_list(pdf.scanned)} not read: {read.unavailable}")
    # Pages that failed alike are named together: a crafted scan may fail a thousand times.
    alike: dict[str, list[int]] = {}
    for n, why in sorted(read.failures.items()):
        alike.setdefault(why, []).append(n)
    notes += [f"{_page_list(pages)} not read: {why}" for why, pages in alike.items()]
    if read.out_of_time:
        notes.append(
            f"{_page_list(read.out_of_time)} not read: OCR of this file took longer than its "
            f"{read.file_seconds:g} s limit"
        )
    if pdf.damaged:
        notes.append(f"damaged {_page_list(pdf.damaged)} could not be read")
    if not cleaned.text.strip():
        raise Unreadable("PDF without text: " + ("; ".join(notes) or "no text layer, no scans"))
    return Extracted(
        body=cleaned.text,
        page_starts=cleaned.page_starts,
        title=metadata_title(pdf.title),
        date=metadata_date(pdf.date),
        note="; ".join(notes) or None,
        front=normalize(pages[0]) if pages else "",
    )


def describe_failure(suffix: str, error: Exception) -> str:
    """Return the reason for a file whose reader failed in a way it does not foresee."""
    return f"{_KINDS[suffix]} that its reader failed on ({type(error).__name__}: {error})"


def _page_list(pages: list[int] | dict[int, str]) -> str:
    """Return "page 3" or "pages 1, 2, 5" for pages numbered from 0."""
    numbers = sorted(pages)
    if len(numbers) == 1:
        return f"page {numbers[0] + 1}"
    shown = ", ".join(str(n + 1) for n in numbers[:10])
    return f"pages {shown}" + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _is_word() -> IsWord:
    """Return Voikko's spelling check, through the handles analysis.voikko keeps, or None
    where Voikko is not installed (the rules of page_text decide alone then)."""
    return is_spelt_right if voikko_available() else None
