"""Decision documents (minutes, agendas, officials' decisions): made-up ones in every format."""

import datetime
from pathlib import Path

import pytest

from indexer.documents.decisions import Decision, read_decision
from indexer.documents.loading import load
from indexer.search.facets import Filters
from indexer.search.searching import search
from indexer.writing.build import build_index
from tests import sample_documents as sd
from tests.conftest import write_files

LAPUA_STYLE = (
    "Lapuan kaupunki Pöytäkirja 11/2024 1 (8)\n"
    "Tarkastuslautakunta 11.12.2024\n"
    "Aika 11.12.2024, klo 17:00 - 18:29\n"
    "Paikka Kaupungintalo, kaupunginhallituksen kokoushuone\n"
    "Käsitellyt asiat\n"
    "§ 56 Kokouksen laillisuus ja päätösvaltaisuus"
)


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            LAPUA_STYLE,
            Decision(
                "pöytäkirja",
                "Lapuan kaupunki",
                "Tarkastuslautakunta",
                "11/2024",
                datetime.date(2024, 12, 11),
                "Kaupungintalo, kaupunginhallituksen kokoushuone",
            ),
        ),
        # An agenda's header is dated when it was sent: the meeting is on the "Aika" line.
        (
            "Lapuan kaupunki Kokouskutsu 1 (33)\nKaupunginvaltuusto 05.11.2025\n"
            "Aika 10.11.2025, klo 17:00\nPaikka Kaupunginvaltuuston sali",
            Decision(
                "esityslista",
                "Lapuan kaupunki",
                "Kaupunginvaltuusto",
                "",
                datetime.date(2025, 11, 10),
                "Kaupunginvaltuuston sali",
            ),
        ),
        (
            "ETELÄ-POHJANMAAN HYVINVOINTIALUE PÖYTÄKIRJA 10/2024\nHyvinvointilautakunta 14.11.2024",
            Decision(
                "pöytäkirja",
                "Etelä-Pohjanmaan hyvinvointialue",
                "Hyvinvointilautakunta",
                "10/2024",
                datetime.date(2024, 11, 14),
                "",
            ),
        ),
        (
            "Pedersöre kommun\nProtokoll 3/2024\nVälfärdsnämnden 5.3.2024\n"
            "Tid 5.3.2024 kl. 18.00\nPlats Kommungården",
            Decision(
                "protokoll",
                "Pedersöre kommun",
                "Välfärdsnämnden",
                "3/2024",
                datetime.date(2024, 3, 5),
                "Kommungården",
            ),
        ),
        (
            "Pirkanmaan hyvinvointialue\nViranhaltijapäätös\nPäättäjä Sosiaalijohtaja\n"
            "Päätöspäivä 2.5.2024\nAsia Palveluseteli",
            Decision(
                "viranhaltijapäätös",
                "Pirkanmaan hyvinvointialue",
                "Sosiaalijohtaja",
                "",
                datetime.date(2024, 5, 2),
                "",
            ),
        ),
    ],
)
def test_the_front_of_a_decision_document_is_read(front: str, expected: Decision) -> None:
    assert read_decision(front) == expected


@pytest.mark.parametrize(
    "front",
    [
        # News about minutes, a meeting's notes without a kind, a kind without a date.
        "Sote-johtajien kokous 29.4.2021\n\nPöytäkirja julkaistaan ensi viikolla.",
        "Missä mennään? Sote-johtajien kokous 29.4.2021\nVATE kokoontui.",
        "Hyvinvointilautakunta\nPöytäkirja\nAsiat käsiteltiin.",
        "\n".join(["Uutinen"] * 9) + "\nPöytäkirja 3/2024\nHyvinvointilautakunta 1.1.2024",
    ],
)
def test_other_documents_are_not_decisions(front: str) -> None:
    assert read_decision(front) is None


def test_the_title_says_who_met_when_and_what_the_document_is() -> None:
    decision = read_decision(LAPUA_STYLE)
    assert decision is not None
    assert decision.title == "Tarkastuslautakunta 11.12.2024, pöytäkirja 11/2024"


MINUTES_PAGES = [
    [
        "Aika 14.11.2024, klo 17:00 - 18:29",
        "Paikka Kaupungintalo",
        "Käsitellyt asiat",
        "§ 140 Kaikukorttitoiminta",
    ],
    ["§ 140", "Kaikukorttitoiminta", "Lautakunta päätti ottaa Kaikukortin käyttöön."],
]
MINUTES_HEADER = "Etelä-Pohjanmaan hyvinvointialue Pöytäkirja 10/2024 {page} ({pages})\n" + (
    "Hyvinvointilautakunta 14.11.2024"
)


