"""One writer at a time: an advisory lock on the index folder."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from indexer.common import fsutil

LOCK_NAME = ".writer.lock"


class WriterBusy(Exception):
    """Another build or update holds the index folder."""


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's writer lock for the duration of the block.

    The lock file notes who holds it; the kernel drops the lock itself when its process dies,
    so a build killed with SIGKILL leaves only a stale note in the file, never a held lock.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    fd = fsutil.try_lock(path)
    if fd is None:
        holder = path.read_bytes()[:200].decode("utf-8", "replace").strip()
        raise WriterBusy(
            "A build or update is already running"
            + (f" ({holder})." if holder else ".")
            + " Try again when it has finished."
        )
    try:
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        fsutil.unlock(fd)


def is_locked(index_dir: Path, name: str = LOCK_NAME) -> bool:
    """Tell whether some process, this one included, holds a lock file in the index folder
    (the writer lock unless another name is given)."""
    return fsutil.is_locked(index_dir / name)
