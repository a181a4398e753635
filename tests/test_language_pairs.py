"""A bilingual body's minutes: each section in its own language, and the same decision in
both languages linked and shown once, in the reader's language."""

import pytest

from indexer.search.language_pairs import one_per_decision
from indexer.writing.build import build_index
from tests.conftest import write_files

# Made up: one meeting's minutes in Finnish and in Swedish. The Finnish minutes quote the
# Swedish committee's statement in Swedish (§ 15); the Swedish minutes have a section the
# Finnish ones lack (§ 16).
_FI_HEAD = (
    "Pohjanmaan hyvinvointialue Pöytäkirja 2/2025\nAluehallitus 10.2.2025\n"
    "Aika 10.2.2025 klo 16.00\nPaikka Vaasa\n\n"
)
_SV_HEAD = (
    "Österbottens välfärdsområde Protokoll 2/2025\nOmrådesstyrelsen 10.2.2025\n"
    "Tid 10.2.2025 kl. 16.00\nPlats Vasa\n\n"
)
MINUTES = {
    "pohjanmaa/aluehallitus-2-2025.txt": _FI_HEAD
    + "§ 13\nKokouksen laillisuus ja päätösvaltaisuus\nPuheenjohtaja totesi, että kokous "
    "on laillisesti koolle kutsuttu ja päätösvaltainen, kun se on kutsuttu koolle ajoissa ja "
    "kun jäsenistä yli puolet on läsnä. Kun näin on, kokous voi alkaa.\nPäätös\n"
    "Todettiin.\n\n"
    "§ 14\nVanhuspalvelujen palvelusuunnitelma\nPOHDno-2025-14\nEhdotus\n"
    "Aluehallitus hyväksyy vanhuspalvelujen palvelusuunnitelman vuosille 2025–2027, ja se "
    "on kuntien kanssa tehty.\nPäätös\nHyväksyttiin.\n\n"
    "§ 15\nLausunto omaishoidosta\nPOHDno-2025-15\nFörslag\nNämnden för svenska ärenden "
    "anser att närståendevården ska stärkas och att den är viktig för familjerna i "
    "kommunerna.\nBeslut\nUtlåtandet antecknades för kännedom.\n\n"
    "Muutoksenhakuohjeet\nOikaisuvaatimus tehdään kirjallisesti.\n",
    "pohjanmaa/omradesstyrelsen-2-2025.txt": _SV_HEAD
    + "§ 14\nServiceplan för äldreomsorgen\nPOHDno-2025-14\nFörslag\n"
    "Områdesstyrelsen godkänner serviceplanen för äldreomsorgen för åren 2025–2027, och den "
    "är gjord med kommunerna.\nBeslut\nGodkändes.\n\n"
    "§ 16\nBudgetuppföljning\nPOHDno-2025-16\nFörslag\nOmrådesstyrelsen antecknar att "
    "budgeten för äldreomsorgen följs och att den är i balans.\nBeslut\nGodkändes.\n\n"
    "Besvärsanvisning\nRättelseyrkande görs skriftligt.\n",
    # Another body's minutes of the same day and number: not the same decision.
    "vaasa/kaupunginhallitus.txt": "Vaasan kaupunki Pöytäkirja 2/2025\n"
    "Kaupunginhallitus 10.2.2025\nAika 10.2.2025 klo 18.00\n\n"
    "§ 14\nVanhuspalvelujen tilat\nVAASA-2025-14\nEhdotus\nKaupunginhallitus hyväksyy "
    "vanhuspalvelujen tilat, ja se on kuntalaisten asia.\nPäätös\nHyväksyttiin.\n",
}
FI = "pohjanmaa/aluehallitus-2-2025.txt"
SV = "pohjanmaa/omradesstyrelsen-2-2025.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    root = tmp_path_factory.mktemp("pairs")
    seeds = write_files(root / "seeds", MINUTES)
    build_index(seeds, root / "index")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": root / "index", "SEEDS_DIR": seeds, "ADMIN_TOKEN": ""}
    )
    return app.test_client()


def _search(client, **args) -> dict:
    response = client.get("/api/search", query_string=args)
    assert response.status_code == 200
    return response.get_json()


def _hits(data: dict) -> list[tuple[str, str | None, str]]:
    return [(h["id"], h["section"], h["language"]) for h in data["hits"]]


def test_a_swedish_section_of_finnish_minutes_is_swedish(client):
    data = _search(client, q="närståendevård", facets=1)
    assert _hits(data) == [(FI, "15", "sv")]
    assert data["facets"]["language"] == [{"value": "sv", "count": 1}]
    # The Finnish sections of the same file stay Finnish.
    assert _hits(_search(client, q="omaishoito")) == []
    assert _hits(_search(client, q="vanhuspalvelu", language="sv")) == []
    finnish = _search(client, q="vanhuspalvelu", language="fi")
    assert sorted(_hits(finnish)) == [
        (FI, "14", "fi"),
        ("vaasa/kaupunginhallitus.txt", "14", "fi"),
    ]


