"""Updates of a real index in a temporary folder: only what changed is read again."""

import os
from pathlib import Path

from indexer.search.searching import search
from indexer.service.stats import index_stats
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.conftest import write_files


def test_update_adds_changes_and_removes(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"a.txt": "A\n\nVATE", "b.txt": "B\n\nSoite", "c.txt": "C\n\nKuntaliitto"},
    )
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    (seeds / "b.txt").write_text("B\n\nVATE ja Soite", encoding="utf-8")
    os.utime(seeds / "b.txt", (1, 1))
    (seeds / "c.txt").unlink()
    write_files(seeds, {"d.txt": "D\n\nVATE", "e.txt": " "})
    report = update_index(seeds, index_dir)
    assert (report.added, report.changed, report.removed) == (["d.txt"], ["b.txt"], ["c.txt"])
    assert report.unchanged == 1
    assert [s.id for s in report.skipped] == ["e.txt"]
    assert sorted(h.id for h in search(index_dir, "VATE").hits) == ["a.txt", "b.txt", "d.txt"]
    assert search(index_dir, "Kuntaliitto").total == 0
    stats = index_stats(index_dir)
    assert stats.documents == 3
    assert [s["id"] for s in stats.skipped] == ["e.txt"]
    assert stats.updated_at


def test_update_with_nothing_changed_reads_nothing(tmp_path: Path, seeds_copy: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(seeds_copy, index_dir)
    report = update_index(seeds_copy, index_dir)
    assert (report.added, report.changed, report.removed, report.unchanged) == ([], [], [], 5)
