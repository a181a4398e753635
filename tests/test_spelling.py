"""Did you mean: corrections of misspelt seed words, from the index's own vocabulary."""

from pathlib import Path

import pytest

from indexer.search.searching import search
from tests.conftest import needs_voikko


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        # One edit from a word of the index.
        ("kunnnat", "kunnat"),
        ("rahoitusmali", "rahoitusmalli"),
        ("sote-uudistu", "sote-uudistus"),
        # Inside quotes and beside operators the rest of the query stays as typed.
        ('"rahoitusmali"', '"rahoitusmalli"'),
        ("kunnnat AND sote", "kunnat AND sote"),
        # All words found only when corrected: better than any of them.
        ("hyvinvointialue kunnnat", "hyvinvointialue kunnat"),
    ],
)
def test_misspellings_of_seed_words_are_corrected(
    seed_index: Path, query: str, suggestion: str
) -> None:
    result = search(seed_index, query, suggest=True)
    assert result.suggestion == suggestion
    corrected = search(seed_index, suggestion)
    assert corrected.mode == "all"
    assert corrected.total > (result.total if result.mode == "all" else 0)


@pytest.mark.parametrize("query", ["VATE", "rahoitusmalli", "sote-uudistus", "xyzzyq"])
def test_words_spelt_right_or_unknown_get_no_suggestion(seed_index: Path, query: str) -> None:
    assert search(seed_index, query, suggest=True).suggestion is None


@needs_voikko
def test_voikko_suggestions_count_only_when_in_the_index(seed_index: Path) -> None:
    # Two edits from "sosiaalihuolto" and beyond the index's one-letter walk: Voikko's list.
    result = search(seed_index, "osiaalihuolto", suggest=True)
    assert result.suggestion in (None, "sosiaalihuolto")


def test_suggestions_respect_the_filters(seed_index: Path) -> None:
    from indexer.search.filters import Filters

    none_in_1999 = Filters(year=frozenset({"1999"}))
    assert search(seed_index, "kunnnat", filters=none_in_1999, suggest=True).suggestion is None


def test_a_word_too_long_to_correct_looks_for_no_candidates(seed_index: Path, monkeypatch) -> None:
    from indexer.search import spelling

    asked: list[str] = []
    real = spelling._candidates

    def candidates(searcher, analyzer, word, *rest):
        asked.append(word)
        return real(searcher, analyzer, word, *rest)

    monkeypatch.setattr(spelling, "_candidates", candidates)
    monkeypatch.setattr(spelling, "_known", type(spelling._known)())
    long_word = "rahoitusmali" * 41
    assert search(seed_index, long_word, suggest=True).suggestion is None
    assert search(seed_index, "rahoitusmali", suggest=True).suggestion == "rahoitusmalli"
    assert asked == ["rahoitusmali"]


def test_gathering_candidates_stops_at_the_deadline(seed_index: Path, monkeypatch) -> None:
    import time

    from indexer.search import spelling
    from indexer.store.searchers import live_searcher

    # Look-ups go to the index, not to suggestion lists another test may have read.
    monkeypatch.setattr(spelling, "vocabulary_counts", lambda searcher: None)
    with live_searcher(seed_index) as (_, searcher):
        reader = searcher.reader()
        looked: list[str] = []
        real = reader.doc_frequency
        monkeypatch.setattr(reader, "doc_frequency", lambda f, t: looked.append(t) or real(f, t))
        analyzer = searcher.schema["body"].analyzer
        word = "hyvinvointialueuudistuksx"
        assert spelling._candidates(searcher, analyzer, word, time.perf_counter() - 1) == []
        assert len(looked) == spelling._CHECK_EVERY - 1
        looked.clear()
        spelling._candidates(searcher, analyzer, word, time.perf_counter() + 60)
        assert spelling._CHECK_EVERY < len(looked) <= spelling.MAX_LOOKUPS + 1