def test_a_decision_in_both_languages_is_one_hit_in_the_readers_language(client):
    # The case number is the same in both versions: both match, one is shown.
    finnish = _search(client, q="POHDno-2025-14", lang="fi", facets=1)
    assert _hits(finnish) == [(FI, "14", "fi")]
    assert finnish["total"] == 1
    assert finnish["hits"][0]["other_language"] == {
        "language": "sv",
        "id": SV,
        "anchor": "s14",
        "title": "§ 14 Serviceplan för äldreomsorgen",
    }
    # The facet counts what the query matched, in both languages.
    assert {f["value"]: f["count"] for f in finnish["facets"]["language"]} == {"fi": 1, "sv": 1}
    swedish = _search(client, q="POHDno-2025-14", lang="sv")
    assert _hits(swedish) == [(SV, "14", "sv")]
    assert swedish["hits"][0]["other_language"]["id"] == FI
    # The filter picks the language whatever the reader's.
    assert _hits(_search(client, q="POHDno-2025-14", lang="fi", language="sv")) == [
        (SV, "14", "sv")
    ]


def test_a_hit_links_its_other_version_when_only_it_matched(client):
    data = _search(client, q="serviceplan", lang="fi")
    assert _hits(data) == [(SV, "14", "sv")]
    assert data["hits"][0]["other_language"]["id"] == FI
    # A section only one version has, and another body's section of the same number and
    # meeting, link nothing.
    assert _search(client, q="budgetuppföljning")["hits"][0]["other_language"] is None
    assert _search(client, q="tilat")["hits"][0]["other_language"] is None


def test_the_search_page_links_the_other_version(client):
    page = client.get("/", query_string={"q": "serviceplan", "lang": "fi"}).get_data(as_text=True)
    assert f'href="/doc/{FI}?q=serviceplan' in page
    assert 'lang="fi">Suomeksi</a>' in page
    assert "Sama päätös suomeksi:" in page


@pytest.mark.parametrize(
    ("lang", "hidden"),
    [
        ("fi", "Sama päätös ruotsiksi:"),
        ("sv", "Samma beslut på svenska:"),
        ("en", "The same decision in Swedish:"),
    ],
)
def test_the_pages_of_both_versions_link_each_other(client, lang, hidden):
    page = client.get(f"/doc/{FI}", query_string={"lang": lang}).get_data(as_text=True)
    assert f'href="/doc/{SV}" hreflang="sv" lang="sv">På svenska</a>' in page
    assert hidden in page
    # Its § 14 links the Swedish § 14.
    assert f'href="/doc/{SV}#s14" hreflang="sv" lang="sv">På svenska</a>' in page
    other = client.get(f"/doc/{SV}", query_string={"lang": lang}).get_data(as_text=True)
    assert f'href="/doc/{FI}" hreflang="fi" lang="fi">Suomeksi</a>' in other
    assert f'href="/doc/{FI}#s14" hreflang="fi" lang="fi">Suomeksi</a>' in other


def test_one_per_decision_keeps_the_preferred_language_where_the_best_was():
    ranked = [(5.0, 0), (4.0, 1), (3.0, 2), (2.0, 3), (1.0, 4)]
    keys = ["a", "b", "", "a", "b"]
    languages = ["fi", "sv", "fi", "sv", "fi"]
    assert one_per_decision(ranked, keys, languages, "sv") == [(5.0, 3), (4.0, 1), (3.0, 2)]
    assert one_per_decision(ranked, keys, languages, "fi") == [(5.0, 0), (4.0, 4), (3.0, 2)]
    # No preference (the English page): the best ranked version.
    assert one_per_decision(ranked, keys, languages, None) == [(5.0, 0), (4.0, 1), (3.0, 2)]


def test_every_unit_of_the_minutes_has_its_own_language(client):
    from indexer.store import searchers

    with searchers.live_searcher(client.application.config["INDEX_DIR"]) as (_, searcher):
        found = {
            fields["id"]: fields["language"]
            for d in searcher.reader().all_doc_ids()
            if (fields := searcher.stored_fields(d))["id"].startswith("pohjanmaa/")
        }
        # The Swedish section is indexed in the Swedish fields, the others where their
        # files' are.
        reader = searcher.reader()
        assert reader.doc_frequency("body_sv", "närståendevård") == 1
        assert reader.doc_frequency("body", "närståendevård") == 0
    assert found == {
        FI: "fi",
        f"{FI}#s13": "fi",
        f"{FI}#s14": "fi",
        f"{FI}#s15": "sv",
        SV: "sv",
        f"{SV}#s14": "sv",
        f"{SV}#s16": "sv",
    }
