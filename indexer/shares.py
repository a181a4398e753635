"""One share of a build's files: read into a spill file, then indexed into a segment of its own.

A build splits its sorted files into contiguous shares. Reading a share loads each file,
mines the abbreviations it defines and appends the documents to a spill file in the share's
folder, so no process holds the whole corpus. Once every share is read (the analyzer needs
every mined abbreviation), each share is indexed from its spill file into a Whoosh index in
its own folder, and join() moves the segments into the build folder under one table of
contents. The functions run in the build process or in worker processes (indexer.workers).
"""

import functools
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.writing import SegmentWriter

from indexer import facets
from indexer.documents import Document, Skipped, load_all
from indexer.lexicon import mine_abbreviations
from indexer.schema import make_codec
from indexer.term_pool import TermPool

SPILL = "documents.pickle"
# Whoosh's name for the one index in a folder.
_INDEX_NAME = "MAIN"

# progress(stage, done, total): "read" counts files read, "index" documents indexed.
Progress = Callable[[str, int, int], None]
# Called with how many files (reading) or documents (indexing) the share has done so far.
Count = Callable[[int], None]


@dataclass
class ShareRead:
    """What reading a share found: documents spilled, files skipped, abbreviations defined."""

    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)


def share_dirs(build_dir: Path, shares: int) -> list[Path]:
    """Return the folders of a build's shares, created empty."""
    dirs = [build_dir / f"share-{n}" for n in range(shares)]
    for share_dir in dirs:
        share_dir.mkdir()
    return dirs


class LocalShares:
    """The shares of one build, read and indexed one after the other in this process.

    The same interface as indexer.workers.WorkerShares, for one core or a small build.
    """

    def __init__(
        self,
        seeds_dir: Path,
        build_dir: Path,
        id_shares: list[list[str]],
        max_bytes: int,
        max_seconds: float,
        limit_mb: int,
    ) -> None:
        self.dirs = share_dirs(build_dir, len(id_shares))
        self._seeds_dir, self._build_dir = seeds_dir, build_dir
        self._id_shares, self._max_bytes, self._limit_mb = id_shares, max_bytes, limit_mb
        self._max_seconds = max_seconds

    def __enter__(self) -> "LocalShares":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, progress: Progress) -> list[ShareRead]:
        """Read every share's files; return what each found."""
        total = sum(len(ids) for ids in self._id_shares)
        found: list[ShareRead] = []
        before = 0
        for share_dir, ids in zip(self.dirs, self._id_shares, strict=True):
            found.append(
                read_share(
                    self._seeds_dir,
                    ids,
                    self._max_bytes,
                    self._max_seconds,
                    share_dir,
                    lambda done, before=before: progress("read", before + done, total),
                )
            )
            before += len(ids)
        return found

    def index(self, documents: int, progress: Progress) -> None:
        """Index every share's documents into its folder."""
        before = 0
        for share_dir in self.dirs:
            before += index_share(
                share_dir,
                self._build_dir,
                self._seeds_dir,
                self._limit_mb,
                lambda done, before=before: progress("index", before + done, documents),
            )


def display_path(seeds_dir: Path, doc_id: str) -> str:
    """Return a document's path as users see it: relative to the working folder if inside."""
    # The folder's part is worked out once: with Path objects for each document it was a
    # fortieth of a build's time.
    folder = _display_folder(seeds_dir, os.getcwd())
    if folder is None:
        path = (seeds_dir / doc_id).absolute()
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return doc_id if folder == "." else f"{folder}/{doc_id}"


@functools.lru_cache(maxsize=16)
def _display_folder(seeds_dir: Path, cwd: str) -> str | None:
    """Return the seeds folder relative to the working folder, None if it is not inside."""
    try:
        return seeds_dir.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return None


def document_fields(doc: Document, seeds_dir: Path, schema: Schema) -> dict[str, Any]:
    """Return the index fields of a document that the schema has.

    An index built before a field was added keeps its own schema through updates.
    """
    fields = {
        "id": doc.id,
        "path": display_path(seeds_dir, doc.id),
        "title": doc.title,
        "body": doc.body,
        "date": datetime(doc.date.year, doc.date.month, doc.date.day) if doc.date else None,
        "size": doc.size,
        "mtime": doc.mtime,
        "hash": doc.hash,
        "note": doc.note,
        "source": facets.source_of(doc.id),
        "format": facets.format_of(doc.id),
        "pages": list(doc.page_starts) or None,
    }
    return {name: value for name, value in fields.items() if name in schema}


