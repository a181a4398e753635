"""The faster BM25F scores as Whoosh's own, over real indexes of one and of two segments."""

from pathlib import Path

import pytest
from whoosh import collectors

from indexer.search.query import parse
from indexer.search.ranking import CachedBM25F, rank_termwise
from indexer.search.wildcards import expand_wildcards
from indexer.store.searchers import live_searcher
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.conftest import write_files


def scores(searcher, text, weighting=None) -> dict[int, float]:
    q = parse(searcher.schema, text) if isinstance(text, str) else text
    collector = collectors.UnlimitedCollector()
    context = searcher.context(weighting=weighting) if weighting else None
    searcher.search_with_collector(q, collector, context)
    return {hit.docnum: hit.score for hit in collector.results()}


@pytest.mark.parametrize("text", ["VATE", "sote-uudistus", "kokous hyvinvointialue", "lapsi"])
def test_cached_bm25f_gives_whooshs_scores(seed_index: Path, text: str) -> None:
    with live_searcher(seed_index) as (_, searcher):
        theirs = scores(searcher, text)
        ours = scores(searcher, text, CachedBM25F())
    assert theirs and ours.keys() == theirs.keys()
    assert all(ours[d] == pytest.approx(theirs[d], rel=1e-12) for d in theirs)


def test_cached_bm25f_scores_each_segment_with_its_own_lengths(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {f"{n}.txt": f"Otsikko {n}\n\n" + "sote " * (n + 1) + "kunta " * n for n in range(5)},
    )
    build_index(seeds, tmp_path / "index")
    write_files(seeds, {"late.txt": "Myöhempi\n\nsote sote kunta sote hallitus"})
    update_index(seeds, tmp_path / "index")
    with live_searcher(tmp_path / "index") as (_, searcher):
        assert len(searcher.reader().leaf_readers()) == 2
        theirs = scores(searcher, "sote")
        ours = scores(searcher, "sote", CachedBM25F())
    assert len(theirs) == 6 and ours.keys() == theirs.keys()
    assert all(ours[d] == pytest.approx(theirs[d], rel=1e-12) for d in theirs)


TERMWISE_QUERIES = [
    "VATE",
    "sote-uudistus",
    "kokous hyvinvointialue",
    "VATE OR Kuntaliitto",
    "VATE NOT Kuntaliitto",
    "(kunta OR sote) AND rahoitus",
    "rahoitus*",
    "VATE^3 kokous",
    "kokous ANDMAYBE VATE",
    "kokous NOT Kuntaliitto NOT VATE",
    "(VATE OR kokous)^2 sote",
]


@pytest.mark.parametrize("text", TERMWISE_QUERIES)
def test_term_at_a_time_ranks_as_whooshs_matchers_do(seed_index: Path, text: str) -> None:
    with live_searcher(seed_index) as (_, searcher):
        q, _ = expand_wildcards(parse(searcher.schema, text), searcher.reader())
        weighting = CachedBM25F()
        theirs = scores(searcher, q, weighting)
        total, ranked = rank_termwise(searcher, q, weighting, keep=3)
    assert total == len(theirs) > 0
    best = sorted(theirs.items(), key=lambda item: (-item[1], item[0]))[:3]
    assert [d for _, d in ranked] == [d for d, _ in best]
    assert [s for s, _ in ranked] == pytest.approx([s for _, s in best], rel=1e-12)


def test_term_at_a_time_skips_deleted_documents_and_reads_every_segment(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {f"{n}.txt": f"Otsikko\n\nsote {n}" for n in range(4)})
    build_index(seeds, tmp_path / "index")
    (seeds / "0.txt").write_text("Otsikko\n\nkunta", encoding="utf-8")
    write_files(seeds, {"late.txt": "Myöhempi\n\nsote sote"})
    update_index(seeds, tmp_path / "index")
    with live_searcher(tmp_path / "index") as (_, searcher):
        q = parse(searcher.schema, "sote")
        total, ranked = rank_termwise(searcher, q, CachedBM25F(), keep=10)
        stored = [searcher.stored_fields(d)["id"] for _, d in ranked]
    assert total == 4
    assert stored[0] == "late.txt" and sorted(stored) == ["1.txt", "2.txt", "3.txt", "late.txt"]


def test_phrases_are_left_to_whooshs_matchers(seed_index: Path) -> None:
    with live_searcher(seed_index) as (_, searcher):
        q = parse(searcher.schema, '"sote-johtajien kokous"')
        assert rank_termwise(searcher, q, CachedBM25F(), keep=3) is None
