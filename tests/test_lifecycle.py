"""The index lifecycle under real faults: rebuilds under load, killed builds, a busy lock."""

import contextlib
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from indexer.search import search
from indexer.stats import index_stats
from tests.conftest import ROOT, serve

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
    gen = store.require_generation(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        return ix.doc_count()
    finally:
        ix.close()


def index_entries(index_dir: Path) -> list[str]:
    """Return what the index folder holds besides the lock file."""
    return sorted(p.name for p in index_dir.iterdir() if p.name != ".writer.lock")


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
    opened = store._opened

    def switch_first(gen: Path):
        # The reader has resolved CURRENT to the old generation; a build switches and
        # deletes it before the reader opens it.
        monkeypatch.setattr(store, "_opened", opened)
        build_index(new, index_dir)
        assert not gen.exists()
        return opened(gen)

    monkeypatch.setattr(store, "_opened", switch_first)
    assert search(index_dir, EVERYWHERE).total == 4


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
