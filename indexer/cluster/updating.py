"""Updates of a cluster's index: each shard updated in place as a Ray task, in a copy of the
live generation made of hard links, its statistics merged again, then switched to as a
build's generation is.

A copy, not the live shards: the replicas keep serving the live generation's files while the
shards change, and switch to the update's generation only once every replica has it open.
Whoosh writes an update's segments and table of contents as new files and deletes the old
ones, so hard links share every file the update leaves alone.
"""

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.cluster import connect, shards, statistics
from indexer.cluster.building import shard_results
from indexer.common.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS
from indexer.documents.folder import require_seeds
from indexer.store import generations
from indexer.store.lock import LOCK_NAME, writer_lock
from indexer.writing.update import UpdateReport, update_index


def update_shard(
    seeds_dir: str, shard_dir: str, shard: int, count: int, max_bytes: int, max_seconds: float
) -> tuple[UpdateReport, statistics.Statistics]:
    """Update one shard's index folder (a Ray task's body); return its report and counts."""
    folder = Path(shard_dir)
    report = update_index(
        Path(seeds_dir),
        folder,
        max_bytes=max_bytes,
        max_seconds=max_seconds,
        only=shards.Selector(shard, count),
    )
    return report, statistics.of_index(folder)


def update_cluster(
    seeds_dir: Path,
    index_dir: Path,
    *,
    address: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    **_ignored: Any,
) -> UpdateReport:
    """Update every shard of a cluster's live generation from the seeds folder into a new
    generation, and switch to it. Raises ShardFailed when a shard's task fails, WriterBusy
    when another build or update runs; the live generation keeps serving until the switch.
    """
    started = time.perf_counter()
    require_seeds(seeds_dir)
    ray = connect.attach(address)
    task = ray.remote(num_cpus=1, max_retries=0)(update_shard)
    with writer_lock(index_dir):
        generations.remove_stale(index_dir)
        live = generations.require_generation(index_dir)
        count = shards.shard_count(live)
        if count is None:
            raise generations.IndexUnreadable(f"The index in {index_dir} is not a cluster's.")
        build_dir = generations.new_build_dir(index_dir).absolute()
        refs: list[Any] = []
        try:
            # Each shard's writer lock is a file of its own: a linked one would lock the live
            # shard's too.
            shutil.copytree(
                live,
                build_dir,
                copy_function=os.link,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(LOCK_NAME),
            )
            args = (str(seeds_dir.absolute()), max_bytes, max_seconds)
            refs = [
                task.remote(args[0], str(shards.shard_dir(build_dir, k)), k, count, *args[1:])
                for k in range(count)
            ]
            results = shard_results(ray, refs, "updated")
            report = UpdateReport(
                added=sorted(a for r, _ in results for a in r.added),
                changed=sorted(c for r, _ in results for c in r.changed),
                removed=sorted(d for r, _ in results for d in r.removed),
                skipped=[s for r, _ in results for s in r.skipped],
                unchanged=sum(r.unchanged for r, _ in results),
                seconds=time.perf_counter() - started,
            )
            # A new file, not the live generation's through the link.
            (build_dir / statistics.FILE).unlink()
            statistics.save(build_dir, statistics.merged([s for _, s in results]))
            meta = generations.read_meta(live)
            meta["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            meta["documents"] = sum(
                generations.live_meta(shards.shard_dir(build_dir, k)).get("documents", 0)
                for k in range(count)
            )
            generations.write_meta(build_dir, meta)
            generations.publish(index_dir, build_dir, remove_old=False)
        except BaseException:
            for ref in refs:
                ray.cancel(ref, force=True)
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
    return report
