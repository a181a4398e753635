"""Swedish documents indexed with the Swedish analyzer, and queries in either language."""

import pytest
from whoosh import index as whoosh_index

from indexer.writing.build import build_index
from tests.conftest import write_files
from tests.test_languages import BILINGUAL

# Made up: a Swedish board's decision, and a Swedish text on chimneys, whose "sota" (to sweep)
# is the Swedish dictionary's base form of "sote".
SWEDISH = {
    "vasa/beslut.txt": "Välfärdsnämndens beslut 3.2.2023\n\n"
    "Välfärdsnämnden godkände budgeten för äldreomsorgen och för närståendevården.",
    "vasa/sotning.txt": "Sotning av skorstenar\n\nSotaren ska sota skorstenen varje år och "
    "ta hand om sot och aska.",
    "vasa/sote.txt": "Sote-uudistus ja kunnat\n\nKunnat siirtävät sote-palvelut "
    "hyvinvointialueelle.",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    root = tmp_path_factory.mktemp("swedish")
    seeds = write_files(root / "seeds", {**BILINGUAL, **SWEDISH})
    build_index(seeds, root / "index")
    app = create_app(
        {"TESTING": True, "INDEX_DIR": root / "index", "SEEDS_DIR": seeds, "ADMIN_TOKEN": ""}
    )
    return app.test_client()


def _found(client, q: str) -> list[str]:
    data = client.get("/api/search", query_string={"q": q}).get_json()
    return sorted(h["id"] for h in data["hits"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Inflected forms meet: välfärdsnämndens -> välfärdsnämnd, budget -> budgeten.
        ("välfärdsnämndens budget", ["vasa/beslut.txt"]),
        ("välfärdsnämnd", ["vasa/beslut.txt"]),
        # A compound's parts: äldreomsorgsplan -> äldreomsorg; välfärdsområdet -> område.
        ("äldreomsorg", ["pohjanmaa/protokoll.txt", "vasa/beslut.txt"]),
        ("område", ["pohjanmaa/meddelande.md", "pohjanmaa/protokoll.txt"]),
        ("närståendevård", ["vasa/beslut.txt"]),
        # Phrases across inflection, in the Swedish fields.
        ('"godkände budget"', ["vasa/beslut.txt"]),
        ('"budgeten för äldreomsorg"', ["vasa/beslut.txt"]),
        ("kommunen", ["pohjanmaa/meddelande.md", "pohjanmaa/protokoll.txt"]),
        # Finnish queries as before; "sote" does not meet Swedish "sota" (to sweep).
        ("sote", ["pohjanmaa/poytakirja.txt", "vasa/sote.txt"]),
        ("sota", ["vasa/sotning.txt"]),
        ("hyvinvointialue", ["pohjanmaa/poytakirja.txt", "pohjanmaa/tiedote.md", "vasa/sote.txt"]),
        ("kunta", ["pohjanmaa/tiedote.md", "vasa/sote.txt"]),
        # An acronym written the same in both languages is found in both.
        ("THL", sorted(BILINGUAL)),
    ],
)
def test_queries_in_either_language(client, q, expected):
    assert _found(client, q) == expected


def test_swedish_documents_are_indexed_with_the_swedish_analysis(client):
    from indexer.store import searchers

    with searchers.live_searcher(client.application.config["INDEX_DIR"]) as (_, searcher):
        reader = searcher.reader()
        assert reader.doc_frequency("body_sv", "välfärdsnämnd") == 1
        assert reader.doc_frequency("title_sv", "beslut") == 1
        assert reader.doc_frequency("body", "välfärdsnämnd") == 0
        assert reader.doc_frequency("body_sv", "hyvinvointialue") == 0
        docnum = searcher.document_number(id="vasa/beslut.txt")
        assert searcher.stored_fields(docnum)["title"] == "Välfärdsnämndens beslut 3.2.2023"
        assert "title_sv" not in searcher.stored_fields(docnum)


def test_swedish_hits_are_highlighted(client):
    data = client.get("/api/search", query_string={"q": "välfärdsnämndens budget"}).get_json()
    snippet = data["hits"][0]["snippet"]
    assert "<mark>Välfärdsnämnden</mark>" in snippet
    assert "<mark>budgeten</mark>" in snippet
    page = client.get(
        "/doc/vasa/beslut.txt", query_string={"q": "budget"}, headers={"Accept-Language": "sv"}
    ).get_data(as_text=True)
    assert "<mark>budgeten</mark>" in page


def test_swedish_words_are_suggested(client):
    from indexer.search.suggestions import suggest

    found = suggest(client.application.config["INDEX_DIR"], "välfärdsn", wait=True)
    assert [s.text for s in found if s.kind == "word"] == ["välfärdsnämnd"]


def test_documents_like_a_swedish_one_are_swedish(client):
    from indexer.search.similar import similar_documents

    found = similar_documents(client.application.config["INDEX_DIR"], "pohjanmaa/protokoll.txt")
    assert sorted(s.id for s in found) == ["pohjanmaa/meddelande.md", "vasa/beslut.txt"]


def test_an_index_without_the_swedish_fields_still_searches(tmp_path):
    from indexer.analysis.analyzers import finnish_analyzer
    from indexer.store.schema import make_schema

    schema = make_schema(finnish_analyzer())
    assert "body_sv" not in schema
    ix = whoosh_index.create_in(str(tmp_path), schema)
    assert "body_sv" not in ix.schema
