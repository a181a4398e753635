"""Incremental updates: bring the live index in line with the seeds folder, in place."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents.document import Skipped
from indexer.documents.folder import list_files, require_seeds
from indexer.documents.loading import load
from indexer.store import generations, searchers
from indexer.store.lock import writer_lock
from indexer.store.schema import make_codec, make_schema
from indexer.store.units import file_count, is_sectioned
from indexer.writing.fields import document_units


@dataclass
class UpdateReport:
    """What an update changed."""

    added: list[str]
    changed: list[str]
    removed: list[str]
    skipped: list[Skipped]
    unchanged: int
    seconds: float


def update_index(
    seeds_dir: Path,
    index_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    only: Callable[[str], bool] | None = None,
) -> UpdateReport:
    """Add new files, re-index changed ones and remove deleted ones in the live generation.

    A file whose size and modification time match the index is taken as unchanged without
    being read; otherwise its content hash decides; only: which document ids the index holds
    (a shard's), every one by default. Raises WriterBusy or IndexMissing.
    """
    started = time.perf_counter()
    require_seeds(seeds_dir)
    with writer_lock(index_dir):
        gen, ix, indexed = _open_live(index_dir)
        on_disk, unlisted = list_files(seeds_dir)
        if only is not None:
            on_disk = [i for i in on_disk if only(i)]
            unlisted = [s for s in unlisted if only(s.id)]
        report = UpdateReport([], [], [], unlisted, 0, 0.0)
        with ix.writer(limitmb=128, compound=False, codec=make_codec()) as writer:
            _add_stored_fields(writer)
            for doc_id in on_disk:
                known = indexed.get(doc_id)
                if known and _same_stat(seeds_dir / doc_id, known[1], known[2]):
                    report.unchanged += 1
                    continue
                loaded = load(seeds_dir, doc_id, max_bytes=max_bytes, max_seconds=max_seconds)
                if isinstance(loaded, Skipped):
                    report.skipped.append(loaded)
                    if known:
                        _delete(writer, doc_id)
                        report.removed.append(doc_id)
                    continue
                if known and known[0] == loaded.hash:
                    report.unchanged += 1
                    continue
                # All of the file's units, its sections' as well, are replaced at once; the
                # writer's schema has the fields _add_stored_fields gave it.
                _delete(writer, doc_id)
                for unit in document_units(loaded, seeds_dir, writer.schema):
                    writer.add_document(**unit)
                (report.changed if known else report.added).append(doc_id)
            for doc_id in sorted(set(indexed) - set(on_disk)):
                _delete(writer, doc_id)
                report.removed.append(doc_id)
        report.seconds = time.perf_counter() - started
        with ix.reader() as reader:
            _record(gen, report, file_count(reader), set(on_disk))
        return report


def _open_live(index_dir: Path) -> tuple[Path, Any, dict[str, tuple[str, int, float]]]:
    """Return the live generation, its index and what it holds: id -> (hash, size, mtime).

    A damaged index fails inside Whoosh with whatever its readers meet: that is an
    IndexUnreadable, which a build mends, told apart from a failure of the update itself.
    """
    try:
        gen, ix = searchers.open_current(index_dir)
        with ix.searcher() as searcher:
            # A section's unit has no hash: its file's stands for it.
            indexed = {
                f["id"]: (f["hash"], f["size"], f["mtime"])
                for f in searcher.all_stored_fields()
                if "hash" in f
            }
    except generations.IndexMissing:
        raise
    except Exception as e:
        raise generations.IndexUnreadable(
            f"The index in {index_dir} cannot be read ({type(e).__name__}: {e}); it may be damaged."
        ) from e
    return gen, ix, indexed


def _add_stored_fields(writer: Any) -> None:
    """Give an index built by an earlier version the stored-only fields added since (a PDF's
    page starts), so that its updated documents keep them; other new fields are left out of
    its documents until a build."""
    for name, field in make_schema(writer.schema["body"].analyzer).items():
        if name not in writer.schema and not field.indexed and field.stored:
            writer.add_field(name, field)


def _delete(writer: Any, doc_id: str) -> None:
    """Delete a file's units: the file's (by its id) and its sections' (by their file)."""
    writer.delete_by_term("id", doc_id)
    if is_sectioned(writer.schema):
        writer.delete_by_term("file", doc_id)


def _same_stat(path: Path, size: int, mtime: float) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_size == size and st.st_mtime == mtime


def _record(gen: Path, report: UpdateReport, documents: int, on_disk: set[str]) -> None:
    """Keep the generation's skipped list and counts true after an update."""
    meta = generations.read_meta(gen)
    still_there = {s["id"]: s for s in meta.get("skipped", []) if s["id"] in on_disk}
    for doc_id in report.added + report.changed + report.removed:
        still_there.pop(doc_id, None)
    for s in report.skipped:
        still_there[s.id] = {"id": s.id, "reason": s.reason}
    meta["skipped"] = sorted(still_there.values(), key=lambda s: s["id"])
    meta["documents"] = documents
    meta["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    generations.write_meta(gen, meta)
