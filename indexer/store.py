"""Index generations on disk: build beside the live one, switch atomically, open the current.

Layout of the index folder::

    CURRENT          name of the live generation (replaced with os.replace)
    gen-<stamp>/     a complete Whoosh index plus meta.json
    .writer.lock     held by the one running build or update
"""

import atexit
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer import fsutil
from indexer.deadline import OutOfTime
from indexer.mapped import MappedStorage

CURRENT = "CURRENT"
META = "meta.json"
_GEN_PREFIX = "gen-"
_BUILD_PREFIX = "build-"
# How often a reader resolves CURRENT again when a switch deleted what it had resolved.
_SWITCH_RETRIES = 5


class IndexMissing(Exception):
    """The index folder has no built index yet."""


class IndexUnreadable(IndexMissing):
    """The live index exists but cannot be read (a damaged CURRENT or segment file).

    A kind of IndexMissing: whatever serves search treats both alike, and a full build
    recovers from either, since it reads the seeds and never the damaged generation.
    """


def current_generation(index_dir: Path) -> Path | None:
    """Return the folder of the live generation, or None when nothing was built."""
    name = None
    # A build deletes the generation it replaces right after switching CURRENT: a name read
    # just before the switch can point at a folder that is already gone, so read it again.
    for _ in range(_SWITCH_RETRIES):
        try:
            newer = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (UnicodeDecodeError, OSError) as e:
            raise IndexUnreadable(f"{index_dir / CURRENT} cannot be read ({e}).") from None
        if newer == name:
            break
        name = newer
        path = index_dir / name
        if name.startswith(_GEN_PREFIX) and path.is_dir():
            return path
    return None


def require_generation(index_dir: Path) -> Path:
    """Return the live generation's folder or raise IndexMissing."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissing(f"No index in {index_dir}: build one with 'python -m indexer build'.")
    return gen


def new_build_dir(index_dir: Path) -> Path:
    """Create an empty folder for a generation being built; it is invisible to readers."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"{_BUILD_PREFIX}{secrets.token_hex(4)}"
    path.mkdir()
    return path


