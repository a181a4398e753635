"""Which reader reads each kind of file: its bytes in, a Document, a Skipped or a PDF whose
scanned pages OCR still has to read out. These run in the extraction process (loading.py)."""

import hashlib
import resource
from dataclasses import dataclass

from indexer.common import ids, settings
from indexer.documents import binary
from indexer.documents.decision_documents import read_decision_document
from indexer.documents.document import Document, Skipped
from indexer.documents.metadata import extract_date, extract_title
from indexer.documents.text_files import parse_text
from indexer.documents.unreadable import Unreadable

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", *binary.SUFFIXES)


@dataclass(frozen=True)
class Scan:
    """A PDF whose scanned pages OCR still has to read."""

    id: str
    scanned: binary.Scanned
    size: int
    mtime: float
    hash: str


def parse_file(
    doc_id: str, raw: bytes, mtime: float, max_pages: int | None = None
) -> Document | Skipped | Scan:
    """Turn a file's bytes into a Document, unless they are not text; a PDF with scanned
    pages into a Scan. max_pages: a PDF's page limit, $SOTEHAKU_MAX_PDF_PAGES by default."""
    try:
        suffix = ids.suffix(doc_id)
        if suffix in binary.SUFFIXES:
            pages = settings.max_pdf_pages() if max_pages is None else max_pages
            return _parse_binary(doc_id, suffix, raw, mtime, pages)
        return parse_text(doc_id, raw, mtime)
    except MemoryError:
        return Skipped(doc_id, out_of_memory())


def _parse_binary(
    doc_id: str, suffix: str, raw: bytes, mtime: float, max_pages: int
) -> Document | Skipped | Scan:
    try:
        extracted = binary.extract(suffix, raw, max_pages=max_pages)
    except Unreadable as e:
        return Skipped(doc_id, str(e))
    except MemoryError:
        raise
    except Exception as e:
        # PDFium, python-docx and lxml meet every file a folder holds: a failure none of
        # them foresaw is still one file's reason, not the end of a build.
        return Skipped(doc_id, binary.describe_failure(suffix, e))
    digest = hashlib.sha256(raw).hexdigest()
    if isinstance(extracted, binary.Scanned):
        return Scan(doc_id, extracted, len(raw), mtime, digest)
    return _binary_document(doc_id, extracted, len(raw), mtime, digest)


def _binary_document(
    doc_id: str, extracted: binary.Extracted, size: int, mtime: float, digest: str
) -> Document:
    body = extracted.body
    decision, sections = read_decision_document(body, extracted.front)
    if decision is not None:
        title, date = decision.title, decision.meeting_date
    else:
        title = extracted.title or extract_title(body) or ids.stem(doc_id)
        date = extracted.date or extract_date(body)
    return Document(
        id=doc_id,
        title=title,
        date=date,
        body=body,
        size=size,
        mtime=mtime,
        hash=digest,
        note=extracted.note,
        page_starts=extracted.page_starts,
        decision=decision,
        sections=sections,
    )


def finish_scan(scan: Scan, read: binary.OcrResult) -> Document | Skipped:
    try:
        extracted = binary.finish_pdf(scan.scanned.pdf, read)
    except Unreadable as e:
        return Skipped(scan.id, str(e))
    except MemoryError:
        return Skipped(scan.id, out_of_memory())
    return _binary_document(scan.id, extracted, scan.size, scan.mtime, scan.hash)


def out_of_memory() -> str:
    """Say that a file needed more memory than the worker process may use (in the worker)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return "reading its text ran out of memory"
    return f"reading its text needed more than the {limit // 2**20} MB memory limit"
