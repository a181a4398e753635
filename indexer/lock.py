"""One writer at a time: an advisory lock on the index folder."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = ".writer.lock"


class WriterBusy(Exception):
    """Another build or update holds the index folder."""


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's writer lock for the duration of the block.

    flock() locks belong to the open file, so the kernel drops them when their process dies:
    a build killed with SIGKILL leaves only a stale note in the file, never a held lock.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise WriterBusy(
                "A build or update is already running"
                + (f" ({holder})." if holder else ".")
                + " Try again when it has finished."
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(index_dir: Path, name: str = LOCK_NAME) -> bool:
    """Tell whether some process, this one included, holds a lock file in the index folder.

    The probe takes a shared lock for an instant: probes never collide with one another, and a
    writer that starts in that instant gets WriterBusy, as it would a moment later.
    """
    try:
        fd = os.open(index_dir / name, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