def read_share(
    seeds_dir: Path,
    ids: list[str],
    max_bytes: int,
    max_seconds: float,
    share_dir: Path,
    count: Count,
) -> ShareRead:
    """Load the share's files into its spill file; return what was found."""
    found = ShareRead()
    loading = load_all(seeds_dir, ids, max_bytes=max_bytes, max_seconds=max_seconds)
    # Closed on an error too (a full disk while spilling), so that the extraction worker it
    # talks to is released at once rather than left holding its lock.
    with closing(loading), (share_dir / SPILL).open("wb") as spill:
        for done, loaded in enumerate(loading, 1):
            if isinstance(loaded, Document):
                pickle.dump(loaded, spill, pickle.HIGHEST_PROTOCOL)
                found.documents += 1
                found.abbreviations.update(mine_abbreviations(loaded.body))
                if loaded.note:
                    found.notes.append((loaded.id, loaded.note))
            else:
                found.skipped.append(loaded)
            count(done)
    return found


def _spilled(share_dir: Path) -> Iterator[Document]:
    with (share_dir / SPILL).open("rb") as spill:
        while True:
            try:
                yield pickle.load(spill)
            except EOFError:
                return


def index_share(
    share_dir: Path, build_dir: Path, seeds_dir: Path, limit_mb: int, count: Count
) -> int:
    """Index the share's spilled documents into a Whoosh index in its folder; return how many.

    The schema, with the analyzer the whole build uses, is read from the build folder.
    """
    schema = whoosh_index.open_dir(str(build_dir)).schema
    ix = whoosh_index.create_in(str(share_dir), schema)
    done = 0
    # Separate files, not one compound file: see store._open_lazy_files.
    with _ShareWriter(ix, limitmb=limit_mb, codec=make_codec(), compound=False) as writer:
        for doc in _spilled(share_dir):
            writer.add_document(**document_fields(doc, seeds_dir, schema))
            done += 1
            count(done)
    return done


class _ShareWriter(SegmentWriter):
    """Whoosh's segment writer, with the postings gathered a term at a time (TermPool).

    Writing the postings asks for the length of the document of every posting, which W3
    reads from the segment's file each time (a seventh of a build's time): each field's
    lengths are read once instead.
    """

    def __init__(self, ix: Any, *, limitmb: int, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if any(f.separate_spelling() or f.vector for _, f in self.schema.items()):
            raise ValueError("A share's writer takes no spelling fields or term vectors.")
        self.pool = TermPool(self._tempstorage, limitmb * 1024 * 1024)

    def add_document(self, **fields: Any) -> None:
        # Whoosh's own, for a schema without spelling fields or term vectors, giving each
        # field's postings to the pool in one call instead of a tuple and a call a posting.
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = self.pool.add_postings(fieldname, docnum, field.index(value), boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    column_value = field.to_column_value(stored)
                    perdocwriter.add_column_value(fieldname, field.column_type, column_value)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader()
        writer = self.fieldwriter
        field = None
        for fieldname, tbytes, postings in self.pool.terms():
            if fieldname != field:
                if field is not None:
                    writer.finish_field()
                writer.start_field(fieldname, self.schema[fieldname])
                field = fieldname
                lengths = _field_lengths(reader, fieldname)
            writer.start_term(tbytes)
            add = writer.add
            for i in range(0, len(postings), 3):
                docnum = postings[i]
                add(docnum, postings[i + 1], postings[i + 2] or b"", lengths[docnum])
            writer.finish_term()
        if field is not None:
            writer.finish_field()
        writer.close()
        reader.close()


def _field_lengths(reader: Any, fieldname: str) -> list[int]:
    """Return the length of the field in each document of a segment's per-document reader."""
    read = reader.doc_field_length
    return [read(n, fieldname, 0) for n in range(reader.doc_count_all())]


def join(build_dir: Path, folders: list[Path]) -> None:
    """Move the segments of the shares' folders into the build folder, listing them all in its
    table of contents, and remove the folders.

    Segments keep the order of the shares, so documents are numbered in file order.
    """
    storage = FileStorage(str(build_dir))
    created = TOC.read(storage, _INDEX_NAME)
    segments = []
    for folder in folders:
        for segment in TOC.read(FileStorage(str(folder)), _INDEX_NAME).segments:
            prefix = segment.segment_id() + "."
            for name in os.listdir(folder):
                if name.startswith(prefix):
                    os.replace(folder / name, build_dir / name)
            segments.append(segment)
        shutil.rmtree(folder)
    generation = created.generation + 1
    TOC(created.schema, segments, generation).write(storage, _INDEX_NAME)
    # Removes the empty table of contents the build folder was created with.
    clean_files(storage, _INDEX_NAME, generation, segments)
