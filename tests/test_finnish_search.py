"""Finnish through the real build and search: inflections, compounds, acronyms, marks, ranking."""

from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.writing.build import build_index
from tests.conftest import needs_voikko, write_files

pytestmark = needs_voikko

DOCUMENTS = {
    "malli.txt": "Uusi malli\n\nUusi malli esiteltiin kokouksessa.",
    "rahoitus.txt": "Rahoitus\n\nSiirtyminen uuteen rahoitusmalliin alkaa.",
    "stm.txt": "Ohjeet\n\nSosiaali- ja terveysministeriöstä kerrottiin, että ohjeet tulevat.",
    "vate.txt": "Valmistelu\n\nVATEa koskeva päätös tehtiin. Kaustisen kunta vastasi.",
    "sote.txt": "Uudistus\n\nKeskustelua sote-uudistuksen vaiheista.",
    "maakunta.txt": "Liitto\n\nMaakuntaliiton hallitus kokoontui.",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("finnish")
    seeds = write_files(tmp / "seeds", DOCUMENTS)
    build_index(seeds, tmp / "index")
    return tmp / "index"


@pytest.mark.parametrize(
    ("query", "expected", "marked"),
    [
        # The inflected word is marked, not the query's form.
        ("rahoitusmalli", ["rahoitus.txt"], "<mark>rahoitusmalliin</mark>"),
        # A whole word ranks above a compound part; the part's match marks the compound.
        ("malli", ["malli.txt", "rahoitus.txt"], "<mark>rahoitusmalliin</mark>"),
        ("kokous", ["malli.txt"], "<mark>kokouksessa</mark>"),
        ("Kaustinen", ["vate.txt"], "<mark>Kaustisen</mark>"),
        ("VATE", ["vate.txt"], "<mark>VATEa</mark>"),
        ("soteuudistus", ["sote.txt"], "<mark>sote-uudistuksen</mark>"),
        ("STM:n", ["stm.txt"], "<mark>Sosiaali- ja terveysministeriöstä</mark>"),
        ("maakuntaliitto", ["maakunta.txt"], "<mark>Maakuntaliiton</mark>"),
        # A maakuntaliitto is not a Kuntaliitto, nor a maakunta a kunta.
        ("Kuntaliitto", [], None),
        ("kunta", ["vate.txt"], "<mark>kunta</mark>"),
    ],
)
def test_finnish_query(index_dir: Path, query: str, expected: list[str], marked: str) -> None:
    result = search(index_dir, query)
    assert [h.id for h in result.hits] == expected
    if marked:
        assert marked in result.hits[-1].snippet


def test_phrase_matches_across_inflection(index_dir: Path) -> None:
    assert [h.id for h in search(index_dir, '"rahoitusmalli alkaa"').hits] == ["rahoitus.txt"]
    assert [h.id for h in search(index_dir, '"sote-uudistus vaihe"').hits] == ["sote.txt"]
