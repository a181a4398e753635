"""Index generations on disk: build beside the live one, switch atomically, open the current.

Layout of the index folder::

    CURRENT          name of the live generation (replaced with os.replace)
    gen-<stamp>/     a complete Whoosh index plus meta.json
    .writer.lock     held by the one running build or update
"""

import json
import os
import secrets
import shutil
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.common import fsutil

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


def publish(index_dir: Path, build_dir: Path, *, remove_old: bool = True) -> Path:
    """Make a finished build the live generation, then remove the ones it replaces.

    Readers resolve CURRENT on every request, so the switch is one atomic rename; a reader
    that still holds files of an old generation keeps them open after the unlink.
    remove_old=False keeps them until the next build (a cluster's searchers on other
    machines finish with the old generation after the switch).
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
    if remove_old:
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
