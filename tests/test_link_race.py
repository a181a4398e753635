"""A folder swapped for a link while files are read: nothing outside the seeds folder is read.

The swap is renameat2(RENAME_EXCHANGE), atomic, as an attacker with write access to the seeds
folder would do it: a real folder `d` and a link `.d_alt` to an outside folder trade places
again and again while the reader reads `d/x.txt`.
"""

import ctypes
import ctypes.util
import os
import threading
import time
from pathlib import Path

import pytest

from indexer.documents.document import Skipped
from indexer.documents.folder import read_file

_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two names in one step."""
    if _LIBC.renameat2(_AT_FDCWD, bytes(a), _AT_FDCWD, bytes(b), _RENAME_EXCHANGE) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


@pytest.fixture()
def swapping(tmp_path: Path):
    """Yield the seeds folder while a thread swaps its folder `d` with a link outside."""
    seeds = tmp_path / "seeds"
    (seeds / "d").mkdir(parents=True)
    (seeds / "d" / "x.txt").write_bytes(b"inside")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_bytes(b"TOPSECRET")
    (seeds / ".d_alt").symlink_to(tmp_path / "outside")
    try:
        exchange(seeds / "d", seeds / ".d_alt")
        exchange(seeds / "d", seeds / ".d_alt")
    except (AttributeError, OSError) as e:
        pytest.skip(f"renameat2(RENAME_EXCHANGE) is not available here: {e}")
    stop = threading.Event()
    swaps = 0

    def swap() -> None:
        nonlocal swaps
        while not stop.is_set():
            exchange(seeds / "d", seeds / ".d_alt")
            swaps += 1

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    yield seeds.resolve()
    stop.set()
    thread.join(timeout=10)
    assert swaps > 0


def test_a_folder_swapped_for_a_link_never_reads_outside(swapping: Path) -> None:
    outcomes: dict[object, int] = {}
    deadline = time.monotonic() + 3
    for _ in range(20_000):
        read = read_file(swapping, "d/x.txt", 1000)
        kind = read if isinstance(read, Skipped) else read[0]
        outcomes[kind] = outcomes.get(kind, 0) + 1
        if time.monotonic() > deadline:
            break
    assert b"TOPSECRET" not in outcomes, outcomes
    assert outcomes.get(b"inside", 0) > 0, outcomes
    # Caught in the middle of a swap, a read is skipped with a reason, such as a link
    # pointing outside the seeds folder.
    assert all(kind == b"inside" or isinstance(kind, Skipped) for kind in outcomes), outcomes
    assert Skipped("d/x.txt", "link pointing outside the seeds folder") in outcomes, outcomes
