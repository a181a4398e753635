"""Analysing a build's words in worker processes gives the analyses the writer would make."""

import sys
from pathlib import Path

import pytest

from indexer import morphology, preanalysis
from indexer.analysis import finnish_analyzer, snowball_analyzer
from indexer.build import build_index
from indexer.search import search
from tests.conftest import needs_voikko, write_files

pytestmark = needs_voikko

TEXTS = [
    "Hyvinvointialueen rahoitusmalliin siirrytään, kertoi STM:n VATEa koskeva tiedote.",
    "Maakuntaliiton kokouksessa puhuttiin sote-uudistuksen valinnanvapauspilottien tuloksista.",
    "Kaustisen kunta ja lasten- ja nuorten palvelut 1.7.2021 alkaen.",
]


@pytest.fixture()
def every_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send even a handful of words to the workers, from an empty cache."""
    monkeypatch.setattr(preanalysis, "MIN_PARALLEL_WORDS", 1)
    morphology.clear_cache()
    yield
    morphology.clear_cache()


def test_workers_give_the_analyses_made_in_process(every_word: None) -> None:
    analyzer = finnish_analyzer()
    words = preanalysis.distinct_words(TEXTS)
    assert preanalysis.preanalyze(analyzer, TEXTS, processes=2) == len(words)
    made = preanalysis.morphology_of(analyzer)
    assert all(made.is_cached(w) for w in words)
    from_workers = {w: made.analyze(w) for w in words}
    morphology.clear_cache()
    assert {w: made.analyze(w) for w in words} == from_workers
    assert from_workers["Maakuntaliiton"] == (("maakuntaliitto",), ("maakunta", "liitto"))


def test_nothing_to_do(every_word: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert preanalysis.preanalyze(snowball_analyzer(), TEXTS, processes=2) == 0
    assert preanalysis.preanalyze(finnish_analyzer(use_voikko=False), TEXTS, processes=2) == 0
    assert preanalysis.preanalyze(finnish_analyzer(), TEXTS, processes=1) == 0
    monkeypatch.setattr(preanalysis, "MIN_PARALLEL_WORDS", 1000)
    assert preanalysis.preanalyze(finnish_analyzer(), TEXTS, processes=2) == 0


def test_a_failing_worker_is_reported(every_word: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(preanalysis.PreanalysisFailed):
        preanalysis.preanalyze(finnish_analyzer(), TEXTS, processes=2)


def test_a_build_survives_failing_workers(
    every_word: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seeds = write_files(tmp_path / "seeds", {f"{i}.txt": t for i, t in enumerate(TEXTS)})
    monkeypatch.setattr(sys, "executable", "/bin/false")
    report = build_index(seeds, tmp_path / "index")
    assert report.indexed == 3
    assert [h.id for h in search(tmp_path / "index", "rahoitusmalli").hits] == ["0.txt"]


def test_only_the_newest_configurations_keep_a_cache() -> None:
    for n in range(morphology._CACHES_KEPT + 3):
        morphology.Morphology(use_voikko=True, lexicon_words=[f"lyhenne{n}"])
    assert len(morphology._caches) == morphology._CACHES_KEPT
