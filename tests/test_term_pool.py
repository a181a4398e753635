"""The build's pool of postings by term writes the same segments as Whoosh's own pool."""

import datetime
import random
import tracemalloc
from pathlib import Path

import pytest
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.analysis.analyzers import finnish_analyzer
from indexer.documents.document import Document
from indexer.documents.folder import list_files
from indexer.documents.loading import load_all
from indexer.store.schema import make_codec, make_schema
from indexer.writing import term_pool
from indexer.writing.fields import document_fields
from indexer.writing.segment_writer import ShareWriter
from indexer.writing.term_pool import TermPool
from tests.conftest import SEEDS
from tests.sample_documents import made_up_text


def seed_and_made_up_documents() -> list[Document]:
    ids, _ = list_files(SEEDS)
    seeds = [doc for doc in load_all(SEEDS, ids) if isinstance(doc, Document)]
    made_up = [
        Document(
            id=f"made-up-{n}.txt",
            title=f"Otsikko {n}",
            date=datetime.date(2024, 1 + n % 12, 1) if n % 3 else None,
            body=made_up_text(120, seed=n),
            size=1000 + n,
            mtime=1.7e9 + n,
            hash=f"{n:064x}",
            note=None,
        )
        for n in range(300)
    ]
    return seeds + made_up


def segment_files(folder: Path) -> dict[str, bytes]:
    """Return the bytes of each file of the folder's one segment, by its name after the id."""
    ix = index.open_dir(str(folder))
    (segment,) = ix._segments()
    prefix = f"MAIN_{segment.segment_id()}."
    return {
        path.name.removeprefix(prefix): path.read_bytes()
        for path in folder.iterdir()
        if path.name.startswith(prefix)
    }


def write_segment(
    folder: Path, writer_class: type, docs: list[Document], limit_bytes: int | None = None
) -> None:
    folder.mkdir()
    ix = index.create_in(str(folder), make_schema(finnish_analyzer()))
    with writer_class(ix, limitmb=64, codec=make_codec(), compound=False) as writer:
        if limit_bytes:
            writer.pool.limit = limit_bytes
        for doc in docs:
            writer.add_document(**document_fields(doc, SEEDS, ix.schema))


@pytest.mark.parametrize("limit_bytes", [None, 200_000])
def test_a_share_writes_the_segment_whoosh_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit_bytes: int | None
) -> None:
    docs = seed_and_made_up_documents()
    write_segment(tmp_path / "whoosh", SegmentWriter, docs)
    # With a limit, a run is spilled every few documents, and they are merged a few at a time.
    monkeypatch.setattr(term_pool, "MAX_OPEN_RUNS", 4)
    saves = []
    save = TermPool.save
    monkeypatch.setattr(TermPool, "save", lambda pool: saves.append(1) or save(pool))
    write_segment(tmp_path / "ours", ShareWriter, docs, limit_bytes)
    theirs, ours = segment_files(tmp_path / "whoosh"), segment_files(tmp_path / "ours")
    assert sorted(ours) == sorted(theirs)
    assert {name for name in ours if ours[name] != theirs[name]} == set()
    assert len(saves) > 10 if limit_bytes else saves == []
    # No run is left behind.
    assert [p.name for p in (tmp_path / "ours").iterdir() if p.suffix in (".run", ".tmp")] == []


def random_postings(seed: int) -> list[tuple[str, bytes, int, float, bytes | None]]:
    """Postings of 60 documents in order, over a few fields and terms."""
    rnd = random.Random(seed)
    postings = []
    for docnum in range(60):
        for field in rnd.sample(["body", "id", "title"], rnd.randint(1, 3)):
            for term in rnd.sample([b"a", b"ab", b"b", b"\xc3\xa4", b"z" * 40], rnd.randint(1, 4)):
                value = rnd.choice([None, b"", bytes([rnd.randrange(256)]) * rnd.randint(1, 9)])
                postings.append((field, term, docnum, rnd.choice([1.0, 0.5, 2.5, 0.3]), value))
    return postings


@pytest.mark.parametrize("seed", range(20))
def test_spilled_runs_give_what_memory_gives(tmp_path: Path, seed: int) -> None:
    postings = random_postings(seed)
    spilling = TermPool(FileStorage(str(tmp_path)), limit_bytes=seed * 300)
    for posting in postings:
        spilling.add(posting)
    assert list(spilling.iter_postings()) == sorted(postings, key=lambda p: p[:3])
    assert list(tmp_path.iterdir()) == []


def test_cleanup_removes_the_runs_of_a_cancelled_pool(tmp_path: Path) -> None:
    pool = TermPool(FileStorage(str(tmp_path)), limit_bytes=0)
    for posting in random_postings(0):
        pool.add(posting)
    assert len(list(tmp_path.iterdir())) > 10
    pool.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_the_memory_estimate_is_near_what_the_postings_hold(tmp_path: Path) -> None:
    schema = make_schema(finnish_analyzer())
    docs = seed_and_made_up_documents()

    def add_all(pool: TermPool) -> None:
        for docnum, doc in enumerate(docs):
            for name in ("title", "body"):
                pool.add_postings(name, docnum, schema[name].index(getattr(doc, name)), 2.5)

    # Once first, so that what the second pool's measure holds is its postings alone, not the
    # words analysed on the way.
    add_all(TermPool(FileStorage(str(tmp_path)), limit_bytes=1 << 40))
    pool = TermPool(FileStorage(str(tmp_path)), limit_bytes=1 << 40)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    add_all(pool)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert 0.7 < pool.size / held < 1.5, (pool.size, held)
