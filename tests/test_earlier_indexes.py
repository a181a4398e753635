"""An index built by an earlier version keeps serving and updating until the next build."""

from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from indexer.search import search
from indexer.update import update_index
from tests.conftest import write_files


def test_an_index_without_a_later_stored_field_updates_and_gains_it(tmp_path: Path) -> None:
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    write_files(seeds, {"a.txt": "Kokous\n\nVATE kokoontui.\n"})
    build_index(seeds, index_dir)
    # As built before PDF page starts were stored.
    ix = whoosh_index.open_dir(str(store.require_generation(index_dir)))
    with ix.writer() as writer:
        writer.remove_field("pages")
    assert "pages" not in ix.refresh().schema

    write_files(seeds, {"b.txt": "Pöytäkirja\n\nKaikuluotain hankittiin.\n"})
    report = update_index(seeds, index_dir)

    assert report.added == ["b.txt"]
    assert [hit.id for hit in search(index_dir, "kaikuluotain").hits] == ["b.txt"]
    assert [hit.id for hit in search(index_dir, "VATE").hits] == ["a.txt"]
    assert "pages" in whoosh_index.open_dir(str(store.require_generation(index_dir))).schema
