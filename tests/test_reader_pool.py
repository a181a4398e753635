"""The searchers each process keeps open: shared across requests, swapped on a new generation
or commit, closed only when the last request using them is done, and damage is reported."""

import threading
from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.store import generations, searchers
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.conftest import leaks_segment_file, write_files

DOCS = {"a.txt": "Ensimmäinen\n\nVATE kokoontuu.", "b.txt": "Toinen\n\nKuntaliitto lausuu."}


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    seeds = write_files(tmp_path / "seeds", DOCS)
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    return seeds, index_dir


def test_requests_one_after_another_share_one_open_searcher(built: tuple[Path, Path]) -> None:
    _, index_dir = built
    with searchers.live_searcher(index_dir) as (_, first):
        pass
    with searchers.live_searcher(index_dir) as (_, second):
        assert second is first
        # Two requests at once never share one: Whoosh searchers are not thread-safe.
        with searchers.live_searcher(index_dir) as (_, third):
            assert third is not second
    assert not first.is_closed


def test_a_searcher_lent_before_a_rebuild_works_until_given_back(built: tuple[Path, Path]) -> None:
    seeds, index_dir = built
    with searchers.live_searcher(index_dir) as (old_gen, old):
        (seeds / "c.txt").write_text("Kolmas\n\nVATE taas.", encoding="utf-8")
        build_index(seeds, index_dir)
        # The old generation's folder is gone, but its open files still answer.
        assert not old_gen.exists()
        assert old.doc_count() == 2
        with searchers.live_searcher(index_dir) as (new_gen, new):
            assert new_gen != old_gen and new.doc_count() == 3
    assert old.is_closed
    assert search(index_dir, "VATE").total == 2


def test_an_update_in_place_is_seen_by_the_next_request(built: tuple[Path, Path]) -> None:
    seeds, index_dir = built
    assert search(index_dir, "sairaala").total == 0
    (seeds / "c.txt").write_text("Kolmas\n\nSairaala avataan.", encoding="utf-8")
    update_index(seeds, index_dir)
    assert search(index_dir, "sairaala").total == 1


@leaks_segment_file
def test_threads_searching_through_rebuilds_and_updates_see_no_error(
    built: tuple[Path, Path],
) -> None:
    seeds, index_dir = built
    errors: list[BaseException] = []
    totals: set[int] = set()
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                totals.add(search(index_dir, "VATE").total)
            except BaseException as e:
                errors.append(e)
                return

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for n in range(3):
            (seeds / f"new{n}.txt").write_text(f"Uusi {n}\n\nVATE {n}.", encoding="utf-8")
            update_index(seeds, index_dir)
            build_index(seeds, index_dir)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert totals and totals <= {1, 2, 3, 4}
    assert search(index_dir, "VATE").total == 4


def test_an_undecodable_current_pointer_is_an_unreadable_index(built: tuple[Path, Path]) -> None:
    _, index_dir = built
    (index_dir / generations.CURRENT).write_bytes(b"\xff\xfe")
    with pytest.raises(generations.IndexUnreadable, match="cannot be read"):
        search(index_dir, "VATE")


# Whoosh leaves the damaged file open when reading it fails; the warning is about its handle.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_zeroed_segment_file_is_an_unreadable_index(built: tuple[Path, Path]) -> None:
    _, index_dir = built
    gen = generations.current_generation(index_dir)
    terms = next(gen.glob("*.trm"))
    terms.write_bytes(b"\0" * terms.stat().st_size)
    with pytest.raises(generations.IndexUnreadable, match="rebuild it"):
        search(index_dir, "VATE")
