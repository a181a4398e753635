"""Builds in worker processes: the same index as in one process, and clean failures."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.search.searching import search
from indexer.store import generations
from indexer.writing import build
from indexer.writing.build import build_index, split, work, worker_count
from indexer.writing.workers import WorkerFailed, WorkerShares
from tests import sample_documents as sd
from tests.conftest import ROOT
from tests.test_lifecycle import EVERYWHERE, OLD_COUNT, assert_recovers, make_seeds

QUERIES = ["VATE", "sote-uudistus", "hyvinvointialue", '"väliaikainen valmistelutoimielin"']


def worker_pids(parent: int) -> list[int]:
    """Return the running build workers whose parent is the given process."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        # The fields after the command name, which may hold spaces: state, ppid, ...
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent and state != "Z" and b"indexer.writing.workers" in command:
            pids.append(int(entry.name))
    return pids


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def hits(index_dir: Path) -> dict[str, list[str]]:
    return {q: [h.id for h in search(index_dir, q).hits] for q in QUERIES}


@pytest.mark.parametrize(
    ("files", "workers", "cores", "expected"),
    [(5, None, 2, 1), (2500, None, 2, 2), (2500, None, 1, 1), (5, 2, 2, 2), (1, 4, 2, 1)],
)
def test_worker_count(
    monkeypatch: pytest.MonkeyPatch, files: int, workers: int | None, cores: int, expected: int
) -> None:
    monkeypatch.delenv("SOTEHAKU_BUILD_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert worker_count(files, workers) == expected


def test_split_keeps_order_and_evens_out() -> None:
    assert split(list("abcdefg"), 3) == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    assert split(list("ab"), 1) == [["a", "b"]]


def test_split_evens_out_the_work_of_pdfs_and_office_files() -> None:
    assert split(["a.pdf", "b.pdf", "c.txt"], 2, work) == [["a.pdf"], ["b.pdf", "c.txt"]]
    ids = [f"{n:03}.txt" for n in range(300)] + ["x.docx", "y.odt", "z.pdf"]
    assert [len(share) for share in split(ids, 2, work)] == [300, 3]


def test_a_build_of_a_few_dozen_pdfs_uses_every_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOTEHAKU_BUILD_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    used = []
    monkeypatch.setattr(
        build, "WorkerShares", lambda *args: used.append(args[2]) or WorkerShares(*args)
    )
    for n in range(20):
        sd.write(tmp_path / "seeds" / f"{n:02}.pdf", sd.pdf_bytes([[f"Asia {n}: kotihoito"]]))
    report = build_index(tmp_path / "seeds", tmp_path / "index")
    assert report.indexed == 20
    assert [len(share) for share in used[0]] == [10, 10]
    assert len(search(tmp_path / "index", "kotihoito", limit=50).hits) == 20


def test_workers_build_the_index_one_process_builds(tmp_path: Path, seeds_copy: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    alone = build_index(seeds_copy, one, workers=1)
    shared = build_index(seeds_copy, two, workers=2)
    assert (shared.indexed, shared.skipped, shared.notes) == (
        alone.indexed,
        alone.skipped,
        alone.notes,
    )
    assert shared.abbreviations == alone.abbreviations and "VATE" in alone.abbreviations
    assert hits(two) == hits(one)
    assert hits(one)["VATE"]
    ix = whoosh_index.open_dir(str(generations.require_generation(two)))
    assert len(ix._segments()) == 2
    ix.close()
    assert sorted(p.name for p in two.iterdir()) == [".writer.lock", "CURRENT", shared.generation]


def test_workers_report_progress_up_to_the_totals(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds", 240)
    (seeds / "empty.txt").write_text("")
    calls: list[tuple[str, int, int]] = []
    build_index(seeds, tmp_path / "index", workers=2, progress=lambda *c: calls.append(c))
    reads = [c for c in calls if c[0] == "read"]
    indexed = [c for c in calls if c[0] == "index"]
    assert calls == reads + indexed
    assert reads[-1] == ("read", 241, 241) and indexed[-1] == ("index", 240, 240)
    assert [c[1] for c in calls] == sorted(c[1] for c in reads) + sorted(c[1] for c in indexed)


def test_a_small_memory_budget_spills_and_gives_the_same_index(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds", 300, 100)
    build_index(seeds, tmp_path / "roomy", workers=2)
    build_index(seeds, tmp_path / "tight", workers=2, memory_mb=2)
    assert search(tmp_path / "tight", EVERYWHERE).total == 300
    for q in ("sairaalassa", "kunta", '"potilas lääkäri"'):
        assert search(tmp_path / "tight", q).total == search(tmp_path / "roomy", q).total > 0


def test_a_worker_that_dies_fails_the_build_and_leaves_the_live_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(make_seeds(tmp_path / "old", OLD_COUNT), index_dir)
    live = generations.require_generation(index_dir)
    killed: list[int] = []

    def kill_a_worker(stage: str, done: int, total: int) -> None:
        if not killed:
            killed.append(worker_pids(os.getpid())[0])
            os.kill(killed[0], signal.SIGKILL)

    with pytest.raises(WorkerFailed, match=r"Build worker \d was killed by SIGKILL"):
        build_index(make_seeds(tmp_path / "new", 600), index_dir, workers=2, progress=kill_a_worker)
    assert worker_pids(os.getpid()) == []
    assert generations.require_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.iterdir()) == [".writer.lock", "CURRENT", live.name]
    assert search(index_dir, EVERYWHERE).total == OLD_COUNT


def test_a_killed_build_leaves_no_worker_and_no_temporary_file(tmp_path: Path) -> None:
    old, new = make_seeds(tmp_path / "old", OLD_COUNT), make_seeds(tmp_path / "new", 3000)
    index_dir, tmp = tmp_path / "index", tmp_path / "tmp"
    tmp.mkdir()
    build_index(old, index_dir)
    env = {**os.environ, "SOTEHAKU_BUILD_WORKERS": "2", "TMPDIR": str(tmp)}
    build = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", "--seeds", str(new), "--index", str(index_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(workers := worker_pids(build.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) == 2
    build.kill()
    assert build.wait(timeout=10) == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, workers))
    assert list(tmp.iterdir()) == []
    assert_recovers(index_dir, old, {OLD_COUNT})


def test_an_acronym_defined_two_ways_means_the_same_however_the_build_is_split(
    tmp_path: Path,
) -> None:
    # Two documents define THL one way and one another way, the odd one last by name: read
    # last, it won in one process, not in two workers whose first share it was not in.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, long in (
        ("a.txt", "Terveyden ja hyvinvoinnin laitos"),
        ("b.txt", "Terveyden ja hyvinvoinnin laitos"),
        ("c.txt", "Terveyden ja hyvinvoinninlaitos"),
    ):
        (seeds / name).write_text(f"Tiedote\n\n{long} (THL) tilastoi kotihoitoa.\n", "utf-8")
    alone = build_index(seeds, tmp_path / "one", workers=1)
    shared = build_index(seeds, tmp_path / "two", workers=2)
    expected = {"THL": "Terveyden ja hyvinvoinnin laitos"}
    assert alone.abbreviations == shared.abbreviations == expected
