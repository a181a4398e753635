"""Snippets and the document page, both marked from the offsets stored in the index."""

import re
from pathlib import Path

import pytest

from indexer.search import document_view
from indexer.search.document_view import get_document
from indexer.search.query import parse
from indexer.search.searching import search
from indexer.search.snippets import matched_words
from indexer.store.searchers import live_searcher
from indexer.writing.build import build_index
from tests.conftest import needs_voikko, write_files

S1 = "001_8cb112da170294d9.txt"


def marked(html: str) -> set[str]:
    return set(re.findall(r"<mark>(.*?)</mark>", html))


@needs_voikko
def test_the_document_page_marks_every_word_the_snippet_marks(seed_index: Path) -> None:
    hit = next(h for h in search(seed_index, "VATE").hits if h.id == S1)
    page = get_document(seed_index, S1, "VATE")
    assert {"VATE-aikaa", "VATEa", "Pre-Vate"} <= marked(hit.snippet)
    assert marked(hit.snippet) <= marked(page.body_html)


def test_words_under_not_are_not_marked(seed_index: Path) -> None:
    with live_searcher(seed_index) as (_, searcher):
        q = parse(searcher.schema, "VATE NOT Kuntaliitto")
        assert "vate" in matched_words(q, "body")
        assert "kuntaliitto" not in matched_words(q, "body")


TITLE = "Pitkä pöytäkirja"
FILLER = "Kunnat ja kuntayhtymät neuvottelevat palveluista pitkään. " * 4300
END = "Lopuksi päätettiin uudesta sairaalasta.\n"


@pytest.fixture(scope="module")
def long_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One document of about 250,000 characters whose only "sairaala" is near its end."""
    text = f"{TITLE}\n\n{FILLER}{END}"
    tmp = tmp_path_factory.mktemp("long")
    build_index(write_files(tmp / "seeds", {"long.txt": text}), tmp / "index")
    return tmp / "index"


def test_a_long_document_gets_a_snippet_from_far_into_it(long_index: Path) -> None:
    [hit] = search(long_index, "sairaala").hits
    assert "<mark>sairaalasta</mark>" in hit.snippet
    assert len(hit.snippet) < 400


def test_a_long_document_page_comes_in_parts_with_the_words_marked(long_index: Path) -> None:
    first = get_document(long_index, "long.txt", "sairaala")
    assert (first.part, first.parts) == (1, 3)
    assert "<mark>" not in first.body_html
    assert len(first.body_html) <= document_view.DOCUMENT_PART_CHARS
    last = get_document(long_index, "long.txt", "sairaala", part=3)
    assert marked(last.body_html) == {"sairaalasta"}
    assert last.body_html.endswith("uudesta <mark>sairaalasta</mark>.\n")
    # The parts together are the whole text, cut between words.
    parts = [get_document(long_index, "long.txt", part=n).body_html for n in (1, 2, 3)]
    assert "".join(parts).startswith("Pitkä pöytäkirja\n\nKunnat ja")
    assert len("".join(parts)) == len(TITLE) + 2 + len(FILLER) + len(END)
    assert parts[1][0].isspace() and parts[2][0].isspace()
    assert get_document(long_index, "long.txt", part=99).part == 3


def test_the_document_page_links_its_parts(long_index: Path, seeds_copy: Path) -> None:
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": long_index, "SEEDS_DIR": seeds_copy})
    html = app.test_client().get("/doc/long.txt?q=sairaala&part=2").get_data(as_text=True)
    assert "Osa 2/3" in html
    assert 'href="/doc/long.txt?q=sairaala&amp;part=1"' in html
    assert 'href="/doc/long.txt?q=sairaala&amp;part=3"' in html
    response = app.test_client().get("/doc/long.txt?part=x")
    assert response.status_code == 400
