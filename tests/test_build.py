"""Full rebuilds of a real index in a temporary folder."""

from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.service.stats import index_stats
from indexer.store import generations
from indexer.store.lock import WriterBusy, writer_lock
from indexer.writing.build import NothingIndexed, build_index
from indexer.writing.fields import display_path
from tests.conftest import write_files


def snapshot(folder: Path) -> dict[str, tuple[int, float]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime)
        for p in folder.rglob("*")
    }


def test_build_reports_indexed_skipped_and_time(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"a.txt": "Otsikko\n\nVATE kokoontui.", "b.md": "# Toinen\n\nSoite.", "c.txt": ""},
    )
    (seeds / "d.pdf").write_bytes(b"%PDF-1.4")  # a header and nothing after it
    report = build_index(seeds, tmp_path / "index")
    assert report.indexed == 2
    assert [(s.id, s.reason) for s in report.skipped] == [
        ("c.txt", "empty file"),
        ("d.pdf", "damaged or not a PDF (data format error)"),
    ]
    assert report.seconds > 0
    assert report.generation
    stats = index_stats(tmp_path / "index")
    assert stats.documents == 2
    assert [s["id"] for s in stats.skipped] == ["c.txt", "d.pdf"]
    assert stats.analyzer == report.analyzer


def test_build_reports_progress_reading_then_indexing(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Yksi", "b.txt": "Kaksi", "c.txt": ""})
    calls: list[tuple[str, int, int]] = []
    build_index(seeds, tmp_path / "index", progress=lambda *call: calls.append(call))
    assert calls == [
        ("read", 1, 3),
        ("read", 2, 3),
        ("read", 3, 3),
        ("index", 1, 2),
        ("index", 2, 2),
    ]


def test_build_never_writes_into_the_seeds_folder(tmp_path: Path, seeds_copy: Path) -> None:
    before = snapshot(seeds_copy)
    build_index(seeds_copy, tmp_path / "index")
    assert snapshot(seeds_copy) == before


def test_nothing_indexable_leaves_the_live_index_alone(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    live = generations.current_generation(index_dir)
    (seeds / "a.txt").write_text("")
    with pytest.raises(NothingIndexed) as caught:
        build_index(seeds, index_dir)
    assert [s.reason for s in caught.value.report.skipped] == ["empty file"]
    assert generations.current_generation(index_dir) == live
    assert search(index_dir, "VATE").total == 1


def test_rebuild_switches_generation_and_removes_the_old_one(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Ensimmäinen\n\nVATE"})
    index_dir = tmp_path / "index"
    first = build_index(seeds, index_dir).generation
    write_files(seeds, {"b.txt": "Toinen\n\nVATE"})
    second = build_index(seeds, index_dir).generation
    assert first != second
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == [second]
    assert search(index_dir, "VATE").total == 2


def test_unfinished_builds_are_cleared_by_the_next_build(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    index_dir = tmp_path / "index"
    leftover = generations.new_build_dir(index_dir)
    (leftover / "junk").write_text("half a segment")
    build_index(seeds, index_dir)
    assert not leftover.exists()


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    index_dir = tmp_path / "index"
    with writer_lock(index_dir), pytest.raises(WriterBusy, match="already running"):
        build_index(seeds, index_dir)
    build_index(seeds, index_dir)


def test_paths_are_shown_relative_to_the_working_folder_when_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work" / "seeds").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    assert display_path(Path("seeds"), "a/b.txt") == "seeds/a/b.txt"
    assert display_path(tmp_path / "work" / "seeds", "b.txt") == "seeds/b.txt"
    assert display_path(Path("."), "b.txt") == "b.txt"
    assert display_path(tmp_path / "other", "b.txt") == f"{tmp_path}/other/b.txt"
    # A seeds folder around the working folder: only the files inside it are shown relative.
    assert display_path(tmp_path, "work/b.txt") == "b.txt"
    assert display_path(tmp_path, "c.txt") == f"{tmp_path}/c.txt"
    monkeypatch.chdir(tmp_path)
    assert display_path(Path("work/seeds"), "b.txt") == "work/seeds/b.txt"
