"""The faster BM25F scores as Whoosh's own, over real indexes of one and of two segments."""

from pathlib import Path

import pytest
from whoosh import collectors

from indexer.build import build_index
from indexer.ranking import CachedBM25F
from indexer.search import parse
from indexer.store import live_searcher
from indexer.update import update_index
from tests.conftest import write_files


def scores(searcher, text: str, weighting=None) -> dict[int, float]:
    q = parse(searcher.schema, text)
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
