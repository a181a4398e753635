"""Local names that Voikko does not know, ending in a word of places: every form of one finds
every other."""

from pathlib import Path

import pytest

from indexer.analysis.analyzers import finnish_analyzer
from indexer.analysis.morphology import Morphology
from indexer.analysis.place_names import guess_place_name
from indexer.search.searching import search
from indexer.writing.build import build_index
from tests.conftest import needs_voikko, write_files

# (base form, inflected forms as a resident or the minutes write them)
PLACE_NAMES = [
    ("honkimäki", ["Honkimäki", "Honkimäen", "Honkimäellä", "Honkimäkeen", "Honkimäeltä"]),
    ("ritamäki", ["Ritamäki", "Ritamäen", "Ritamäessä"]),
    ("peltoranta", ["Peltoranta", "Peltorannan", "Peltorannassa", "Peltorantaan"]),
    ("ylöjoki", ["Ylöjoki", "Ylöjoen", "Ylöjoella"]),
    ("kuukkalampi", ["Kuukkalampi", "Kuukkalammen", "Kuukkalammella"]),
    ("vähäsaari", ["Vähäsaari", "Vähäsaaren", "Vähäsaaressa"]),
    ("kurkelakatu", ["Kurkelakatu", "Kurkelakadun", "Kurkelakadulla"]),
    ("rönkköniemi", ["Rönkköniemi", "Rönkköniemen", "Rönkköniemessä"]),
    ("tiitinkoulu", ["Tiitinkoulu", "Tiitinkoulun", "Tiitinkoulussa"]),
    ("hölttätie", ["Hölttätie", "Hölttätien", "Hölttätiellä"]),
    ("jäppilänlahti", ["Jäppilänlahti", "Jäppilänlahden", "Jäppilänlahdessa"]),
]


def _terms(analyzer, text: str, mode: str) -> set[str]:
    return {t.text for t in analyzer(text, mode=mode) if not t.text.startswith("=")}


@needs_voikko
@pytest.mark.parametrize("base, forms", PLACE_NAMES)
def test_every_form_of_a_place_name_has_its_base_form(base: str, forms: list[str]) -> None:
    morphology = Morphology(use_voikko=True)
    assert {form: morphology.lemmas(form) for form in forms} == {form: (base,) for form in forms}


@needs_voikko
@pytest.mark.parametrize("base, forms", PLACE_NAMES)
def test_every_form_of_a_place_name_finds_every_other(base: str, forms: list[str]) -> None:
    analyzer = finnish_analyzer(use_voikko=True)
    for asked in forms:
        for written in forms:
            assert _terms(analyzer, asked, "query") & _terms(analyzer, written, "index")


@needs_voikko
@pytest.mark.parametrize(
    "word, analysis",
    [
        # Foreign names keep their Voikko or Snowball analysis; "X" is too short a part.
        ("Obamalle", (("obama",), ())),
        ("Smithille", (("smith",), ())),
        ("Xmäen", (("xmäen",), ())),
        # A compound that Voikko knows keeps Voikko's parts.
        ("Kotirannassa", (("kotiranta",), ("koti", "ranta"))),
    ],
)
def test_other_words_are_not_guessed(word: str, analysis: tuple) -> None:
    assert Morphology(use_voikko=True).analyze(word) == analysis


@needs_voikko
def test_the_place_word_is_not_a_compound_part() -> None:
    assert guess_place_name("Honkimäen") == ("honkimäki", "mäki")
    assert Morphology(use_voikko=True).analyze("Honkimäen") == (("honkimäki",), ())
    # A plural ending is another word's: "teillä" of tie.
    assert guess_place_name("tweeteillä") is None
    assert guess_place_name("Obamalle") is None


@needs_voikko
def test_a_place_name_is_found_in_any_form(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {
            "poytakirja.txt": "Pöytäkirja\n\nHonkimäen koulun korjaus alkaa keväällä.",
            "muu.txt": "Muistio\n\nHonkalan koulu jatkaa ennallaan.",
        },
    )
    build_index(seeds, tmp_path / "index")
    for query in ("Honkimäki", "honkimäkeen", "Honkimäen"):
        assert [hit.id for hit in search(tmp_path / "index", query).hits] == ["poytakirja.txt"]
