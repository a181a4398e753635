"""Files that several processes share: advisory locks and JSON files replaced atomically."""

import fcntl
import json
import os
import secrets
from pathlib import Path
from typing import Any


def try_lock(path: Path) -> int | None:
    """Open (or create) a lock file and take its exclusive lock; return the open file, or None
    when another holder has it.

    flock() locks belong to the open file, so the kernel drops them when their process dies:
    a holder killed with SIGKILL never leaves a held lock behind.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def unlock(fd: int) -> None:
    """Let go of a lock taken with try_lock, and close its file."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(path: Path) -> bool:
    """Tell whether some process, this one included, holds the lock of a lock file.

    The probe takes a shared lock for an instant: probes never collide with one another, and a
    holder that starts in that instant is refused, as it would be a moment later.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
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


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file by replacing it whole, so that a reader sees the old or the new one."""
    tmp = path.with_name(f".{path.name.lstrip('.')}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
