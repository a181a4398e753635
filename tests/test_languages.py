"""The language of each document: detected from its text, stored, a facet and a filter."""

import pytest

from indexer.analysis.languages import detect_language, section_language
from indexer.writing.build import build_index
from tests.conftest import write_files

# Made up: minutes and news of a bilingual wellbeing services county, in both languages.
BILINGUAL = {
    "pohjanmaa/poytakirja.txt": "Aluehallituksen pöytäkirja 12.1.2023\n\n"
    "Aluehallitus päätti, että THL:n arvio ikääntyneiden palveluista käsitellään "
    "seuraavassa kokouksessa. Sote-uudistus on hyvinvointialueen tärkein asia.",
    "pohjanmaa/protokoll.txt": "Områdesstyrelsens protokoll 12.1.2023\n\n"
    "Områdesstyrelsen beslöt att THL:s bedömning av äldreomsorgen ska behandlas vid nästa "
    "möte. Välfärdsområdet och dess äldreomsorgsplan är det viktigaste för kommunerna.",
    "pohjanmaa/tiedote.md": "# Tiedote\n\nHyvinvointialue avaa uuden terveysaseman. THL ja "
    "kunnat ovat mukana.",
    "pohjanmaa/meddelande.md": "# Meddelande\n\nVälfärdsområdet öppnar en ny hälsostation. THL "
    "och kommunerna är med.",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Välfärdsnämnden beslöt om budgeten.", "sv"),
        ("Hyvinvointilautakunta päätti talousarviosta.", "fi"),
        # A title alone: the letters tell, or the words Voikko and the Swedish dictionary
        # know.
        ("Protokoll från välfärdsnämnden", "sv"),
        ("Pöytäkirja", "fi"),
        ("Äldreomsorgsplan", "sv"),
        ("Uppsägningstid?", "sv"),
        # One function word of the other language is a name or a quote, not the language.
        ("Barbi de Voroa esittävä Putous-finalisti tunnistetaan jo kaupassakin", "fi"),
        ("Hans Välimäki kertoo, miten kauan kananmunaa keitetään", "fi"),
        ("I maailmansodan kauhuista huolimatta pikkukaupungin pääkatu sai nimen", "fi"),
        ("Närståendevård", "sv"),
        # Mixed: most of the function words decide; nothing to go by is Finnish.
        ("THL:n raportti. Rapporten på svenska och finska finns på sidan.", "sv"),
        ("Kokous pidettiin ja se oli hyvä, mutta det var kallt.", "fi"),
        ("THL 2023", "fi"),
        ("", "fi"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "document", "expected"),
    [
        # A Swedish section of Finnish minutes, and a Finnish one of Swedish minutes.
        ("§ 15 Utlåtande\nNämnden anser att vården ska stärkas och att den är viktig.", "fi", "sv"),
        (
            "§ 4 Talousarvio\nHallitus esittää, että talousarvio hyväksytään ja se on valmis.",
            "sv",
            "fi",
        ),
        # Nothing to go by: the document's, not the letters' ("öppnande" has a double p).
        ("§ 1 Mötets öppnande", "sv", "sv"),
        ("§ 1 Kokouksen avaus", "fi", "fi"),
        ("§ 7 POHDno-2025-7", "sv", "sv"),
    ],
)
def test_section_language(text, document, expected):
    assert section_language(text, document) == expected


@pytest.fixture(scope="module")
def bilingual_client(tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    root = tmp_path_factory.mktemp("bilingual")
    seeds = write_files(root / "seeds", BILINGUAL)
    build_index(seeds, root / "index")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": root / "index", "SEEDS_DIR": seeds, "ADMIN_TOKEN": ""}
    )
    return app.test_client()


def test_bilingual_folder_through_the_api(bilingual_client):
    data = bilingual_client.get("/api/search?q=THL&facets=1").get_json()
    assert sorted((h["id"], h["language"]) for h in data["hits"]) == [
        ("pohjanmaa/meddelande.md", "sv"),
        ("pohjanmaa/poytakirja.txt", "fi"),
        ("pohjanmaa/protokoll.txt", "sv"),
        ("pohjanmaa/tiedote.md", "fi"),
    ]
    assert data["facets"]["language"] == [{"value": "fi", "count": 2}, {"value": "sv", "count": 2}]
    swedish = bilingual_client.get("/api/search?q=THL&language=sv&facets=1").get_json()
    assert sorted(h["id"] for h in swedish["hits"]) == [
        "pohjanmaa/meddelande.md",
        "pohjanmaa/protokoll.txt",
    ]
    # A facet's own filter leaves its counts whole, so that the other value can be chosen.
    assert swedish["facets"]["language"] == data["facets"]["language"]


def test_language_filter_must_be_a_language(bilingual_client):
    r = bilingual_client.get("/api/search?q=THL&language=en", headers={"Accept-Language": "en"})
    assert r.status_code == 400
    assert r.get_json()["error"] == "'language' must be fi or sv."


def test_language_on_the_pages(bilingual_client):
    page = bilingual_client.get("/?q=THL&language=sv", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert page.count('<span class="language" lang="sv">Swedish</span>') == 2
    assert page.count('<h2 lang="sv"><a href=') == 2
    document = bilingual_client.get(
        "/doc/pohjanmaa/protokoll.txt", headers={"Accept-Language": "sv"}
    ).get_data(as_text=True)
    assert '<h1 lang="sv">Områdesstyrelsens protokoll 12.1.2023</h1>' in document
    assert '<span class="language">svenska</span>' in document


def _leaf_fields(index_dir, text):
    from indexer.search.query import parse
    from indexer.store import searchers
    from indexer.store.schema import holds_swedish

    with searchers.live_searcher(index_dir) as (_, searcher):
        swedish = holds_swedish(searcher.reader())
        q = parse(searcher.schema, text, swedish=swedish)
        return swedish, {leaf.fieldname for leaf in q.leaves()}


def test_a_finnish_archive_searches_only_the_finnish_fields(tmp_path):
    # The Swedish fields are in every schema; an archive with no Swedish text does not look
    # in them (a third of a plain query's time on 30,000 news leads).
    finnish = {k: v for k, v in BILINGUAL.items() if k.endswith(("poytakirja.txt", "tiedote.md"))}
    build_index(write_files(tmp_path / "seeds", finnish), tmp_path / "index")
    assert _leaf_fields(tmp_path / "index", "hyvinvointialue") == (False, {"title", "body"})


def test_a_bilingual_archive_searches_the_swedish_fields_too(tmp_path):
    build_index(write_files(tmp_path / "seeds", BILINGUAL), tmp_path / "index")
    swedish, fields = _leaf_fields(tmp_path / "index", "välfärdsområdet")
    assert swedish and fields == {"title", "body", "title_sv", "body_sv"}
