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
