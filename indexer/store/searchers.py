"""The searchers a process keeps open on the live generation, lent to one request at a time.

Opening an index unpickles its schema and opens every segment file: each process does that
once per generation (and per commit of an update), not once per request.
"""

import atexit
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.common.deadline import OutOfTime
from indexer.store.generations import (
    _SWITCH_RETRIES,
    IndexMissing,
    IndexUnreadable,
    require_generation,
)
from indexer.store.mapped import MappedStorage

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
# Called with the index folder whenever this process lends its first searcher on a generation
# or on a new commit of one: for what upper layers read once per generation.
_when_opened: list[Callable[[Path], None]] = []


def when_opened(callback: Callable[[Path], None]) -> None:
    """Call `callback(index_dir)` each time this process opens a generation or a new commit
    of it; it runs in the request that opened it, so it should start a thread, not work."""
    if callback not in _when_opened:
        _when_opened.append(callback)


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
        opened = pool is None or pool.gen != gen or pool.stamp != stamp
        if opened:
            if pool is not None:
                _retire(pool)
            pool = _pools[key] = _Pool(gen, stamp)
        elif pool.idle:
            return pool, pool.idle.pop()
    # Outside the lock: opening takes long, and other requests may go on meanwhile.
    searcher = _open_searcher(gen)
    if opened:
        for callback in _when_opened:
            callback(index_dir)
    return pool, searcher


def _open_searcher(gen: Path) -> Searcher:
    searcher = None
    try:
        searcher = _opened(gen).searcher()
        open_lazy_files(searcher)
        return searcher
    except Exception:
        if searcher is not None:
            searcher.close()
        forget(gen)
        raise


def open_lazy_files(searcher: Searcher) -> None:
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


def segments_key(searcher: Any) -> tuple:
    """Return a key that changes whenever the searcher's documents do: each segment's folder
    and id (a segment never changes) and how many of its documents are deleted (deletions
    only grow)."""
    readers = [reader for reader, _ in searcher.reader().leaf_readers()]
    return tuple(
        (r._storage.folder, r._segment.segment_id(), r._segment.deleted_count()) for r in readers
    )
