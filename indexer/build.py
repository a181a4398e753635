"""Full rebuilds: every file in the seeds folder into a new generation, switched in atomically."""

import contextlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer

from indexer import store
from indexer.analysis import analyzer_name, finnish_analyzer, mine_abbreviations
from indexer.documents import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SECONDS,
    Document,
    Skipped,
    list_files,
    load_all,
)
from indexer.lock import writer_lock
from indexer.preanalysis import PreanalysisFailed, preanalyze
from indexer.schema import make_schema

# progress(stage, done, total): stage "read" counts files read, then "index" counts documents
# given to the writer; writing the index out comes after the last "index" call.
Progress = Callable[[str, int, int], None]

# Whoosh's estimate of the postings it sorts in memory before spilling them to temporary runs
# on disk. Spilled postings are pickled one by one and merged back, which nearly doubled the
# time of a 20,000-document Voikko build at 256 MB; 1 GB holds about six million postings.
WRITER_LIMIT_MB = 1024


@dataclass
class BuildReport:
    """What a build did: counts, reasons and time."""

    indexed: int
    skipped: list[Skipped]
    notes: list[tuple[str, str]]
    seconds: float
    analyzer: str
    generation: str | None = None
    abbreviations: dict[str, str] = field(default_factory=dict)


class NothingIndexed(Exception):
    """No file in the seeds folder could be indexed; the live index was left as it was."""

    def __init__(self, report: BuildReport) -> None:
        super().__init__("No document could be indexed; the live index was left unchanged.")
        self.report = report


def display_path(seeds_dir: Path, doc_id: str) -> str:
    """Return a document's path as users see it: relative to the working folder if inside."""
    path = (seeds_dir / doc_id).absolute()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def document_fields(doc: Document, seeds_dir: Path) -> dict[str, Any]:
    """Return the index fields of a document."""
    return {
        "id": doc.id,
        "path": display_path(seeds_dir, doc.id),
        "title": doc.title,
        "body": doc.body,
        "date": datetime(doc.date.year, doc.date.month, doc.date.day) if doc.date else None,
        "size": doc.size,
        "mtime": doc.mtime,
        "hash": doc.hash,
        "note": doc.note,
    }


def read_seeds(
    seeds_dir: Path,
    max_bytes: int,
    progress: Progress | None = None,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> tuple[list[Document], list[Skipped]]:
    """Load every file below the seeds folder, reporting progress per file."""
    ids, skipped = list_files(seeds_dir)
    docs: list[Document] = []
    loading = load_all(seeds_dir, ids, max_bytes=max_bytes, max_seconds=max_seconds)
    for done, loaded in enumerate(loading, 1):
        (docs if isinstance(loaded, Document) else skipped).append(loaded)
        if progress:
            progress("read", done, len(ids))
    return docs, skipped


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    *,
    analyzer: Analyzer | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    progress: Progress | None = None,
) -> BuildReport:
    """Rebuild the index from scratch beside the live one, check it, then switch to it.

    Raises WriterBusy when another build or update runs, NothingIndexed when no file could
    be indexed. Whatever happens, the live generation keeps serving until the switch.
    """
    started = time.perf_counter()
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"Seeds folder {seeds_dir} does not exist.")
    with writer_lock(index_dir):
        store.remove_stale(index_dir)
        docs, skipped = read_seeds(seeds_dir, max_bytes, progress, max_seconds)
        abbreviations: dict[str, str] = {}
        if analyzer is None:
            for doc in docs:
                abbreviations.update(mine_abbreviations(doc.body))
            analyzer = finnish_analyzer(abbreviations=abbreviations)
            # Only a head start: if it fails, the writer analyses what the cache lacks itself.
            with contextlib.suppress(PreanalysisFailed):
                preanalyze(analyzer, (text for doc in docs for text in (doc.title, doc.body)))
        report = BuildReport(
            indexed=len(docs),
            skipped=skipped,
            notes=[(d.id, d.note) for d in docs if d.note],
            seconds=0.0,
            analyzer=analyzer_name(analyzer),
            abbreviations=abbreviations,
        )
        if not docs:
            report.seconds = time.perf_counter() - started
            raise NothingIndexed(report)

        build_dir = store.new_build_dir(index_dir)
        try:
            ix = whoosh_index.create_in(str(build_dir), make_schema(analyzer))
            with ix.writer(limitmb=WRITER_LIMIT_MB, compound=False) as writer:
                for done, doc in enumerate(docs, 1):
                    writer.add_document(**document_fields(doc, seeds_dir))
                    if progress:
                        progress("index", done, len(docs))
            _check(build_dir, len(docs))
            report.seconds = time.perf_counter() - started
            store.write_meta(build_dir, _meta(report, seeds_dir))
            gen = store.publish(index_dir, build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        report.generation = gen.name
        return report


def _check(build_dir: Path, expected: int) -> None:
    """Refuse to publish a generation that does not open with every document in it."""
    ix = whoosh_index.open_dir(str(build_dir))
    count = ix.doc_count()
    ix.close()
    if count != expected:
        raise RuntimeError(f"The new index holds {count} documents, expected {expected}.")


def _meta(report: BuildReport, seeds_dir: Path) -> dict[str, Any]:
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "updated_at": None,
        "analyzer": report.analyzer,
        "seeds_dir": str(seeds_dir.absolute()),
        "documents": report.indexed,
        "skipped": [{"id": s.id, "reason": s.reason} for s in report.skipped],
        "notes": [{"id": i, "note": n} for i, n in report.notes],
        "abbreviations": report.abbreviations,
        "seconds": round(report.seconds, 3),
    }
