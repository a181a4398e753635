"""Swedish queries: function words out of the any-word fallback, and did-you-mean from the
Swedish index terms."""

from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.writing.build import build_index
from tests.conftest import write_files

# Made up: a Swedish board's minutes and news, with one Finnish text on the same matters.
DOCUMENTS = {
    "protokoll.txt": "Protokoll från välfärdsnämnden 4.3.2025\n\nVälfärdsnämndens beslut om "
    "budgeten för nästa år fattades i enlighet med förslaget.",
    "aldreomsorg.txt": "Äldreomsorgen i Vasa\n\nÄldreomsorgen får nya platser i Vasa och Korsholm.",
    "sotning.txt": "Sotning av skorstenar\n\nSotaren sotar skorstenen och tar hand om askan.",
    "skolan.txt": "Skolan på våren\n\nEleverna och lärarna talar om våren i skolan.",
    "valfardsnamnden.txt": "Välfärdsnämnden sammanträder\n\nVälfärdsnämnden sammanträder i "
    "mars, och välfärdsnämndens protokoll läggs ut på webben.",
    "lautakunta.txt": "Hyvinvointilautakunnan kokous\n\nHyvinvointilautakunta kokoontuu "
    "maaliskuussa, ja hyvinvointilautakunnan pöytäkirja julkaistaan verkossa.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("swedish-queries")
    build_index(write_files(root / "seeds", DOCUMENTS), root / "index")
    return root / "index"


def test_swedish_function_words_are_left_out_of_the_any_word_fallback(index: Path) -> None:
    result = search(index, "protokoll och beslut om äldreomsorg")
    assert result.mode == "any"
    # Not the texts on chimneys and schools, which have only "och" and "om" of it.
    assert sorted(h.id for h in result.hits) == [
        "aldreomsorg.txt",
        "protokoll.txt",
        "valfardsnamnden.txt",
    ]


def test_swedish_function_words_are_still_required_in_all_words_mode(index: Path) -> None:
    assert [h.id for h in search(index, "sotaren och skorstenen").hits] == ["sotning.txt"]
    # No document has all three: those with either content word, not every one with "och".
    result = search(index, "skolan och askan")
    assert (result.mode, sorted(h.id for h in result.hits)) == (
        "any",
        ["skolan.txt", "sotning.txt"],
    )


def test_a_misspelt_swedish_word_gets_a_swedish_correction(index: Path) -> None:
    result = search(index, "välfärdsnämdens", suggest=True)
    assert result.suggestion == "välfärdsnämndens"
    assert search(index, result.suggestion).total == 2


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("äldreomsorjen", "äldreomsorgen"),
        ("välfärdsnämdens protokoll", "välfärdsnämndens protokoll"),
        # A Finnish query is corrected in Finnish, never into Swedish.
        ("hyvinvointilautakunan", "hyvinvointilautakunnan"),
    ],
)
def test_corrections_stay_in_the_querys_language(index: Path, query: str, suggestion: str):
    assert search(index, query, suggest=True).suggestion == suggestion


def test_a_finnish_word_is_not_corrected_into_swedish(index: Path) -> None:
    # One edit from Swedish "skolan"; Finnish, it finds nothing, and gets no Swedish word.
    assert search(index, "koulan", suggest=True).suggestion is None


def test_a_word_among_finnish_words_is_corrected_in_finnish_only(index: Path) -> None:
    # "skorstenn" among Swedish words is Swedish and corrected; among Finnish ones it is not
    # corrected into Swedish, whether or not the suggestion lists have been read.
    assert search(index, "sotaren skorstenn", suggest=True).suggestion == "sotaren skorsten"
    assert search(index, "kokous skorstenn", suggest=True).suggestion is None
    from indexer.search.suggestions import suggest

    suggest(index, "sko", wait=True)
    assert search(index, "koulan", suggest=True).suggestion is None
    assert search(index, "kokous skorstenn", suggest=True).suggestion is None
