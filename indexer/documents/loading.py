"""Read the seeds folder: each file becomes a Document, or a Skipped that says why not."""

import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.common import settings
from indexer.common.killable import KillableProcess, ProcessDied, TimedOut
from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents import binary, ocr
from indexer.documents.document import Document, Skipped
from indexer.documents.folder import list_files, read_file
from indexer.documents.readers import Scan, finish_scan, out_of_memory, parse_file

# Text is extracted in this worker, so that a file that makes it slow can be stopped, and one
# that makes it swell fails alone ($SOTEHAKU_MAX_FILE_MEMORY_MB). Scanned pages are read by
# OCR in a second one, a page a call, while the first goes on with the files after them.
_extraction = KillableProcess(__name__, memory_mb=settings.max_file_memory_mb)
_ocr = KillableProcess(__name__, memory_mb=settings.max_file_memory_mb)


def load(
    seeds_dir: Path,
    doc_id: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> Document | Skipped:
    """Read one file below seeds_dir as a Document, or say why it is skipped.

    Extracting the text may take max_seconds; a file that takes longer is skipped.
    """
    (loaded,) = load_all(seeds_dir, [doc_id], max_bytes=max_bytes, max_seconds=max_seconds)
    return loaded


def load_all(
    seeds_dir: Path,
    ids: Iterable[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> Iterator[Document | Skipped]:
    """Load each file as load() does, in order; the next files are read while the worker
    extracts the text of one."""
    # Files refused before extraction wait here, in order, behind the extractions before them;
    # a file being extracted waits with its bytes, which OCR may need.
    queue: deque[Skipped | tuple[str, bytes]] = deque()
    # Read before the first file, so that a setting without meaning stops at once.
    max_pages, page_seconds = settings.max_pdf_pages(), settings.ocr_page_seconds()
    file_seconds = settings.ocr_file_seconds()

    # Resolved once: for a folder of small files resolving it again for each took a fifth of
    # the time of reading them.
    root = seeds_dir.resolve()

    def extractions() -> Iterator[tuple[str, bytes, float, int]]:
        for doc_id in ids:
            read = read_file(root, doc_id, max_bytes)
            if isinstance(read, Skipped):
                queue.append(read)
            else:
                queue.append((doc_id, read[0]))
                yield (doc_id, *read, max_pages)

    for outcome in _extraction.map(parse_file, extractions(), max_seconds):
        while isinstance(queue[0], Skipped):
            yield queue.popleft()
        doc_id, raw = queue.popleft()
        if isinstance(outcome, TimedOut):
            yield Skipped(doc_id, f"reading its text took longer than the {max_seconds:g} s limit")
        elif isinstance(outcome, ProcessDied):
            yield Skipped(doc_id, f"reading its text failed: {_died(outcome)}")
        elif isinstance(outcome, Scan):
            yield _read_scan(outcome, raw, max_seconds, page_seconds, file_seconds)
        else:
            yield outcome
    yield from queue


def scan(
    seeds_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> tuple[list[Document], list[Skipped]]:
    """Load every file below seeds_dir, split into documents and skipped files and folders."""
    documents: list[Document] = []
    ids, skipped = list_files(seeds_dir)
    for result in load_all(seeds_dir, ids, max_bytes=max_bytes, max_seconds=max_seconds):
        if isinstance(result, Document):
            documents.append(result)
        else:
            skipped.append(result)
    return documents, skipped


def _read_scan(
    scan: Scan, raw: bytes, max_seconds: float, page_seconds: float, file_seconds: float
) -> Document | Skipped:
    """Read a PDF's scanned pages by OCR, a page at a time within page_seconds each and all
    of them within file_seconds, and return the whole document; a page that fails, and the
    pages left when the file's time ran out, are named in its note.

    The writer lock is held while a build reads, so no file may keep it for longer than its
    limits: a small PDF of 2,000 scanned pages took a core for 33 hours before file_seconds.
    A page whose image is the same as one read before takes that one's text or failure.
    """
    read = binary.OcrResult(file_seconds=file_seconds)
    pages = scan.scanned.pdf.scanned
    by_key: dict[str, binary.PageRead] = {}
    deadline = time.monotonic() + file_seconds
    for at, index in enumerate(pages):
        left = deadline - time.monotonic()
        if left <= 0:
            read.out_of_time = list(pages[at:])
            break
        seconds = min(page_seconds, left)
        # Rendering the page comes on top of reading it; Tesseract is stopped at its limit.
        try:
            page = _ocr.call(
                binary.ocr_page, (raw, index, seconds, frozenset(by_key)), seconds + max_seconds
            )
        except ocr.OcrUnavailable as e:
            read.unavailable = str(e)
            break
        except TimedOut:
            read.failures[index] = f"OCR took longer than the {seconds:.3g} s limit"
        except ProcessDied as e:
            read.failures[index] = f"OCR failed: {_died(e)}"
        except MemoryError:
            read.failures[index] = f"OCR {out_of_memory()}"
        except Exception as e:
            read.failures[index] = f"OCR failed ({type(e).__name__}: {e})"
        else:
            page = by_key.setdefault(page.key, page)
            if page.text is not None:
                read.texts[index] = page.text
            else:
                read.failures[index] = page.failure or "OCR failed"
    if read.texts:
        read.languages = _ocr.call(ocr.languages, (), max_seconds)
    try:
        return _ocr.call(finish_scan, (scan, read), max_seconds)
    except TimedOut:
        return Skipped(scan.id, f"reading its text took longer than the {max_seconds:g} s limit")
    except ProcessDied as e:
        return Skipped(scan.id, f"reading its text failed: {_died(e)}")


def _died(error: ProcessDied) -> str:
    # Native code (PDFium, libxml2) that cannot allocate aborts or crashes the process rather
    # than raising: past the memory limit is the likely cause of such an end. A SIGKILL comes
    # from outside (the kernel's OOM killer, a person).
    if error.code is not None and error.code < 0 and error.code != -9:
        return f"{error} (over the {settings.max_file_memory_mb()} MB memory limit?)"
    return str(error)
