"""The index lifecycle under real faults: rebuilds under load, killed builds, a busy lock."""

import contextlib
import json
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.search.searching import search
from indexer.service.stats import index_stats
from indexer.store import generations, searchers
from indexer.store.lock import writer_lock
from indexer.writing.build import build_index
from tests.conftest import ROOT, leaks_segment_file, serve

# Every generated document holds this word, so a search for it counts the whole index.
EVERYWHERE = "hyvinvointialue"
_WORDS = ("kunta", "sote", "palvelu", "sairaala", "hoitaja", "lääkäri", "rahoitus", "potilas")
_ENDINGS = ("", "n", "ssa", "lla", "ksi", "t", "ien", "sta")


def make_seeds(folder: Path, count: int, words: int = 40) -> Path:
    """Write count Finnish-like news files, each with EVERYWHERE in its body."""
    rnd = random.Random(f"{count}-{words}")
    folder.mkdir(parents=True)
    for n in range(count):
        body = " ".join(rnd.choice(_WORDS) + rnd.choice(_ENDINGS) for _ in range(words))
        text = f"Uutinen {n}: {rnd.choice(_WORDS)}\n\n12.3.2019\n\n{EVERYWHERE} {body}\n"
        (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")
    return folder


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_cli(seeds: Path, index_dir: Path) -> subprocess.CompletedProcess:
    return run_cli("build", "--seeds", str(seeds), "--index", str(index_dir))


def live_count(index_dir: Path) -> int:
    """Return the document count of the live generation, opened afresh."""
    gen = generations.require_generation(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        return ix.doc_count()
    finally:
        ix.close()


def index_entries(index_dir: Path) -> list[str]:
    """Return what the index folder holds besides the lock file and the last runs' outcomes
    (indexer/service/runs.py)."""
    bookkeeping = {".writer.lock", ".last-build.json", ".last-update.json"}
    return sorted(p.name for p in index_dir.iterdir() if p.name not in bookkeeping)


# --- searches while the index is rebuilt ------------------------------------------------------


def _hammer(url: str, stop: threading.Event, totals: list[int], errors: list[str]) -> None:
    """Query the server without pause until told to stop, recording totals and failures."""
    for _ in range(20_000):
        if stop.is_set():
            return
        try:
            with urllib.request.urlopen(f"{url}/api/search?q={EVERYWHERE}", timeout=10) as r:
                body = r.read()
            totals.append(json.loads(body)["total"])
        except urllib.error.HTTPError as e:
            errors.append(f"HTTP {e.code}: {e.read()[:300]!r}")
        except (OSError, ValueError, KeyError) as e:
            errors.append(f"{type(e).__name__}: {e}")


def test_searches_during_rebuilds_see_the_old_or_the_new_index(tmp_path: Path) -> None:
    old = make_seeds(tmp_path / "old", 200)
    new = make_seeds(tmp_path / "new", 300)
    index_dir = tmp_path / "index"
    assert build_cli(old, index_dir).returncode == 0

    totals: list[int] = []
    errors: list[str] = []
    stop = threading.Event()
    with contextlib.closing(serve(index_dir, old)) as server:
        url = next(server)
        threads = [
            threading.Thread(target=_hammer, args=(url, stop, totals, errors)) for _ in range(4)
        ]
        for t in threads:
            t.start()
        try:
            rebuilds = []
            deadline = time.monotonic() + 25
            # Old, new, old, ...: every rebuild switches the live count under the readers.
            for seeds in [new, old] * 2:
                if time.monotonic() > deadline:
                    break
                started = time.monotonic()
                result = build_cli(seeds, index_dir)
                rebuilds.append(time.monotonic() - started)
                assert result.returncode == 0, result.stderr
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)

    assert errors == []
    assert len(rebuilds) >= 2 and sum(rebuilds) > 1.0
    assert set(totals) == {200, 300}
    assert len(totals) > 100
    assert live_count(index_dir) in (200, 300)


def test_a_search_that_resolved_the_old_generation_just_before_a_switch_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(make_seeds(tmp_path / "old", 3), index_dir)
    new = make_seeds(tmp_path / "new", 4)
    opened = searchers._opened

    def switch_first(gen: Path):
        # The reader has resolved CURRENT to the old generation; a build switches and
        # deletes it before the reader opens it.
        monkeypatch.setattr(searchers, "_opened", opened)
        build_index(new, index_dir)
        assert not gen.exists()
        return opened(gen)

    monkeypatch.setattr(searchers, "_opened", switch_first)
    assert search(index_dir, EVERYWHERE).total == 4


@leaks_segment_file
def test_readers_never_fail_while_generations_switch_under_them(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    small, large = make_seeds(tmp_path / "small", 3, 5), make_seeds(tmp_path / "large", 4, 5)
    build_index(small, index_dir)
    totals: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                totals.append(search(index_dir, EVERYWHERE).total)
                totals.append(index_stats(index_dir).documents)
            except Exception as e:
                errors.append(repr(e))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        deadline = time.monotonic() + 5
        for seeds in [large, small] * 30:
            if time.monotonic() > deadline:
                break
            build_index(seeds, index_dir)
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=30)
    assert errors == []
    assert set(totals) == {3, 4}


# --- builds killed with SIGKILL ---------------------------------------------------------------

# Runs `python -m indexer build` with one library function wrapped so that the process kills
# itself with SIGKILL on its nth call: a deterministic crash point, with no hook in the library.
_KILLED_BUILD = """
import importlib, os, signal, sys
from indexer.cli import cli

module = importlib.import_module(sys.argv[1])
name, nth = sys.argv[2], int(sys.argv[3])
real, calls = getattr(module, name), 0

def die_on_nth_call(*args, **kwargs):
    global calls
    calls += 1
    if calls == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)

setattr(module, name, die_on_nth_call)
cli(sys.argv[4:], prog_name="python -m indexer")
"""

# (where the build dies, module, function, nth call, whether the new generation is live after)
KILL_POINTS = [
    ("reading files", "indexer.documents.loading", "read_file", 150, False),
    ("adding documents", "indexer.writing.shares", "document_units", 150, False),
    ("joining the segments", "indexer.writing.build", "join_segments", 1, False),
    ("checking the written generation", "indexer.writing.build", "_check", 1, False),
    (
        "renamed to gen-, CURRENT not yet replaced",
        "indexer.store.generations",
        "_fsync_dir",
        1,
        False,
    ),
    (
        "CURRENT replaced, old generation not yet removed",
        "indexer.store.generations",
        "_fsync_dir",
        2,
        True,
    ),
    # The first three unlinks remove what is left of the build's one share folder.
    ("removing the old generation, one file deleted", "os", "unlink", 5, True),
]
OLD_COUNT, NEW_COUNT = 20, 300


@pytest.fixture(scope="module")
def kill_seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds of the live index, and a larger set whose build gets killed."""
    folder = tmp_path_factory.mktemp("kill")
    return make_seeds(folder / "old", OLD_COUNT), make_seeds(folder / "new", NEW_COUNT, 100)


def assert_recovers(index_dir: Path, old: Path, counts_after_kill: set[int]) -> None:
    """Check the index after a killed build, then that the next build cleans up after it."""
    live = generations.require_generation(index_dir)
    count = live_count(index_dir)
    assert count in counts_after_kill
    assert generations.read_meta(live)["documents"] == search(index_dir, EVERYWHERE).total == count

    result = build_cli(old, index_dir)
    assert result.returncode == 0, result.stderr
    assert f"Indexed {OLD_COUNT} documents" in result.stdout
    live = generations.require_generation(index_dir)
    assert index_entries(index_dir) == sorted(["CURRENT", live.name])
    assert search(index_dir, EVERYWHERE).total == OLD_COUNT


@pytest.mark.parametrize(
    ("module", "function", "nth", "switched"),
    [point[1:] for point in KILL_POINTS],
    ids=[point[0] for point in KILL_POINTS],
)
def test_a_build_killed_at_any_step_leaves_a_complete_live_index(
    tmp_path: Path,
    kill_seeds: tuple[Path, Path],
    module: str,
    function: str,
    nth: int,
    switched: bool,
) -> None:
    old, new = kill_seeds
    index_dir = tmp_path / "index"
    build_index(old, index_dir)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BUILD, module, function, str(nth)]
        + ["build", "--seeds", str(new), "--index", str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert_recovers(index_dir, old, {NEW_COUNT if switched else OLD_COUNT})


def test_real_builds_killed_after_various_delays_leave_a_complete_live_index(
    tmp_path: Path, kill_seeds: tuple[Path, Path]
) -> None:
    old, new = kill_seeds
    index_dir = tmp_path / "index"
    build_index(old, index_dir)
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "build", "--seeds", str(new)]
            + ["--index", str(index_dir)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        returncode = proc.wait(timeout=30)
        # A kill that lands after the switch, or a build that outran it, leaves the new set.
        assert_recovers(index_dir, old, {OLD_COUNT, NEW_COUNT} if returncode < 0 else {NEW_COUNT})


# --- the writer lock --------------------------------------------------------------------------


def test_a_second_build_exits_with_code_2_while_the_lock_is_held(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds", 3)
    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        result = build_cli(seeds, index_dir)
        assert result.returncode == 2
        assert "A build or update is already running" in result.stderr
        assert generations.current_generation(index_dir) is None
    assert build_cli(seeds, index_dir).returncode == 0
    assert search(index_dir, EVERYWHERE).total == 3