def test_a_pdf_keeps_what_its_running_header_says(tmp_path: Path) -> None:
    raw = sd.pdf_bytes(
        MINUTES_PAGES,
        header=MINUTES_HEADER,
        footer=None,
        # A stale title and a creation date weeks after the meeting, as real files have.
        title="Lapuan kaupungin vuoden 2009 talousarvio",
        created=datetime.date(2025, 1, 3),
    )
    sd.write(tmp_path / "ptk.pdf", raw)
    doc = load(tmp_path, "ptk.pdf")
    assert doc.title == "Hyvinvointilautakunta 14.11.2024, pöytäkirja 10/2024"
    assert doc.date == datetime.date(2024, 11, 14)
    assert doc.decision == Decision(
        "pöytäkirja",
        "Etelä-Pohjanmaan hyvinvointialue",
        "Hyvinvointilautakunta",
        "10/2024",
        datetime.date(2024, 11, 14),
        "Kaupungintalo",
    )
    # The header stays out of the text.
    assert "Hyvinvointilautakunta 14.11.2024" not in doc.body


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of two bodies' minutes (PDF, DOCX, HTML) and a news text."""
    seeds = tmp_path_factory.mktemp("decisions") / "seeds"
    sd.write(
        seeds / "hyvinvointilautakunta.pdf",
        sd.pdf_bytes(
            MINUTES_PAGES, header=MINUTES_HEADER, footer=None, created=datetime.date(2025, 1, 3)
        ),
    )
    docx = [
        ("paragraph", "Pedersöre kommun Protokoll 3/2024"),
        ("paragraph", "Välfärdsnämnden 5.12.2024"),
        ("paragraph", "Tid 5.12.2024 kl. 18.00"),
        ("paragraph", "§ 12 Kaikukortti i kommunen"),
        ("paragraph", "Nämnden beslöt om Kaikukortet."),
    ]
    sd.write(seeds / "protokoll.docx", sd.docx_bytes(docx, title="Mall"))
    write_files(
        seeds,
        {
            "esityslista.html": (
                "<html><head><title>Kokouskutsu</title></head><body>"
                "<p>Lapuan kaupunki Esityslista 7/2024</p><p>Kaupunginvaltuusto 2.12.2024</p>"
                "<p>Aika 9.12.2024 klo 17</p><p>§ 90 Kaikukortti &amp; talousarvio</p>"
                "</body></html>"
            ),
            "uutinen.txt": "Kaikukortti laajenee 3.3.2025\n\nUutinen Kaikukortista.",
        },
    )
    index_dir = seeds.parent / "index"
    build_index(seeds, index_dir)
    return index_dir


def test_hits_carry_the_decision_fields(archive: Path) -> None:
    hits = {h.id: h for h in search(archive, "kaikukortti", limit=10).hits}
    described = {
        i: (h.title, h.date, h.decision_maker, h.organisation, h.kind, h.meeting)
        for i, h in hits.items()
    }
    assert described == {
        "hyvinvointilautakunta.pdf": (
            "Hyvinvointilautakunta 14.11.2024, pöytäkirja 10/2024",
            "2024-11-14",
            "Hyvinvointilautakunta",
            "Etelä-Pohjanmaan hyvinvointialue",
            "pöytäkirja",
            "10/2024",
        ),
        "protokoll.docx": (
            "Välfärdsnämnden 5.12.2024, protokoll 3/2024",
            "2024-12-05",
            "Välfärdsnämnden",
            "Pedersöre kommun",
            "protokoll",
            "3/2024",
        ),
        "esityslista.html": (
            "Kaupunginvaltuusto 9.12.2024, esityslista 7/2024",
            "2024-12-09",
            "Kaupunginvaltuusto",
            "Lapuan kaupunki",
            "esityslista",
            "7/2024",
        ),
        "uutinen.txt": ("Kaikukortti laajenee 3.3.2025", "2025-03-03", None, None, None, None),
    }


def test_decision_facets_count_and_filter(archive: Path) -> None:
    result = search(archive, "kaikukortti", with_facets=True)
    assert result.facets is not None
    assert result.facets["kind"] == [
        {"value": "esityslista", "count": 1},
        {"value": "protokoll", "count": 1},
        {"value": "pöytäkirja", "count": 1},
    ]
    assert [e["value"] for e in result.facets["organisation"]] == [
        "Etelä-Pohjanmaan hyvinvointialue",
        "Lapuan kaupunki",
        "Pedersöre kommun",
    ]
    chosen = Filters(decision_maker=frozenset({"Välfärdsnämnden", "Kaupunginvaltuusto"}))
    found = search(archive, "kaikukortti", filters=chosen, sort="oldest")
    assert [h.id for h in found.hits] == ["protokoll.docx", "esityslista.html"]
    kinds = Filters(kind=frozenset({"pöytäkirja"}))
    assert [h.id for h in search(archive, "kaikukortti", filters=kinds).hits] == [
        "hyvinvointilautakunta.pdf"
    ]


def test_dates_filter_on_the_meeting_date(archive: Path) -> None:
    december = Filters(date_from=datetime.date(2024, 12, 1), date_to=datetime.date(2024, 12, 31))
    found = search(archive, "kaikukortti", filters=december, sort="oldest")
    assert [h.id for h in found.hits] == ["protokoll.docx", "esityslista.html"]


def test_the_api_filters_by_decision_maker(archive: Path) -> None:
    from webui import create_app

    client = create_app(
        {"TESTING": True, "INDEX_DIR": archive, "SEEDS_DIR": archive.parent / "seeds"}
    ).test_client()
    data = client.get("/api/search?q=kaikukortti&decision_maker=Hyvinvointilautakunta").get_json()
    assert [(h["id"], h["decision_maker"], h["kind"]) for h in data["hits"]] == [
        ("hyvinvointilautakunta.pdf", "Hyvinvointilautakunta", "pöytäkirja")
    ]
    page = client.get("/?q=kaikukortti").get_data(as_text=True)
    assert "Päättäjä" in page and "Välfärdsnämnden" in page
