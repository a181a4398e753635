"""Sharded builds: each shard built as a Ray task with the single-machine build, the shards'
term statistics merged, and the generation published only when every shard is complete."""

import shutil
import time
from pathlib import Path
from typing import Any

from indexer.analysis.lexicon import Definitions, add_definitions
from indexer.cluster import connect, shards, statistics
from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents.folder import require_seeds
from indexer.store import generations
from indexer.store.lock import writer_lock
from indexer.writing.build import BuildReport, build_index, build_meta
from indexer.writing.workers import WorkerFailed


class ShardFailed(WorkerFailed):
    """A shard's build task failed or was killed; the live generation was left as it was. A
    kind of WorkerFailed: a worker of the build, on another machine."""


class ClusterNotUpdated(Exception):
    """An update asked of a cluster's index without the cluster's address.

    Not a kind of IndexMissing, which the folder watcher mends with a single-machine build.
    """


class Abbreviations:
    """The abbreviations every shard's documents define, handed to each shard's build once all
    have read their files (a Ray actor's class): one index learns them from all documents, and
    they change how words are analysed, so each shard must know them all."""

    def __init__(self, shards: int) -> None:
        import asyncio

        self.parts: dict[int, Definitions] = {}
        self.shards = shards
        self.complete = asyncio.Event()

    async def union(self, shard: int, found: Definitions) -> Definitions:
        """Add a shard's abbreviations; return all shards' once every shard has added its
        (the counts summed: each shard's build then chooses the long forms one index would)."""
        self.parts[shard] = found
        if len(self.parts) == self.shards:
            self.complete.set()
        await self.complete.wait()
        merged: Definitions = {}
        for k in sorted(self.parts):
            add_definitions(merged, self.parts[k])
        return merged


def build_shard(
    seeds_dir: str,
    shard_dir: str,
    shard: int,
    count: int,
    max_bytes: int,
    max_seconds: float,
    abbreviations: Any,
) -> tuple[BuildReport, statistics.Statistics]:
    """Build one shard's index folder (a Ray task's body) and return its report and counts."""
    import ray

    def shared(found: Definitions) -> Definitions:
        # Waiting in ray.get gives the task's CPU back, so the other shards' tasks can run
        # on a cluster of fewer cores than shards.
        return ray.get(abbreviations.union.remote(shard, found))

    folder = Path(shard_dir)
    report = build_index(
        Path(seeds_dir),
        folder,
        max_bytes=max_bytes,
        max_seconds=max_seconds,
        # The task has one CPU of the node: worker processes would take the others'.
        workers=1,
        only=shards.Selector(shard, count),
        shared_abbreviations=shared,
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
        # Waiting shards hold one of its calls each.
        exchange = ray.remote(Abbreviations).options(num_cpus=0, max_concurrency=shards_count + 1)
        abbreviations = exchange.remote(shards_count)
        try:
            refs = [
                task.remote(
                    str(seeds_dir.absolute()),
                    str(shards.shard_dir(build_dir, k)),
                    k,
                    shards_count,
                    max_bytes,
                    max_seconds,
                    abbreviations,
                )
                for k in range(shards_count)
            ]
            results = shard_results(ray, refs, "built")
            report = _joined([r for r, _ in results], time.perf_counter() - started)
            statistics.save(build_dir, statistics.merged([s for _, s in results]))
            meta = {**build_meta(report, seeds_dir), shards.SHARDS_KEY: shards_count}
            generations.write_meta(build_dir, meta)
            gen = generations.publish(index_dir, build_dir, remove_old=False)
        except BaseException:
            # Shards waiting for a failed one's abbreviations fail with it.
            ray.kill(abbreviations)
            for ref in refs:
                ray.cancel(ref, force=True)
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        ray.kill(abbreviations)
    report.generation = gen.name
    return report


def shard_results(ray: Any, refs: list[Any], done: str) -> list[Any]:
    """Return every shard task's result, raising ShardFailed as soon as any shard fails (the
    others may be waiting for it); `done` says what the task did ("built", "updated")."""
    pending = {ref: k for k, ref in enumerate(refs)}
    results = {}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            k = pending.pop(ref)
            results[k] = _result(ray, k, ref, done)
    return [results[k] for k in range(len(refs))]


def _result(ray: Any, shard: int, ref: Any, done: str) -> Any:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as e:
        cause = e.cause if isinstance(e, ray.exceptions.RayTaskError) else e
        raise ShardFailed(
            f"Shard {shard} could not be {done} ({type(cause).__name__}: {cause}); "
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
