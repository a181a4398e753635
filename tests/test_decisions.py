"""Decision documents (minutes, agendas, officials' decisions): made-up ones in every format."""

import datetime
import os
from pathlib import Path

import pytest

from indexer.analysis.cases import find_case, normal_case
from indexer.documents.decisions import Decision, read_decision
from indexer.documents.loading import load
from indexer.documents.sections import split_sections
from indexer.search.case_history import case_history
from indexer.search.document_view import get_document
from indexer.search.filters import Filters
from indexer.search.query import QueryError
from indexer.search.searching import browse, search
from indexer.service.stats import index_stats
from indexer.writing.build import build_index
from indexer.writing.update import update_index
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
        # A Swedish name puts the region after the organisation, on a line of its own here.
        (
            "Välfärdsområdet i Östra Nyland\nProtokoll 3/2025\nOmrådesstyrelsen 5.3.2025",
            Decision(
                "protokoll",
                "Välfärdsområdet i Östra Nyland",
                "Områdesstyrelsen",
                "3/2025",
                datetime.date(2025, 3, 5),
                "",
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
        "§ 139 Kokouksen laillisuus ja päätösvaltaisuus",
        "§ 140 Kaikukorttitoiminta",
        "§ 141 Kaikukortin viestintä",
        "§ 142 Ilmoitusasiat",
    ],
    [
        "§ 139",
        "Kokouksen laillisuus ja päätösvaltaisuus",
        "Päätös",
        "Kokous todettiin lailliseksi ja päätösvaltaiseksi.",
    ],
    [
        "§ 140",
        "Kaikukorttitoiminta",
        "EPHVA/1234/00.01.02/2024",
        "Valmistelija / lisätiedot:",
        "Aino Virtanen, palvelujohtaja",
        "Kaikukortti tuo kulttuurin asiakkaiden ulottuville.",
        "Ehdotus",
        "Lautakunta ottaa Kaikukortin käyttöön.",
        "Päätös",
        "Hyväksyttiin.",
    ],
    [
        "§ 141",
        "Kaikukortin viestintä",
        "Kaikukortista tiedotetaan kirjastoissa.",
        "Tiedottamisesta päätettiin jo edellisessä kokouksessa.",
        "Päätös",
        "Merkittiin tiedoksi.",
    ],
    [
        "§ 142",
        "Ilmoitusasiat",
        "Viranhaltijapäätökset:",
        "Palvelujohtaja",
        "§ 166",
        "kaikukorttien hankinta",
        "Päätös",
        "Merkittiin tiedoksi.",
        "Muutoksenhakukielto",
        "§139, §141, §142",
        "Näistä päätöksistä ei saa tehdä oikaisuvaatimusta, koska päätös koskee vain",
        "asian valmistelua.",
    ],
]
# Text after each page's own, as a real page has, so that no heading is at the page's foot.
MINUTES_PAGES = [
    [*page, "", f"Sivun {n} muistiinpanot.", f"Kokouksen {n}. sivu.", f"Loppu {n}."]
    for n, page in enumerate(MINUTES_PAGES, 1)
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


def test_sections_are_split_at_their_headings(tmp_path: Path) -> None:
    sd.write(tmp_path / "ptk.pdf", sd.pdf_bytes(MINUTES_PAGES, header=MINUTES_HEADER))
    doc = load(tmp_path, "ptk.pdf")
    # Not the table of contents, not "§ 166" of an official's decision listed in § 142.
    assert [(s.number, s.title) for s in doc.sections] == [
        ("139", "Kokouksen laillisuus ja päätösvaltaisuus"),
        ("140", "Kaikukorttitoiminta"),
        ("141", "Kaikukortin viestintä"),
        ("142", "Ilmoitusasiat"),
    ]
    kaikukortti = doc.sections[1]
    assert (kaikukortti.case, kaikukortti.proposal, kaikukortti.decision) == (
        "EPHVA/1234/00.01.02/2024",
        "Lautakunta ottaa Kaikukortin käyttöön.",
        "Hyväksyttiin.",
    )
    assert kaikukortti.preparer.startswith("Aino Virtanen, palvelujohtaja")
    text = doc.body[kaikukortti.start : kaikukortti.end]
    assert text.startswith("§ 140\nKaikukorttitoiminta\n") and text.endswith("Hyväksyttiin.")
    # The appeal instructions after the last section belong to none.
    last = doc.sections[-1]
    assert doc.body[last.start : last.end].endswith(
        "§ 166\nkaikukorttien hankinta\nPäätös\nMerkittiin tiedoksi."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Swedish, headings "N §" and "§ N Title" without a table of contents.
        (
            "Protokoll\n12 §\nKaikukortet\nFörslag\nNämnden godkänner.\nBeslut\n"
            "Godkändes.\n13 §\nÖvriga ärenden\nBeslut\nInga.\nBesvärsanvisning\nTexten.",
            [
                ("12", "Kaikukortet", "Nämnden godkänner.", "Godkändes."),
                ("13", "Övriga ärenden", "", "Inga."),
            ],
        ),
        (
            "Pöytäkirja\n§ 5 Talousarvio\nHEL 2021-002763\nPäätösehdotus\nHyväksytään.\n"
            "Teksti jatkuu.\n§ 6 Muut asiat\nEi muita.",
            [("5", "Talousarvio", "Hyväksytään. Teksti jatkuu.", ""), ("6", "Muut asiat", "", "")],
        ),
        # A law's section at a line's start is not a heading.
        ("Pöytäkirja\nkuntalain mukaan\n140 §:n mukaan asia.\nPäätös\nHyväksyttiin.", []),
    ],
)
def test_section_headings_in_other_layouts(text: str, expected: list) -> None:
    found = [(s.number, s.title, s.proposal, s.decision) for s in split_sections(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("printed", "normal"),
    [
        ("LAPDno-2024-867", "lapdno-2024-867"),
        ("HEL 2021-002763", "hel-2021-002763"),
        ("Dnro 123/00.01.02/2021", "dnro-123/00.01.02/2021"),
        ("TRE:4787/10.03.01/2016", "tre-4787/10.03.01/2016"),
        ("OUKA/1472/02.02.02/2017", "ouka-1472/02.02.02/2017"),
        ("VD/1545/00.04.00/2017", "vd-1545/00.04.00/2017"),
        ("D/123/2024", "d-123/2024"),
    ],
)
def test_case_numbers_are_found_and_normalised(printed: str, normal: str) -> None:
    assert find_case(f"Otsikko\n{printed}\nValmistelija") == printed
    assert normal_case(printed) == normal


def test_times_and_pages_are_not_case_numbers() -> None:
    assert find_case("klo 17:00-18:29, sivu 3/12, 1.1.2024") is None


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
        ("paragraph", "12 §"),
        ("paragraph", "Kaikukortti i kommunen"),
        ("paragraph", "Nämnden beslöt om Kaikukortti."),
    ]
    sd.write(seeds / "protokoll.docx", sd.docx_bytes(docx, title="Mall"))
    write_files(
        seeds,
        {
            "esityslista.html": (
                "<html><head><title>Kokouskutsu</title></head><body>"
                "<p>Lapuan kaupunki Esityslista 7/2024</p><p>Kaupunginvaltuusto 2.12.2024</p>"
                "<p>Aika 9.12.2024 klo 17</p><p>§ 90</p><p>Kaikukortti &amp; talousarvio</p>"
                "<p>LAPDno-2024-867</p><p>Kaikukortti esitetään.</p></body></html>"
            ),
            "uutinen.txt": "Kaikukortti laajenee 3.3.2025\n\nUutinen Kaikukortista.",
            # The same case a week earlier, in another body; a law's § 140 mentioned.
            "kaupunginhallitus.txt": (
                "Lapuan kaupunki Pöytäkirja 20/2024\nKaupunginhallitus 2.12.2024\n"
                "Aika 2.12.2024 klo 16\n§ 347\nTalousarvion valmistelu\nLAPDno-2024-867\n"
                "Hallintosäännön 140 §:n mukaan asia valmistellaan.\nEhdotus\n"
                "Esitetään valtuustolle.\nPäätös\nHyväksyttiin <b>yksimielisesti</b>.\n"
                "§ 348\nMuut asiat\nPäätös\nEi muita."
            ),
        },
    )
    index_dir = seeds.parent / "index"
    build_index(seeds, index_dir)
    return index_dir