def publish(index_dir: Path, build_dir: Path) -> Path:
    """Make a finished build the live generation, then remove the ones it replaces.

    Readers resolve CURRENT on every request, so the switch is one atomic rename; a reader
    that still holds files of an old generation keeps them open after the unlink.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    gen = index_dir / f"{_GEN_PREFIX}{stamp}"
    build_dir.rename(gen)
    _fsync_dir(gen)
    tmp = index_dir / f".{CURRENT}.{secrets.token_hex(4)}"
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    remove_stale(index_dir)
    return gen


def remove_stale(index_dir: Path) -> None:
    """Delete generations that are not live and builds that were never finished.

    Only call this while holding the writer lock, so no build in progress is deleted.
    """
    try:
        live = current_generation(index_dir)
    except IndexUnreadable:
        # A damaged pointer names nothing that can be served: the build replaces it.
        live = None
    for child in index_dir.iterdir():
        if child.is_dir():
            if child != live and child.name.startswith((_GEN_PREFIX, _BUILD_PREFIX)):
                shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(f".{CURRENT}."):
            child.unlink(missing_ok=True)


def read_meta(gen: Path) -> dict[str, Any]:
    """Return what the build recorded about a generation."""
    try:
        return json.loads((gen / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def live_meta(index_dir: Path) -> dict[str, Any]:
    """Return what was recorded about the live generation, nothing when none was built."""
    gen = current_generation(index_dir)
    return read_meta(gen) if gen else {}


def write_meta(gen: Path, meta: dict[str, Any]) -> None:
    """Record facts about a generation, replacing the file atomically."""
    fsutil.write_json(gen / META, meta)


def folder_bytes(path: Path) -> int:
    """Return the total size of the files in a folder."""
    total = 0
    # A switch may delete an old generation while it is measured: os.walk skips folders that
    # vanish, and files that vanish count for nothing.
    for folder, _, files in os.walk(path):
        for name in files:
            with suppress(FileNotFoundError):
                total += os.stat(os.path.join(folder, name)).st_size
    return total


# Opening an index unpickles its schema, and with it the analyzer's native handles: do that
# once per generation and process, not once per request.
_open_lock = threading.Lock()
_open: dict[Path, Index] = {}


def open_current(index_dir: Path) -> tuple[Path, Index]:
    """Return the live generation and its opened Whoosh index (cached per generation)."""
    gen = require_generation(index_dir).resolve()
    return gen, _opened(gen)


def _opened(gen: Path) -> Index:
    with _open_lock:
        ix = _open.get(gen)
        if ix is None:
            ix = MappedStorage(str(gen)).open_index()
            for old in [p for p in _open if p.parent == gen.parent]:
                del _open[old]
            _open[gen] = ix
    return ix


class _Pool:
    """Open searchers on one commit of one generation, lent to one request at a time.

    Opening a searcher reads the table of contents, unpickles the schema (the analyzer with its
    lexicon) and opens every segment file: at 100,000 documents that was most of a query's
    time. A Whoosh searcher is not safe for two threads at once, so each request borrows one
    and gives it back. A pool retires when its generation is switched or updated; its
    searchers are closed when the last request using them has finished.
    """

    def __init__(self, gen: Path, stamp: int) -> None:
        self.gen = gen
        # The generation folder's modification time: every commit of an update adds and
        # removes files in it, so a new stamp means a new commit may be there.
        self.stamp = stamp
        self.idle: list[Searcher] = []
        self.retired = False


_pools_lock = threading.Lock()
_pools: dict[Path, _Pool] = {}


def _lend(index_dir: Path, fresh: bool) -> tuple[_Pool, Searcher]:
    gen = require_generation(index_dir).resolve()
    if fresh:
        # A pool of its own, retired from the start: the searcher is closed when given back.
        pool = _Pool(gen, 0)
        pool.retired = True
        return pool, _open_searcher(gen)
    stamp = os.stat(gen).st_mtime_ns
    key = index_dir.resolve()
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or pool.gen != gen or pool.stamp != stamp:
            if pool is not None:
                _retire(pool)
            pool = _pools[key] = _Pool(gen, stamp)
        if pool.idle:
            return pool, pool.idle.pop()
    # Outside the lock: opening takes long, and other requests may go on meanwhile.
    return pool, _open_searcher(gen)


def _open_searcher(gen: Path) -> Searcher:
    searcher = None
    try:
        searcher = _opened(gen).searcher()
        _open_lazy_files(searcher)
        return searcher
    except Exception:
        if searcher is not None:
            searcher.close()
        forget(gen)
        raise


def _open_lazy_files(searcher: Searcher) -> None:
    """Open the files Whoosh opens on first use (stored fields, lengths, columns) now.

    Segments are written as separate files, not one compound file, so that each searcher
    reads them through the page cache instead of copying them into its own memory. A build
    may delete the generation any time after this searcher opened: every file must be open
    by then.
    """
    schema = searcher.schema
    for reader, _ in searcher.reader().leaf_readers():
        if not reader.doc_count_all():
            continue
        reader.stored_fields(0)
        for name, field in schema.items():
            if field.scorable:
                reader.doc_field_length(0, name)
            if field.column_type and reader.has_column(name):
                reader.column_reader(name)


def _give_back(pool: _Pool, searcher: Searcher) -> None:
    with _pools_lock:
        if not pool.retired:
            pool.idle.append(searcher)
            return
    searcher.close()


def close_pools() -> None:
    """Close every searcher this process keeps open; the next request opens new ones."""
    with _pools_lock:
        for pool in _pools.values():
            _retire(pool)
        _pools.clear()


# Searchers kept open until the process ends close their files first, so that nothing warns of
# files left open at exit.
atexit.register(close_pools)


def _retire(pool: _Pool) -> None:
    """Close a pool's idle searchers; searchers still lent are closed when given back."""
    pool.retired = True
    for searcher in pool.idle:
        searcher.close()
    pool.idle.clear()


@contextmanager
def live_searcher(index_dir: Path, *, fresh: bool = False) -> Iterator[tuple[Path, Searcher]]:
    """Lend a searcher on the live generation for the block; yield the generation and it.

    fresh=True opens one just for the block instead of lending one that is open already: a
    health check wants to know that the files open now, not that they opened once.

    A reader that resolved CURRENT just before a switch may find that generation deleted
    before its files were open (whoosh raises EmptyIndexError or FileNotFoundError), and one
    that read a generation's table of contents just before an update committed may find a
    merged-away segment file gone: either way it resolves CURRENT and the newest TOC again.
    Once the searcher is open its files stay readable after deletion, so use
    searcher.schema, not Index.schema, which reads the folder again. Raises IndexMissing, or
    IndexUnreadable when the live generation's files are damaged.
    """
    attempts = _SWITCH_RETRIES
    while True:
        try:
            pool, searcher = _lend(index_dir, fresh)
            break
        except IndexMissing:
            raise
        except Exception as e:
            # A switch or an update may delete files while they are opened, which Whoosh
            # reports in many ways (FileNotFoundError, EmptyIndexError, a TypeError from a
            # column that is gone): resolve CURRENT and the newest TOC again. Files that
            # still fail to open after that are damaged.
            attempts -= 1
            if not attempts:
                raise IndexUnreadable(
                    f"The index in {index_dir} cannot be read ({type(e).__name__}: {e}); "
                    "rebuild it with 'python -m indexer build'."
                ) from e
    interrupted = False
    try:
        yield pool.gen, searcher
    except OutOfTime:
        interrupted = True
        raise
    finally:
        if interrupted:
            # Stopped anywhere in Whoosh's reading: the searcher may be half-way through
            # filling a cache, so it is not lent again.
            searcher.close()
        else:
            _give_back(pool, searcher)


def forget(gen: Path) -> None:
    """Drop a cached generation, for example after its files disappeared."""
    with _open_lock:
        _open.pop(gen.resolve(), None)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
