"""What the schema indexes, stores and sorts, through a real index."""

from datetime import datetime
from pathlib import Path

from whoosh import index
from whoosh.query import Term

from indexer.analysis.analyzers import finnish_analyzer
from indexer.store.schema import make_codec, make_schema


def test_dates_sort_without_being_indexed(tmp_path: Path) -> None:
    ix = index.create_in(str(tmp_path), make_schema(finnish_analyzer()))
    with ix.writer(codec=make_codec()) as writer:
        for n, day in enumerate([3, 1, 2]):
            writer.add_document(id=str(n), body="sote", date=datetime(2021, 4, day))
    with ix.searcher() as searcher:
        assert list(searcher.lexicon("date")) == []
        hits = searcher.search(Term("body", "sote"), sortedby="date")
        assert [(h["id"], h["date"].day) for h in hits] == [("1", 1), ("2", 2), ("0", 3)]


def test_the_hash_is_stored_not_indexed(tmp_path: Path) -> None:
    ix = index.create_in(str(tmp_path), make_schema(finnish_analyzer()))
    with ix.writer(codec=make_codec()) as writer:
        writer.add_document(id="a", body="sote", hash="ab" * 32)
    with ix.searcher() as searcher:
        assert searcher.document(id="a")["hash"] == "ab" * 32
        assert "hash" not in searcher.reader().indexed_field_names()
