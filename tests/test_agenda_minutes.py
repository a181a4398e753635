"""An agenda's section and the minutes' same section: one hit, the minutes', the agenda a
link away."""

from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.writing.build import build_index
from tests.conftest import write_files

SECTIONS = (
    "§ 81\nSosiaalisen median ohje\nLAPDno-2025-880\nOhje koskee kaupungin somekanavia.\n"
    "Ehdotus\nValtuusto hyväksyy ohjeen.\n"
    "§ 82\nTuloveroprosentti\nLAPDno-2025-868\nVeroprosentti pysyy ennallaan.\n"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = tmp_path_factory.mktemp("agenda") / "seeds"
    write_files(
        seeds,
        {
            "esityslista.txt": "Lapuan kaupunki Esityslista\nKaupunginvaltuusto 3.11.2025\n"
            f"Aika 10.11.2025 klo 17\n{SECTIONS}",
            "poytakirja.txt": "Lapuan kaupunki Pöytäkirja 6/2025\nKaupunginvaltuusto 10.11.2025\n"
            f"Aika 10.11.2025 klo 17\n{SECTIONS}Päätös\nHyväksyttiin.",
            # Another meeting's agenda with the same section number: not the same section.
            "esityslista-2.txt": "Lapuan kaupunki Esityslista\nKaupunginvaltuusto 1.12.2025\n"
            "Aika 8.12.2025 klo 17\n§ 81\nSosiaalisen median ohjeen päivitys\nOhje.\n",
        },
    )
    index_dir = seeds.parent / "index"
    build_index(seeds, index_dir)
    return index_dir


def test_the_minutes_section_is_shown_with_its_agenda_a_link_away(index_dir: Path) -> None:
    hits = search(index_dir, "sosiaalisen median ohje").hits
    assert sorted((h.id, h.section, h.kind, h.also) for h in hits) == [
        ("esityslista-2.txt", "81", "esityslista", ()),
        (
            "poytakirja.txt",
            "81",
            "pöytäkirja",
            ({"relation": "agenda", "id": "esityslista.txt", "anchor": "s81", "page": None},),
        ),
    ]


def test_the_api_and_the_page_link_the_agenda(index_dir: Path) -> None:
    from webui import create_app

    client = create_app(
        {"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": index_dir.parent / "seeds"}
    ).test_client()
    hits = client.get("/api/search?q=tuloveroprosentti").get_json()["hits"]
    assert [(h["id"], h["section"], h["also"]) for h in hits] == [
        (
            "poytakirja.txt",
            "82",
            [{"relation": "agenda", "id": "esityslista.txt", "anchor": "s82", "page": None}],
        )
    ]
    page = client.get("/?q=tuloveroprosentti").get_data(as_text=True)
    assert page.count('class="hit"') == 1
    link = "/doc/esityslista.txt?q=tuloveroprosentti&amp;back=q%3Dtuloveroprosentti#s82"
    assert f'<a href="{link}">Myös esityslistassa</a>' in page


def test_the_benchmark_counts_the_agenda_a_minutes_hit_links(index_dir: Path) -> None:
    from bench.decisions import measure

    # Only the agenda's section is expected: the minutes' hit, which links it, finds it.
    queries = {
        "topical": [{"q": "tuloveroprosentti", "sections": [["esityslista.txt", "82"]]}],
        "cases": [
            {
                "q": "lapdno 2025-868",
                "sections": [["esityslista.txt", "82"], ["poytakirja.txt", "82"]],
            }
        ],
    }
    figures = measure(index_dir, queries)
    assert (figures["section MRR@10"], figures["case recall"]) == (1.0, 1.0)
