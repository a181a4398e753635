"""One share of a build's files: read into a spill file, then indexed into a segment of its own.

A build splits its sorted files into contiguous shares. Reading a share loads each file,
mines the abbreviations it defines and appends the documents to a spill file in the share's
folder, so no process holds the whole corpus. Once every share is read (the analyzer needs
every mined abbreviation), each share is indexed from its spill file into a Whoosh index in
its own folder, and segment_writer.join_segments() moves the segments into the build folder
under one table of contents. The functions run in the build process or in worker processes
(indexer.writing.workers).
"""

import pickle
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.analysis.lexicon import Definitions, count_definitions, mine_abbreviations
from indexer.documents.document import Document, Skipped
from indexer.documents.loading import load_all
from indexer.store.schema import make_codec
from indexer.writing.fields import document_units
from indexer.writing.segment_writer import ShareWriter

SPILL = "documents.pickle"

# progress(stage, done, total): "read" counts files read, "index" documents indexed.
Progress = Callable[[str, int, int], None]
# Called with how many files (reading) or documents (indexing) the share has done so far.
Count = Callable[[int], None]


@dataclass
class ShareRead:
    """What reading a share found: documents spilled, files skipped, abbreviations defined
    (each long form with how many documents give it)."""

    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    abbreviations: Definitions = field(default_factory=dict)


def share_dirs(build_dir: Path, shares: int) -> list[Path]:
    """Return the folders of a build's shares, created empty."""
    dirs = [build_dir / f"share-{n}" for n in range(shares)]
    for share_dir in dirs:
        share_dir.mkdir()
    return dirs


class LocalShares:
    """The shares of one build, read and indexed one after the other in this process.

    The same interface as indexer.writing.workers.WorkerShares, for one core or a small build.
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
                count_definitions(found.abbreviations, mine_abbreviations(loaded.body))
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
    # Separate files, not one compound file: see searchers._open_lazy_files.
    with ShareWriter(ix, limitmb=limit_mb, codec=make_codec(), compound=False) as writer:
        for doc in _spilled(share_dir):
            for unit in document_units(doc, seeds_dir, schema):
                writer.add_document(**unit)
            done += 1
            count(done)
    return done
