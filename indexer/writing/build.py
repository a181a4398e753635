"""Full rebuilds: every file in the seeds folder into a new generation, switched in atomically."""

import bisect
import itertools
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer

from indexer.analysis.analyzers import analyzer_name, finnish_analyzer
from indexer.analysis.lexicon import Definitions, add_definitions, chosen_abbreviations
from indexer.analysis.swedish import swedish_analyzer
from indexer.common import ids, settings
from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents import binary
from indexer.documents.document import Skipped
from indexer.documents.folder import list_files, require_seeds
from indexer.store import generations
from indexer.store.lock import writer_lock
from indexer.store.schema import make_schema
from indexer.store.units import file_count
from indexer.writing import shares
from indexer.writing.segment_writer import join_segments
from indexer.writing.workers import WorkerShares

# progress(stage, done, total): stage "read" counts files read, then "index" counts documents
# given to the writers; writing the index out comes after the last "index" call. With worker
# processes done may grow by more than one between calls.
Progress = Callable[[str, int, int], None]

# Below this many files per worker, starting a worker (each loads Voikko and analyses the
# words of its share afresh) costs more than it saves.
MIN_FILES_PER_WORKER = 1000
# A PDF, DOCX or ODT is about this many text files' work (tens of pages; a scanned page costs
# seconds of OCR), so that a build of a few dozen of them still uses every core.
PAGED_FILE_WORK = 100


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


def worker_count(files: int, workers: int | None = None) -> int:
    """Return how many worker processes a build of this many files uses; 1 means none.

    workers=None is one per core, fewer for a small build; a number is used as it is.
    """
    if workers is None:
        workers = settings.build_workers()
    if workers is None:
        workers = min(os.cpu_count() or 1, files // MIN_FILES_PER_WORKER)
    return max(1, min(workers, files))


def work(doc_id: str) -> int:
    """Return how much reading a file costs, in text files: PAGED_FILE_WORK for the formats
    with pages, 1 for the rest."""
    return PAGED_FILE_WORK if ids.suffix(doc_id) in binary.SUFFIXES else 1


def split(ids: list[str], parts: int, cost: Callable[[str], int] = lambda _: 1) -> list[list[str]]:
    """Split sorted ids into parts contiguous shares of nearly equal cost, none empty.

    >>> split(["a", "b", "c", "d", "e"], 2)
    [['a', 'b', 'c'], ['d', 'e']]
    >>> split(["a.pdf", "b.pdf", "c.txt"], 2, work)
    [['a.pdf'], ['b.pdf', 'c.txt']]
    """
    sums = list(itertools.accumulate(cost(i) for i in ids))
    total = sums[-1] if sums else 0
    bounds = [0]
    for k in range(1, parts):
        # Cut after the file whose running cost first reaches k parts of the total, or before
        # it when that is nearer by more than a text file (a PDF can be most of a share).
        target = total * k / parts
        at = bisect.bisect_left(sums, target)
        if at > 0 and target - sums[at - 1] < sums[at] - target - 1:
            at -= 1
        bounds.append(min(max(at + 1, bounds[-1] + 1), len(ids) - (parts - k)))
    bounds.append(len(ids))
    return [ids[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    *,
    analyzer: Analyzer | None = None,
    swedish: Analyzer | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    progress: Progress | None = None,
    workers: int | None = None,
    memory_mb: int | None = None,
    only: Callable[[str], bool] | None = None,
    shared_abbreviations: Callable[[Definitions], Definitions] | None = None,
) -> BuildReport:
    """Rebuild the index from scratch beside the live one, check it, then switch to it.

    swedish: the analyzer of Swedish titles and bodies (default the Swedish analyzer; the
    evaluation's baseline is Snowball Swedish); workers: processes that read and index a
    share of the files each (see worker_count; default $SOTEHAKU_BUILD_WORKERS); memory_mb:
    memory for postings kept before spilling to disk, shared by the workers (default
    $SOTEHAKU_BUILD_MEMORY_MB); only: which document ids to index (a shard's), every one by
    default; shared_abbreviations: given the abbreviations this build's documents define
    (lexicon.Definitions), returns those of every document the analyzer is to know (a
    shard's build learns the other shards' too).

    Raises WriterBusy when another build or update runs, NothingIndexed when no file could
    be indexed, WorkerFailed when a worker process fails. Whatever happens, the live
    generation keeps serving until the switch.
    """
    started = time.perf_counter()
    require_seeds(seeds_dir)
    if memory_mb is None:
        memory_mb = settings.build_memory_mb()
    with writer_lock(index_dir):
        generations.remove_stale(index_dir)
        ids, unlisted = list_files(seeds_dir)
        if only is not None:
            ids = [i for i in ids if only(i)]
            unlisted = [s for s in unlisted if only(s.id)]
        count = min(worker_count(sum(map(work, ids)), workers), max(1, len(ids)))
        build_dir = generations.new_build_dir(index_dir)
        try:
            run = shares.LocalShares if count == 1 else WorkerShares
            with run(
                seeds_dir,
                build_dir,
                split(ids, count, work),
                max_bytes,
                max_seconds,
                max(1, memory_mb // count),
            ) as job:
                found = job.read(progress or _ignore)
                abbreviations: dict[str, str] = {}
                if analyzer is None:
                    definitions: Definitions = {}
                    for share in found:
                        add_definitions(definitions, share.abbreviations)
                    if shared_abbreviations is not None:
                        definitions = shared_abbreviations(definitions)
                    abbreviations = chosen_abbreviations(definitions)
                    analyzer = finnish_analyzer(abbreviations=abbreviations)
                report = BuildReport(
                    indexed=sum(share.documents for share in found),
                    skipped=unlisted + [s for share in found for s in share.skipped],
                    notes=[note for share in found for note in share.notes],
                    seconds=0.0,
                    analyzer=analyzer_name(analyzer),
                    abbreviations=abbreviations,
                )
                if not report.indexed:
                    report.seconds = time.perf_counter() - started
                    raise NothingIndexed(report)
                whoosh_index.create_in(
                    str(build_dir), make_schema(analyzer, swedish or swedish_analyzer())
                )
                job.index(report.indexed, progress or _ignore)
            join_segments(build_dir, job.dirs)
            _check(build_dir, report.indexed)
            report.seconds = time.perf_counter() - started
            generations.write_meta(build_dir, build_meta(report, seeds_dir))
            gen = generations.publish(index_dir, build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        report.generation = gen.name
        return report


def _ignore(stage: str, done: int, total: int) -> None:
    return None


def _check(build_dir: Path, expected: int) -> None:
    """Refuse to publish a generation that does not open with every document in it."""
    ix = whoosh_index.open_dir(str(build_dir))
    with ix.reader() as reader:
        count = file_count(reader)
    ix.close()
    if count != expected:
        raise RuntimeError(f"The new index holds {count} documents, expected {expected}.")


def build_meta(report: BuildReport, seeds_dir: Path) -> dict[str, Any]:
    """Return what a build's generation says of itself (its meta.json)."""
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
