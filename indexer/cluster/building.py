"""Sharded builds: each shard built as a Ray task with the single-machine build, the shards'
term statistics merged, and the generation published only when every shard is complete."""

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.cluster import connect, shards, statistics
from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents.folder import require_seeds
from indexer.store import generations
from indexer.store.lock import writer_lock
from indexer.writing.build import BuildReport, build_index


class ShardFailed(Exception):
    """A shard's build task failed or was killed; the live generation was left as it was."""


def build_shard(
    seeds_dir: str, shard_dir: str, shard: int, count: int, max_bytes: int, max_seconds: float
) -> tuple[BuildReport, statistics.Statistics]:
    """Build one shard's index folder (a Ray task's body) and return its report and counts."""
    folder = Path(shard_dir)
    report = build_index(
        Path(seeds_dir),
        folder,
        max_bytes=max_bytes,
        max_seconds=max_seconds,
        # The task has one CPU of the node: worker processes would take the others'.
        workers=1,
        only=shards.Selector(shard, count),
    )
    return report, statistics.of_index(folder)


def build_cluster(
    seeds_dir: Path,
    index_dir: Path,
    *,
    address: str,
    shards_count: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    **_ignored: Any,
) -> BuildReport:
    """Build the seeds into shards_count shards as tasks on the Ray cluster at `address`.

    The seeds folder and the index folder must be the same paths on every node that runs a
    task (a shared volume; docs/cluster.md). Raises ShardFailed when a shard's task fails,
    WriterBusy when another build runs; the live generation keeps serving until the switch.
    """
    started = time.perf_counter()
    require_seeds(seeds_dir)
    ray = connect.attach(address)
    # No retry: a shard half-written by a task that died is not trusted; the build fails.
    task = ray.remote(num_cpus=1, max_retries=0)(build_shard)
    with writer_lock(index_dir):
        generations.remove_stale(index_dir)
        build_dir = generations.new_build_dir(index_dir).absolute()
        refs = []
        try:
            refs = [
                task.remote(
                    str(seeds_dir.absolute()),
                    str(shards.shard_dir(build_dir, k)),
                    k,
                    shards_count,
                    max_bytes,
                    max_seconds,
                )
                for k in range(shards_count)
            ]
            results = [_result(ray, k, ref) for k, ref in enumerate(refs)]
            report = _joined([r for r, _ in results], time.perf_counter() - started)
            statistics.save(build_dir, statistics.merged([s for _, s in results]))
            generations.write_meta(build_dir, _meta(report, seeds_dir, shards_count))
            gen = generations.publish(index_dir, build_dir, remove_old=False)
        except BaseException:
            for ref in refs:
                ray.cancel(ref, force=True)
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
    report.generation = gen.name
    return report


def _result(ray: Any, shard: int, ref: Any) -> tuple[BuildReport, statistics.Statistics]:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as e:
        cause = e.cause if isinstance(e, ray.exceptions.RayTaskError) else e
        raise ShardFailed(
            f"Shard {shard} could not be built ({type(cause).__name__}: {cause}); "
            "the live index was left unchanged."
        ) from None


def _joined(reports: list[BuildReport], seconds: float) -> BuildReport:
    abbreviations: dict[str, str] = {}
    for report in reports:
        abbreviations.update(report.abbreviations)
    return BuildReport(
        indexed=sum(r.indexed for r in reports),
        skipped=[s for r in reports for s in r.skipped],
        notes=[n for r in reports for n in r.notes],
        seconds=seconds,
        analyzer=reports[0].analyzer,
        abbreviations=abbreviations,
    )


def _meta(report: BuildReport, seeds_dir: Path, count: int) -> dict[str, Any]:
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
        shards.SHARDS_KEY: count,
    }
