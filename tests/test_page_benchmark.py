"""The search page's benchmark, run end to end over a small made-up corpus."""

from pathlib import Path

import pytest

from bench.page_benchmark import SOURCES, page_benchmark, write_sourced_seeds
from tests.test_benchmark import make_corpus


def test_rows_are_spread_over_source_folders(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus.csv.gz", 25)
    assert write_sourced_seeds(corpus, tmp_path / "seeds", 25) == 25
    folders = sorted(p.name for p in (tmp_path / "seeds").iterdir())
    assert folders == [f"lahde-{n:02}" for n in range(SOURCES)]
    assert not (tmp_path / "seeds-flat").exists()


def test_page_benchmark_prints_every_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page_benchmark(make_corpus(tmp_path / "corpus.csv.gz", 40), 40, 1)
    out = capsys.readouterr().out
    assert "Corpus: 40 documents" in out
    for row in (
        "Facet columns read once per generation",
        "Suggestion lists read once per generation",
        "plain search()",
        "with facets",
        "facets + did you mean",
        "facets + newest first",
        "misspelt, did you mean",
        "/api/suggest lookup",
    ):
        assert row in out, row
