"""Pages of a PDF: the text layer of each, through PDFium, and pictures of the scanned ones.

PDFium (pypdfium2, Apache-2.0/BSD) is the PDF engine of Chrome: it reads the damaged and odd
files real offices produce, and is fast (see the extract benchmark in docs/benchmarks.md). It
is not safe for threads; each extraction worker process is single-threaded.
"""

import datetime
import math
import re
from contextlib import closing
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.documents.unreadable import Unreadable

# Scanned pages are rendered at this resolution for OCR: Tesseract reads 300 dpi best.
OCR_DPI = 300
# A page is rendered with at most this many pixels (A4 at 300 dpi is 8.7 million), so that a
# page declared a metre wide cannot ask for gigabytes.
MAX_PIXELS = 40_000_000
# A page with fewer letters than this in its text layer but a picture on it is a scan
# (some scanners add a stray character or a page number as text).
_SCANNED_BELOW_CHARS = 20
# A text layer more than half of whose characters are replacement or private-use ones comes
# from fonts that do not say which character a glyph is: the page is read by OCR as a scan is.
_UNREADABLE_SHARE = 0.5
_NO_CHARACTER = re.compile("[\ufffd\ue000-\uf8ff]")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")


@dataclass(frozen=True)
class PdfPages:
    """What a PDF's text layer holds, page by page."""

    pages: list[str]  # each page's text as PDFium gives it; "" for a page to be read by OCR
    # Pages (from 0) with no text but a picture, or with an unreadable text layer: OCR reads
    # them.
    scanned: list[int]
    damaged: list[int]  # pages (from 0) PDFium could not read
    title: str  # from the document's metadata, as it is written there
    date: datetime.date | None  # the metadata's creation date


def read_pdf(raw: bytes, *, max_pages: int) -> PdfPages:
    """Return the text layer of each page of a PDF; raise Unreadable when it cannot be read
    (encrypted, damaged, not a PDF, more than max_pages pages)."""
    with closing(_open(raw)) as pdf:
        count = len(pdf)
        if count == 0:
            raise Unreadable("PDF without pages")
        if count > max_pages:
            raise Unreadable(f"PDF of {count:,} pages, over the {max_pages:,}-page limit")
        pages, scanned, damaged = [], [], []
        for index in range(count):
            try:
                text, needs_ocr = _page_text(pdf, index)
            except pdfium.PdfiumError:
                pages.append("")
                damaged.append(index)
                continue
            if needs_ocr:
                scanned.append(index)
                text = ""
            pages.append(text)
        metadata = pdf.get_metadata_dict(skip_empty=True)
    return PdfPages(
        pages=pages,
        scanned=scanned,
        damaged=damaged,
        title=metadata.get("Title", "").strip(),
        date=_pdf_date(metadata.get("CreationDate", "")),
    )


def render_page(raw: bytes, index: int, dpi: int = OCR_DPI) -> tuple[bytes, int]:
    """Return one page as a greyscale PGM image for OCR, and the resolution it has."""
    with closing(_open(raw)) as pdf, closing(pdf[index]) as page:
        width, height = page.get_size()
        scale = dpi / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = math.sqrt(MAX_PIXELS / (width * height))
        # Greyscale is one byte a pixel; rows may be padded to a stride.
        with closing(page.render(scale=scale, grayscale=True)) as bitmap:
            rows = memoryview(bitmap.buffer).cast("B")
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            if stride == w:
                pixels = bytes(rows[: w * h])
            else:
                pixels = b"".join(rows[y * stride : y * stride + w] for y in range(h))
    return b"P5\n%d %d\n255\n" % (w, h) + pixels, round(scale * 72)


def _open(raw: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise Unreadable("encrypted PDF: it opens only with a password") from None
        if "security" in message.lower():
            raise Unreadable("encrypted PDF with a protection PDFium cannot open") from None
        cause = re.search(r"PDFium: ([^)]*)", message)
        detail = cause.group(1).lower() if cause else message
        raise Unreadable(f"damaged or not a PDF ({detail})") from None


def _page_text(pdf: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """Return a page's text and whether OCR must read the page instead: a scan, or a page
    whose text layer is unreadable."""
    with closing(pdf[index]) as page:
        with closing(page.get_textpage()) as textpage:
            text = textpage.get_text_range()
        if _unreadable(text):
            return text, True
        # Looking for pictures costs a fifth of the page's time: only where text is scarce.
        if len(re.findall(r"\w", text)) < _SCANNED_BELOW_CHARS:
            pictures = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3)
            return text, next(pictures, None) is not None
    return text, False


def _unreadable(text: str) -> bool:
    """Tell a text layer of glyphs without characters from text."""
    if not _NO_CHARACTER.search(text):
        return False  # nearly every page: one scan of the text in C
    shown = len(text) - sum(map(str.isspace, text))
    return (
        shown >= _SCANNED_BELOW_CHARS
        and len(_NO_CHARACTER.findall(text)) > _UNREADABLE_SHARE * shown
    )


def _pdf_date(value: str) -> datetime.date | None:
    """Return the date of a PDF date string (D:YYYYMMDDHHmmSS+HH'mm'), or None."""
    match = _PDF_DATE.match(value)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None
