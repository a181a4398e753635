"""A first line long enough to be cut short as a title is a paragraph: shown as the title,
not indexed and boosted as one."""

from pathlib import Path

from whoosh.query import Term

from indexer.documents.metadata import TITLE_MAX_CHARS, extract_title, is_heading
from indexer.search.searching import search
from indexer.store import searchers
from indexer.writing.build import build_index
from tests.conftest import write_files

FILLER = " ".join(["Kunnan palvelut järjestetään jatkossa hyvinvointialueella."] * 6)


def test_a_cut_line_is_not_a_heading() -> None:
    assert is_heading(extract_title("Sote-uudistus etenee\n\nTeksti."))
    long_line = extract_title(FILLER)
    assert len(FILLER) > TITLE_MAX_CHARS
    assert long_line.endswith("…")
    assert not is_heading(long_line)


def test_a_paragraph_title_is_shown_but_not_indexed(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {
            # A heading: its words rank the document up.
            "otsikko.txt": "Pelastuslaitos muuttaa\n\n" + FILLER + " Pelastuslaitos mainitaan.",
            # One long line: its first words are the shown title, and count as body words only.
            "kappale.txt": "Pelastuslaitos muuttaa. " + FILLER,
            "muu.txt": "Toinen asia\n\nPelastuslaitos muuttaa kevällä.",
        },
    )
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    result = search(index_dir, "pelastuslaitos")
    titles = {hit.id: hit.title for hit in result.hits}
    assert titles["kappale.txt"] == extract_title("Pelastuslaitos muuttaa. " + FILLER)
    assert titles["otsikko.txt"] == "Pelastuslaitos muuttaa"
    assert [hit.id for hit in result.hits][0] == "otsikko.txt"
    with searchers.live_searcher(index_dir) as (_, searcher):
        in_titles = searcher.search(Term("title", "pelastuslaitos"))
        assert [hit["id"] for hit in in_titles] == ["otsikko.txt"]