def test_hits_are_sections_with_the_decision_fields(archive: Path) -> None:
    hits = search(archive, "kaikukortti", limit=10).hits
    described = {
        (h.id, h.section): (
            h.title,
            h.date,
            h.decision_maker,
            h.organisation,
            h.kind,
            h.meeting,
            h.case,
            h.anchor,
        )
        for h in hits
    }
    assert described == {
        ("hyvinvointilautakunta.pdf", "140"): (
            "§ 140 Kaikukorttitoiminta",
            "2024-11-14",
            "Hyvinvointilautakunta",
            "Etelä-Pohjanmaan hyvinvointialue",
            "pöytäkirja",
            "10/2024",
            "EPHVA/1234/00.01.02/2024",
            "s140",
        ),
        ("hyvinvointilautakunta.pdf", "141"): (
            "§ 141 Kaikukortin viestintä",
            "2024-11-14",
            "Hyvinvointilautakunta",
            "Etelä-Pohjanmaan hyvinvointialue",
            "pöytäkirja",
            "10/2024",
            None,
            "s141",
        ),
        ("protokoll.docx", "12"): (
            "§ 12 Kaikukortti i kommunen",
            "2024-12-05",
            "Välfärdsnämnden",
            "Pedersöre kommun",
            "protokoll",
            "3/2024",
            None,
            "s12",
        ),
        ("esityslista.html", "90"): (
            "§ 90 Kaikukortti & talousarvio",
            "2024-12-09",
            "Kaupunginvaltuusto",
            "Lapuan kaupunki",
            "esityslista",
            "7/2024",
            "LAPDno-2024-867",
            "s90",
        ),
        ("uutinen.txt", None): (
            "Kaikukortti laajenee 3.3.2025",
            "2025-03-03",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    }
    by_section = {h.section: h for h in hits}
    # The snippet is the section's own, on the page the section is on; the meeting's other
    # units that match (§ 142, the first pages) are counted under its second shown.
    assert "Kaikukorttitoiminta" in by_section["140"].snippet
    assert "tiedotetaan" not in by_section["140"].snippet
    assert (by_section["140"].page, by_section["141"].page) == (3, 4)
    assert [h.section for h in hits if h.id == "hyvinvointilautakunta.pdf"] == ["141", "140"]
    assert (by_section["141"].more_in_meeting, by_section["140"].more_in_meeting) == (0, 2)


def test_a_section_is_found_by_its_meeting_and_its_words(archive: Path) -> None:
    found = search(archive, "hyvinvointilautakunta kaikukorttitoiminta")
    # The first pages list § 140 too, and rank below it.
    assert [(h.id, h.section) for h in found.hits] == [
        ("hyvinvointilautakunta.pdf", "140"),
        ("hyvinvointilautakunta.pdf", None),
    ]


def test_decision_facets_count_and_filter(archive: Path) -> None:
    result = search(archive, "kaikukortti", with_facets=True)
    assert result.facets is not None
    assert result.facets["kind"] == [
        {"value": "pöytäkirja", "count": 4},
        {"value": "esityslista", "count": 1},
        {"value": "protokoll", "count": 1},
    ]
    assert [e["value"] for e in result.facets["organisation"]] == [
        "Etelä-Pohjanmaan hyvinvointialue",
        "Lapuan kaupunki",
        "Pedersöre kommun",
    ]
    chosen = Filters(decision_maker=frozenset({"Välfärdsnämnden", "Kaupunginvaltuusto"}))
    found = search(archive, "kaikukortti", filters=chosen, sort="oldest")
    assert [h.id for h in found.hits] == ["protokoll.docx", "esityslista.html"]
    kinds = Filters(kind=frozenset({"esityslista"}))
    assert [h.id for h in search(archive, "kaikukortti", filters=kinds).hits] == [
        "esityslista.html"
    ]


def test_dates_filter_on_the_meeting_date(archive: Path) -> None:
    december = Filters(date_from=datetime.date(2024, 12, 1), date_to=datetime.date(2024, 12, 31))
    found = search(archive, "kaikukortti", filters=december, sort="oldest")
    assert [h.id for h in found.hits] == ["protokoll.docx", "esityslista.html"]


def test_browsing_lists_files_not_sections(archive: Path) -> None:
    result = browse(archive, limit=10)
    assert [h.id for h in result.hits] == [
        "uutinen.txt",
        "esityslista.html",
        "protokoll.docx",
        "kaupunginhallitus.txt",
        "hyvinvointilautakunta.pdf",
    ]
    assert index_stats(archive).documents == 5


@pytest.mark.parametrize(
    "typed",
    ["LAPDno-2024-867", "lapdno 2024-867", "LAPDNO-2024-867", "2024-867", " lapdno  2024-867 "],
)
def test_a_case_number_is_found_however_it_is_typed(archive: Path, typed: str) -> None:
    found = search(archive, typed)
    assert {(h.id, h.section, h.case) for h in found.hits[:2]} == {
        ("kaupunginhallitus.txt", "347", "LAPDno-2024-867"),
        ("esityslista.html", "90", "LAPDno-2024-867"),
    }


def test_a_section_number_ranks_that_section_above_mentions(archive: Path) -> None:
    found = search(archive, "§ 140")
    assert [(h.id, h.section) for h in found.hits][0] == ("hyvinvointilautakunta.pdf", "140")
    assert ("kaupunginhallitus.txt", "347") in [(h.id, h.section) for h in found.hits]


def test_the_case_history_is_in_date_order(archive: Path) -> None:
    history = case_history(archive, "lapdno 2024-867")
    assert [(s.date, s.decision_maker, s.section, s.decision) for s in history] == [
        ("2024-12-02", "Kaupunginhallitus", "347", "Hyväksyttiin <b>yksimielisesti</b>."),
        ("2024-12-09", "Kaupunginvaltuusto", "90", ""),
    ]
    assert case_history(archive, "HEL 2021-002763") == []
    with pytest.raises(QueryError):
        case_history(archive, "kaikukortti")


def test_the_document_page_lists_and_marks_its_sections(archive: Path) -> None:
    doc = get_document(archive, "hyvinvointilautakunta.pdf", "kaikukortti")
    assert doc is not None
    assert [(s["number"], s["anchor"], s["page"]) for s in doc.sections] == [
        ("139", "s139", 2),
        ("140", "s140", 3),
        ("141", "s141", 4),
        ("142", "s142", 5),
    ]
    page = doc.pages[2].html
    assert page.startswith('<span class="section-start" id="s140"></span>§ 140')
    # Words are marked in the sections as in the first page.
    assert "<mark>Kaikukortti</mark> tuo" in page
    assert "<mark>Kaikukorttitoiminta</mark>" in doc.pages[0].html


def _client(index_dir: Path):
    from webui import create_app

    return create_app(
        {"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": index_dir.parent / "seeds"}
    ).test_client()


def test_the_api_and_the_pages_show_sections(archive: Path) -> None:
    client = _client(archive)
    data = client.get("/api/search?q=kaikukortti&decision_maker=Hyvinvointilautakunta").get_json()
    assert [(h["id"], h["section"], h["section_title"], h["page"]) for h in data["hits"]] == [
        ("hyvinvointilautakunta.pdf", "141", "Kaikukortin viestintä", 4),
        ("hyvinvointilautakunta.pdf", "140", "Kaikukorttitoiminta", 3),
    ]
    assert [h["more_in_meeting"] for h in data["hits"]] == [0, 2]
    page = client.get("/?q=kaikukortti").get_data(as_text=True)
    assert "Päättäjä" in page and "Välfärdsnämnden" in page
    assert (
        "/doc/hyvinvointilautakunta.pdf?q=kaikukortti&amp;page=3&amp;back=q%3Dkaikukortti#s140"
        in page
    )
    assert "2 muuta saman kokouksen pykälää osuu hakuun" in page
    document = client.get("/doc/hyvinvointilautakunta.pdf?q=kaikukortti").get_data(as_text=True)
    assert 'id="s140"' in document and "§ 140 Kaikukorttitoiminta</a>" in document
    assert 'href="/asia/EPHVA/1234/00.01.02/2024"' in document


def test_the_case_page(archive: Path) -> None:
    client = _client(archive)
    response = client.get("/asia/lapdno%202024-867")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("§ 347 Talousarvion valmistelu") < page.index("§ 90 Kaikukortti")
    assert 'href="/doc/kaupunginhallitus.txt#s347"' in page
    assert "Päätös:</strong> Hyväksyttiin &lt;b&gt;yksimielisesti&lt;/b&gt;." in page
    search_page = client.get("/?q=kaikukortti+talousarvio").get_data(as_text=True)
    assert 'href="/asia/LAPDno-2024-867"' in search_page
    empty = client.get("/asia/HEL%202021-002763").get_data(as_text=True)
    assert "Indeksissä ei ole tämän asian pykäliä." in empty
    bad = client.get("/asia/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert bad.status_code == 400
    assert "<script>alert" not in bad.get_data(as_text=True)
    assert "&lt;script&gt;" in bad.get_data(as_text=True)


def test_an_update_replaces_all_sections_of_a_file(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    path = seeds / "ptk.pdf"
    sd.write(path, sd.pdf_bytes(MINUTES_PAGES, header=MINUTES_HEADER))
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    sections = {h.section for h in search(index_dir, "kaikukortti", limit=10).hits}
    assert sections == {"140", "141"}
    # The same meeting without § 141: its unit goes with the file's others.
    shorter = [page for page in MINUTES_PAGES if "§ 141" not in page]
    shorter[0] = [line for line in shorter[0] if "§ 141" not in line]
    sd.write(path, sd.pdf_bytes(shorter, header=MINUTES_HEADER))
    os.utime(path, (1, 1))
    report = update_index(seeds, index_dir)
    assert report.changed == ["ptk.pdf"]
    units = search(index_dir, "kaikukortti").hits
    assert ([h.section for h in units], units[-1].more_in_meeting) == (["140", "142"], 1)
    assert index_stats(index_dir).documents == 1
    # A rebuild agrees with the update.
    rebuilt = tmp_path / "rebuilt"
    build_index(seeds, rebuilt)
    assert [(h.section, h.more_in_meeting) for h in search(rebuilt, "kaikukortti").hits] == [
        ("140", 0),
        ("142", 1),
    ]
    path.unlink()
    write_files(seeds, {"muu.txt": "Muu\n\nkaikukortti"})
    update_index(seeds, index_dir)
    assert [h.id for h in search(index_dir, "kaikukortti").hits] == ["muu.txt"]
    assert index_stats(index_dir).documents == 1


def test_the_cli_shows_the_meeting_and_the_case(archive: Path) -> None:
    from click.testing import CliRunner

    from indexer.cli import cli

    result = CliRunner().invoke(cli, ["search", "kaikukortti talousarvio", "--index", str(archive)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == "1. § 90 Kaikukortti & talousarvio (2024-12-09)"
    assert lines[4] == "   Kaupunginvaltuusto · esityslista 7/2024 · LAPDno-2024-867"


def test_boilerplate_ranks_below_matters_and_makes_no_snippet(archive: Path) -> None:
    # § 139 is a formality with "kokous" in its title; § 141 mentions a meeting once.
    found = search(archive, "kokous")
    assert [(h.id, h.section) for h in found.hits][:2] == [
        ("hyvinvointilautakunta.pdf", "141"),
        ("hyvinvointilautakunta.pdf", "139"),
    ]
    # The appeal instructions after the last section are on the page but not searched.
    assert search(archive, "oikaisuvaatimusta").total == 0
    doc = get_document(archive, "hyvinvointilautakunta.pdf")
    assert doc is not None and "oikaisuvaatimusta" in doc.pages[-1].html


def test_the_decisions_benchmark_measures_sections_cases_and_meetings(archive: Path) -> None:
    from bench.decisions import measure

    pdf = "hyvinvointilautakunta.pdf"
    queries = {
        "topical": [
            {"q": "kaikukorttitoiminta", "sections": [[pdf, "140"]]},
            # The right file, not the right section.
            {"q": "kaikukortin viestintä", "sections": [[pdf, "142"]]},
            {"q": "nämnden beslöt", "sections": [["protokoll.docx", "12"]]},
        ],
        "cases": [{"q": "lapdno 2024-867", "sections": [["esityslista.html", "90"], [pdf, "1"]]}],
        "meetings": {
            pdf: {"decision_maker": "Hyvinvointilautakunta", "date": "2024-11-14"},
            # A wrong date: its one hit is counted wrong.
            "protokoll.docx": {"decision_maker": "Välfärdsnämnden", "date": "2024-12-06"},
        },
    }
    assert measure(archive, queries) == {
        "section MRR@10": 2 / 3,
        "whole-file MRR@10": 1.0,
        "case recall": 0.5,
        "decision maker and date right": 4 / 5,
        "appeal snippets": 0.0,
        "signature snippets": 0.0,
    }


def test_the_original_file_is_served_from_the_seeds_folder_only(archive: Path) -> None:
    client = _client(archive)
    seeds = archive.parent / "seeds"
    pdf = client.get("/original/hyvinvointilautakunta.pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert pdf.data == (seeds / "hyvinvointilautakunta.pdf").read_bytes()
    assert pdf.headers["Content-Disposition"].startswith("inline;")
    html = client.get("/original/esityslista.html")
    assert html.headers["Content-Disposition"] == "attachment; filename*=UTF-8''esityslista.html"
    assert html.headers["Content-Security-Policy"] == "sandbox"
    # Only what the index holds, by its id: not a section's unit, not a path out.
    for path in (
        "/original/hyvinvointilautakunta.pdf%23s140",
        "/original/../index/CURRENT",
        "/original/%2Fetc%2Fpasswd",
        "/original/puuttuva.pdf",
    ):
        assert client.get(path, follow_redirects=True).status_code == 404, path
    page = client.get("/doc/hyvinvointilautakunta.pdf").get_data(as_text=True)
    assert 'href="/original/hyvinvointilautakunta.pdf"' in page


def test_an_original_file_replaced_by_a_link_outside_is_not_served(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE"})
    build_index(seeds, tmp_path / "index")
    (tmp_path / "salainen.txt").write_text("salaisuus")
    (seeds / "a.txt").unlink()
    (seeds / "a.txt").symlink_to(tmp_path / "salainen.txt")
    client = _client(tmp_path / "index")
    assert client.get("/original/a.txt").status_code == 404
