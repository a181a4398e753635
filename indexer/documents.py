"""Read the seeds folder: each file becomes a Document, or a Skipped that says why not."""

import datetime
import hashlib
import os
import re
import resource
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer import formats, ids, ocr, settings
from indexer.extract import extract_date, extract_title
from indexer.html_text import HtmlUnreadable, parse_html
from indexer.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.timelimit import TimedOut, Worker, WorkerDied
from indexer.unreadable import Unreadable

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", *formats.SUFFIXES)

_HTML_SUFFIXES = (".html", ".htm")
# Past this share of control characters the bytes are data, whatever they decode as.
_MAX_CONTROL_SHARE = 0.1
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# O_NOFOLLOW: a link swapped in after the check is not followed; O_NONBLOCK: a FIFO cannot
# hang the scan before fstat shows it is not a regular file.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
# Text is extracted in this worker, so that a file that makes it slow can be stopped, and one
# that makes it swell fails alone ($SOTEHAKU_MAX_FILE_MEMORY_MB). Scanned pages are read by
# OCR in a second one, a page a call, while the first goes on with the files after them.
_extraction = Worker(__name__, memory_mb=settings.max_file_memory_mb)
_ocr = Worker(__name__, memory_mb=settings.max_file_memory_mb)


@dataclass(frozen=True)
class Document:
    """A file from the seeds folder, read and ready to index."""

    id: str  # path relative to the seeds folder, with "/" separators
    title: str
    date: datetime.date | None
    body: str  # the text, for HTML the visible text; newlines are "\n"
    size: int  # bytes on disk
    mtime: float
    hash: str  # sha256 hex of the raw bytes
    note: str | None  # how the text was decoded or read (OCR), when that is worth saying
    # Where each page starts in body, for formats with pages (PDF); () for the others.
    page_starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A file from the seeds folder that is not indexed, and why, in words for a person."""

    id: str
    reason: str


class SeedsMissing(FileNotFoundError):
    """The seeds folder does not exist, or is not a folder."""


def require_seeds(seeds_dir: Path) -> None:
    """Raise SeedsMissing unless seeds_dir is a folder."""
    if not seeds_dir.is_dir():
        raise SeedsMissing(f"Seeds folder {seeds_dir} does not exist.")


def list_files(seeds_dir: Path) -> tuple[list[str], list[Skipped]]:
    """List every non-hidden file below seeds_dir as sorted ids, and the folders that could
    not be listed (their ids end in "/"); raise SeedsMissing if there is no folder."""
    require_seeds(seeds_dir)
    ids = []
    unlisted = []

    def unlistable(error: OSError) -> None:
        folder = Path(error.filename).relative_to(seeds_dir).as_posix()
        unlisted.append(Skipped(f"{folder}/", f"folder not read: {_strerror(error)}"))

    # Linked folders are not entered (os.walk's default): they may lead outside or loop.
    for folder, dirs, files in os.walk(seeds_dir, onerror=unlistable):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        # Joined as strings: a Path a file was most of the time of listing 100,000 files.
        relative = Path(folder).relative_to(seeds_dir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        ids.extend(prefix + name for name in files if not name.startswith("."))
    return sorted(ids), sorted(unlisted, key=lambda s: s.id)


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

    # Resolved once: for a folder of small files resolving it again for each took a fifth of
    # the time of reading them.
    root = seeds_dir.resolve()

    def extractions() -> Iterator[tuple[str, bytes, float, int]]:
        for doc_id in ids:
            read = _read_file(root, doc_id, max_bytes)
            if isinstance(read, Skipped):
                queue.append(read)
            else:
                queue.append((doc_id, read[0]))
                yield (doc_id, *read, max_pages)

    for outcome in _extraction.map(_parse, extractions(), max_seconds):
        while isinstance(queue[0], Skipped):
            yield queue.popleft()
        doc_id, raw = queue.popleft()
        if isinstance(outcome, TimedOut):
            yield Skipped(doc_id, f"reading its text took longer than the {max_seconds:g} s limit")
        elif isinstance(outcome, WorkerDied):
            yield Skipped(doc_id, f"reading its text failed: {_died(outcome)}")
        elif isinstance(outcome, _Scan):
            yield _read_scan(outcome, raw, max_seconds, page_seconds)
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


def _read_file(root: Path, doc_id: str, max_bytes: int) -> tuple[bytes, float] | Skipped:
    """Return a file's bytes and mtime, or why it is skipped before its text is looked at;
    root is the seeds folder, resolved."""
    refusal = _refuse_id(doc_id)
    if refusal:
        return Skipped(doc_id, refusal)
    # An id has no "." or ".." parts (_refuse_id) and root has no links, so a path with no
    # link in it is inside. Looking for links takes a system call a part of the id, where
    # resolve() took a fifth of the time of reading a folder of small files.
    path: str | Path = os.path.join(root, doc_id)
    if _may_be_linked(str(root), doc_id):
        try:
            # resolve() only reads links, so a target outside is never opened.
            path = (root / doc_id).resolve()
        except RuntimeError:
            return Skipped(doc_id, "unreadable: link loop")
        except OSError as error:
            return Skipped(doc_id, _unreadable(error))
        if not path.is_relative_to(root):
            return Skipped(doc_id, "link pointing outside the seeds folder")
    read = _read(path, max_bytes)
    return Skipped(doc_id, read) if isinstance(read, str) else read


def _may_be_linked(root: str, doc_id: str) -> bool:
    """Tell whether a part of the path of doc_id below root is a link, or could not be
    looked at (then resolve() says why)."""
    path = root
    for part in doc_id.split("/"):
        path = os.path.join(path, part)
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return True
        except OSError:
            return True
    return False


def _refuse_id(doc_id: str) -> str | None:
    """Say why an id is not one to open, or None when it is."""
    parts = doc_id.split("/")
    if "\x00" in doc_id or any(part in ("", ".", "..") for part in parts):
        return "not a relative path inside the seeds folder"
    if any(part.startswith(".") for part in parts):
        return "hidden file"
    try:
        doc_id.encode()
    except UnicodeEncodeError:
        # os.walk escapes undecodable bytes as lone surrogates, which cannot be stored or shown.
        return "file name is not valid UTF-8"
    suffix = ids.suffix(doc_id)
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported type {suffix or '(no extension)'}"
    return None


def _read(path: str | Path, max_bytes: int) -> tuple[bytes, float] | str:
    """Return a regular file's bytes and mtime, or the reason it cannot be read."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return _unreadable(error)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > max_bytes:
            return _too_large(info.st_size, max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as file:
            # Asked for max_bytes + 1 at once, Python allocates that much (10 MB) for every
            # file; read what fstat said and a byte more, and the rest only if it grew. One
            # byte over the limit is enough to notice a file that grew past it.
            raw = file.read(info.st_size + 1)
            if len(raw) > info.st_size:
                raw += file.read(max_bytes + 1 - len(raw))
    except OSError as error:
        return _unreadable(error)
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        return _too_large(len(raw), max_bytes)
    return raw, info.st_mtime


@dataclass(frozen=True)
class _Scan:
    """A PDF whose scanned pages OCR still has to read."""

    id: str
    scanned: formats.Scanned
    size: int
    mtime: float
    hash: str


def _parse(
    doc_id: str, raw: bytes, mtime: float, max_pages: int | None = None
) -> Document | Skipped | _Scan:
    """Turn a file's bytes into a Document, unless they are not text; a PDF with scanned
    pages into a _Scan. max_pages: a PDF's page limit, $SOTEHAKU_MAX_PDF_PAGES by default."""
    try:
        suffix = ids.suffix(doc_id)
        if suffix in formats.SUFFIXES:
            pages = settings.max_pdf_pages() if max_pages is None else max_pages
            return _parse_binary(doc_id, suffix, raw, mtime, pages)
        return _parse_text(doc_id, raw, mtime)
    except MemoryError:
        return Skipped(doc_id, _out_of_memory())


def _parse_binary(
    doc_id: str, suffix: str, raw: bytes, mtime: float, max_pages: int
) -> Document | Skipped | _Scan:
    try:
        extracted = formats.extract(suffix, raw, max_pages=max_pages)
    except Unreadable as e:
        return Skipped(doc_id, str(e))
    except MemoryError:
        raise
    except Exception as e:
        # PDFium, python-docx and lxml meet every file a folder holds: a failure none of
        # them foresaw is still one file's reason, not the end of a build.
        return Skipped(doc_id, formats.describe_failure(suffix, e))
    digest = hashlib.sha256(raw).hexdigest()
    if isinstance(extracted, formats.Scanned):
        return _Scan(doc_id, extracted, len(raw), mtime, digest)
    return _binary_document(doc_id, extracted, len(raw), mtime, digest)


def _binary_document(
    doc_id: str, extracted: formats.Extracted, size: int, mtime: float, digest: str
) -> Document:
    body = extracted.body
    return Document(
        id=doc_id,
        title=extracted.title or extract_title(body) or ids.stem(doc_id),
        date=extracted.date or extract_date(body),
        body=body,
        size=size,
        mtime=mtime,
        hash=digest,
        note=extracted.note,
        page_starts=extracted.page_starts,
    )


def _read_scan(
    scan: _Scan, raw: bytes, max_seconds: float, page_seconds: float
) -> Document | Skipped:
    """Read a PDF's scanned pages by OCR, a page at a time within page_seconds each, and
    return the whole document; a page that fails is named in its note."""
    read = formats.OcrResult()
    for index in scan.scanned.pdf.scanned:
        # Rendering the page comes on top of reading it; Tesseract is stopped at its limit.
        try:
            read.texts[index] = _ocr.call(
                formats.ocr_page, (raw, index, page_seconds), page_seconds + max_seconds
            )
        except ocr.OcrUnavailable as e:
            read.unavailable = str(e)
            break
        except ocr.OcrFailed as e:
            read.failures[index] = str(e)
        except TimedOut:
            read.failures[index] = f"OCR took longer than the {page_seconds:g} s limit"
        except WorkerDied as e:
            read.failures[index] = f"OCR failed: {_died(e)}"
        except MemoryError:
            read.failures[index] = f"OCR {_out_of_memory()}"
        except Exception as e:
            read.failures[index] = f"OCR failed ({type(e).__name__}: {e})"
    if read.texts:
        read.languages = _ocr.call(ocr.languages, (), max_seconds)
    try:
        return _ocr.call(_finish_scan, (scan, read), max_seconds)
    except TimedOut:
        return Skipped(scan.id, f"reading its text took longer than the {max_seconds:g} s limit")
    except WorkerDied as e:
        return Skipped(scan.id, f"reading its text failed: {_died(e)}")


def _finish_scan(scan: _Scan, read: formats.OcrResult) -> Document | Skipped:
    try:
        extracted = formats.finish_pdf(scan.scanned.pdf, read)
    except Unreadable as e:
        return Skipped(scan.id, str(e))
    except MemoryError:
        return Skipped(scan.id, _out_of_memory())
    return _binary_document(scan.id, extracted, scan.size, scan.mtime, scan.hash)


def _out_of_memory() -> str:
    """Say that a file needed more memory than the worker process may use (in the worker)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return "reading its text ran out of memory"
    return f"reading its text needed more than the {limit // 2**20} MB memory limit"


def _died(error: WorkerDied) -> str:
    # Native code (PDFium, libxml2) that cannot allocate aborts or crashes the process rather
    # than raising: past the memory limit is the likely cause of such an end. A SIGKILL comes
    # from outside (the kernel's OOM killer, a person).
    if error.code is not None and error.code < 0 and error.code != -9:
        return f"{error} (over the {settings.max_file_memory_mb()} MB memory limit?)"
    return str(error)


def _parse_text(doc_id: str, raw: bytes, mtime: float) -> Document | Skipped:
    """Turn a text file's bytes into a Document, unless they are not text."""
    if b"\x00" in raw:
        return Skipped(doc_id, "binary file (NUL bytes)")
    text, note = _decode(raw)
    if not text.strip():
        return Skipped(doc_id, "empty file")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        return Skipped(doc_id, "binary file (control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    if ids.suffix(doc_id) in _HTML_SUFFIXES:
        try:
            page = parse_html(text)
        except HtmlUnreadable as e:
            return Skipped(doc_id, f"HTML the parser gave up on: {e}")
        body = page.text
        title = extract_title(page.title) or extract_title(page.h1) or extract_title(body)
    else:
        body = text
        title = extract_title(body)
    return Document(
        id=doc_id,
        title=title or ids.stem(doc_id),
        date=extract_date(body),
        body=body,
        size=len(raw),
        mtime=mtime,
        hash=hashlib.sha256(raw).hexdigest(),
        note=note,
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


def _unreadable(error: OSError) -> str:
    return f"unreadable: {_strerror(error)}"


def _strerror(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _too_large(size: int, max_bytes: int) -> str:
    return f"larger than the {_format_size(max_bytes)} limit ({_format_size(size)})"


def _format_size(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
