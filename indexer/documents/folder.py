"""The seeds folder: its files listed as ids, and each file's bytes read without leaving it."""

import errno
import os
import stat
from pathlib import Path

from indexer.common import ids
from indexer.documents.document import Skipped
from indexer.documents.readers import SUPPORTED_SUFFIXES

# O_NOFOLLOW: a link is not followed, whatever was checked before; O_NONBLOCK: a FIFO cannot
# hang the scan before fstat shows it is not a regular file.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
_ROOT_FLAGS = os.O_RDONLY | os.O_DIRECTORY


NOT_UTF8 = "file name is not valid UTF-8"


class SeedsMissing(FileNotFoundError):
    """The seeds folder does not exist, or is not a folder."""


def require_seeds(seeds_dir: Path) -> None:
    """Raise SeedsMissing unless seeds_dir is a folder."""
    if not seeds_dir.is_dir():
        raise SeedsMissing(f"Seeds folder {seeds_dir} does not exist.")


def list_files(seeds_dir: Path) -> tuple[list[str], list[Skipped]]:
    """List every non-hidden file below seeds_dir as sorted ids, and what is skipped before
    any file is read: folders that could not be listed (their ids end in "/") and files whose
    path is not valid UTF-8; raise SeedsMissing if there is no folder."""
    require_seeds(seeds_dir)
    listed = []
    unlisted = []

    def unlistable(error: OSError) -> None:
        folder = ids.shown(Path(error.filename).relative_to(seeds_dir).as_posix())
        unlisted.append(Skipped(f"{folder}/", f"folder not read: {strerror(error)}"))

    # Linked folders are not entered (os.walk's default): they may lead outside or loop.
    for folder, dirs, files in os.walk(seeds_dir, onerror=unlistable):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        # Joined as strings: a Path a file was most of the time of listing 100,000 files.
        relative = Path(folder).relative_to(seeds_dir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for name in files:
            if name.startswith("."):
                continue
            doc_id = prefix + name
            if ids.is_text(doc_id):
                listed.append(doc_id)
            else:
                # Names copied from Windows shares and zips are often Latin-1. Such an id
                # cannot be stored, logged as JSON or shown: it is skipped under its name
                # with the bytes escaped, so that the rest of the folder is indexed.
                unlisted.append(Skipped(ids.shown(doc_id), NOT_UTF8))
    return sorted(listed), sorted(unlisted, key=lambda s: s.id)


def read_file(root: Path, doc_id: str, max_bytes: int) -> tuple[bytes, float] | Skipped:
    """Return a file's bytes and mtime, or why it is skipped before its text is looked at;
    root is the seeds folder, resolved."""
    refusal = _refuse_id(doc_id)
    if refusal:
        return Skipped(ids.shown(doc_id), refusal)
    # An id has no "." or ".." parts (_refuse_id) and root has no links, so a path opened
    # part by part without following a link stays inside, whatever is renamed meanwhile.
    try:
        fd = _open_below(str(root), doc_id)
    except OSError as error:
        if error.errno not in _LINKED:
            return Skipped(doc_id, _unreadable(error))
        # A part is a link (or a file where a folder should be): follow it only to a file
        # inside, and open what it leads to part by part again, so that a link swapped in
        # after resolve() is refused, not followed.
        try:
            # resolve() only reads links, so a target outside is never opened.
            path = (root / doc_id).resolve()
        except RuntimeError:
            return Skipped(doc_id, "unreadable: link loop")
        except OSError as error:
            return Skipped(doc_id, _unreadable(error))
        if not path.is_relative_to(root):
            return Skipped(doc_id, "link pointing outside the seeds folder")
        try:
            fd = _open_below(str(root), path.relative_to(root).as_posix())
        except OSError as error:
            return Skipped(doc_id, _unreadable(error))
    read = _read(fd, max_bytes)
    return Skipped(doc_id, read) if isinstance(read, str) else read


# What opening a link with O_NOFOLLOW fails with: ELOOP for the file, ENOTDIR for a folder.
_LINKED = frozenset({errno.ELOOP, errno.ENOTDIR})


def _open_below(root: str, relative: str) -> int:
    """Open the file at a relative path below root one part at a time (openat), following
    no link; return its descriptor or raise OSError."""
    fd = os.open(root, _ROOT_FLAGS)
    try:
        *folders, name = relative.split("/")
        for folder in folders:
            inner = os.open(folder, _FOLDER_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(name, _OPEN_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def _refuse_id(doc_id: str) -> str | None:
    """Say why an id is not one to open, or None when it is."""
    parts = doc_id.split("/")
    if "\x00" in doc_id or any(part in ("", ".", "..") for part in parts):
        return "not a relative path inside the seeds folder"
    if any(part.startswith(".") for part in parts):
        return "hidden file"
    if not ids.is_text(doc_id):
        # os.walk escapes undecodable bytes as lone surrogates, which cannot be stored or shown.
        return NOT_UTF8
    suffix = ids.suffix(doc_id)
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported type {suffix or '(no extension)'}"
    return None


def _read(fd: int, max_bytes: int) -> tuple[bytes, float] | str:
    """Return a regular file's bytes and mtime, or the reason it cannot be read; close fd."""
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


def _unreadable(error: OSError) -> str:
    return f"unreadable: {strerror(error)}"


def strerror(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _too_large(size: int, max_bytes: int) -> str:
    return f"larger than the {_format_size(max_bytes)} limit ({_format_size(size)})"


def _format_size(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
