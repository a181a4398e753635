"""Builds and updates as the service runs them: each one logged, and its outcome kept.

The CLI, the admin page and the watcher all build and update through here, so each run gives
one JSON log line with its counts and skip reasons, and leaves its outcome in the index folder
(`.last-build.json`, `.last-update.json`), where every gunicorn worker's /metrics reads it:
a run in another process is seen as well as one in this.
"""

import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.cluster import shards
from indexer.cluster.building import ClusterNotUpdated, ShardFailed, build_cluster
from indexer.cluster.updating import update_cluster
from indexer.common import settings
from indexer.documents.document import Skipped
from indexer.documents.skip_reasons import count_kinds
from indexer.service import logs
from indexer.store import generations
from indexer.store.lock import WriterBusy
from indexer.writing.build import BuildReport, NothingIndexed, build_index
from indexer.writing.update import UpdateReport, update_index
from indexer.writing.workers import WorkerFailed

ACTIONS = ("build", "update")
# A log line stays readable with a few thousand skipped files: the counts by kind are whole,
# the list of files is cut here.
MAX_LOGGED_SKIPS = 100
# What a run can meet that is the world's doing, not a bug: logged without a traceback.
_EXPECTED = (
    NothingIndexed,
    WorkerFailed,
    ShardFailed,
    ClusterNotUpdated,
    generations.IndexMissing,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class LastRun:
    """How the latest build or update ended."""

    action: str
    succeeded: bool
    finished_at: float  # Unix time
    seconds: float
    error: str | None = None


def build(
    seeds_dir: Path,
    index_dir: Path,
    *,
    cluster: str | None = None,
    shards: int | None = None,
    **options: Any,
) -> BuildReport:
    """Run build_index (same arguments), or with a cluster's address build `shards` shards on
    it (cluster.building), log it and record its outcome."""
    started = time.perf_counter()
    try:
        if cluster is None:
            report = build_index(seeds_dir, index_dir, **options)
        else:
            options.pop("progress", None)
            report = build_cluster(
                seeds_dir,
                index_dir,
                address=cluster,
                shards_count=shards or settings.shards(),
                **options,
            )
    except BaseException as e:
        _failed("build", index_dir, started, e, _report_fields(e))
        raise
    _succeeded(
        "build",
        index_dir,
        report.seconds,
        f"Built the index: {report.indexed} documents, {len(report.skipped)} skipped",
        documents=report.indexed,
        generation=report.generation,
        analyzer=report.analyzer,
        **_skip_fields(report.skipped),
    )
    return report


def _update(seeds_dir: Path, index_dir: Path, options: dict[str, Any]) -> UpdateReport:
    """Run update_index, or on a cluster's index update every shard on the cluster."""
    gen = generations.current_generation(index_dir)
    if gen is None or not shards.shard_count(gen):
        return update_index(seeds_dir, index_dir, **options)
    address = settings.cluster()
    if address is None:
        raise ClusterNotUpdated(
            f"The index in {index_dir} is a cluster's shards: set SOTEHAKU_CLUSTER to the"
            " cluster's address to update them."
        )
    return update_cluster(seeds_dir, index_dir, address=address, **options)


def update(seeds_dir: Path, index_dir: Path, **options: Any) -> UpdateReport:
    """Run update_index (same arguments), log it and record its outcome."""
    started = time.perf_counter()
    try:
        report = _update(seeds_dir, index_dir, options)
    except BaseException as e:
        _failed("update", index_dir, started, e, {})
        raise
    _succeeded(
        "update",
        index_dir,
        report.seconds,
        f"Updated the index: {len(report.added)} added, {len(report.changed)} changed,"
        f" {len(report.removed)} removed",
        added=len(report.added),
        changed=len(report.changed),
        removed=len(report.removed),
        unchanged=report.unchanged,
        documents=generations.live_meta(index_dir).get("documents"),
        **_skip_fields(report.skipped),
    )
    return report


def last_runs(index_dir: Path) -> dict[str, LastRun]:
    """Return how the latest build and update of the index folder ended, those on record."""
    runs = {}
    for action in ACTIONS:
        try:
            data = json.loads(_record_path(index_dir, action).read_text(encoding="utf-8"))
            runs[action] = LastRun(**data)
        except (OSError, ValueError, TypeError):
            continue
    return runs


def _succeeded(action: str, index_dir: Path, seconds: float, message: str, **fields: Any) -> None:
    _record(index_dir, LastRun(action, True, time.time(), seconds))
    logs.event(action, message, action=action, outcome="succeeded", seconds=seconds, **fields)


def _failed(
    action: str, index_dir: Path, started: float, error: BaseException, fields: dict[str, Any]
) -> None:
    seconds = time.perf_counter() - started
    if isinstance(error, WriterBusy):
        # Nothing ran: the run that holds the lock will record its own outcome.
        logs.event(action, str(error), action=action, outcome="busy")
        return
    if not isinstance(error, Exception):
        # Ctrl-C or SIGTERM: the live index is as it was, and nothing failed.
        logs.event(action, "Stopped before it finished", action=action, outcome="interrupted")
        return
    name = type(error).__name__
    _record(index_dir, LastRun(action, False, time.time(), seconds, name))
    logging.getLogger(f"{logs.EVENTS}.{action}").error(
        "The %s failed: %s",
        action,
        error,
        exc_info=None if isinstance(error, _EXPECTED) else error,
        extra={
            "fields": {
                "action": action,
                "outcome": "failed",
                "seconds": seconds,
                "error": name,
                **fields,
            }
        },
    )


def _report_fields(error: BaseException) -> dict[str, Any]:
    """Return the skip reasons of a build that indexed nothing, which say why."""
    return _skip_fields(error.report.skipped) if isinstance(error, NothingIndexed) else {}


def _skip_fields(skipped: list[Skipped]) -> dict[str, Any]:
    return {
        "skipped": len(skipped),
        "skipped_by_reason": count_kinds([s.reason for s in skipped]),
        "skipped_files": [{"id": s.id, "reason": s.reason} for s in skipped[:MAX_LOGGED_SKIPS]],
    }


def _record_path(index_dir: Path, action: str) -> Path:
    return index_dir / f".last-{action}.json"


def _record(index_dir: Path, run: LastRun) -> None:
    """Keep a run's outcome, replacing the file atomically; a failure to write is logged."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        path = _record_path(index_dir, run.action)
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(run.__dict__), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        # The run itself is what matters: its outcome not showing in /metrics must not fail it.
        logging.getLogger(logs.EVENTS).warning("Could not record the %s: %s", run.action, e)
