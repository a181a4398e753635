"""The cluster benchmark: the same news rows as one index and as shards with replicas on a
local Ray cluster, in one run: build times, query times through search(), top-10 agreement
and score differences, a node killed under load and a rebuild under load.

  python -m bench.benchmark cluster --corpus ../shared/corpus/fi-news.csv.gz --docs 20000 \\
      --shards 4 --replicas 2 --nodes 3
"""

import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from indexer.cluster import features, merging, placement
from indexer.cluster import statistics as statistics_file
from indexer.cluster.building import build_cluster
from indexer.cluster.coordinator import coordinator
from indexer.common.deadline import time_limit
from indexer.search.filters import Filters
from indexer.search.searching import HARD_SECONDS, prepare, rank, search
from indexer.store import generations, searchers
from indexer.writing.build import build_index

# Rows added for the rebuild under load: its answers must have the old total or the new one.
REBUILD_EXTRA_ROWS = 200


def single_top(index_dir: Path, text: str, keep: int) -> list[tuple[str, float]]:
    """Return (file id, unrounded score) of one index's first `keep` hits."""
    with searchers.live_searcher(index_dir) as (_, searcher):
        filters = Filters()
        prepared = prepare(searcher, filters, "relevance", False)
        with time_limit(HARD_SECONDS):
            found = rank(
                searcher,
                text,
                prepared,
                keep=keep,
                filters=filters,
                sort="relevance",
                with_facets=False,
                suggest=False,
            )
        units = [(searcher.stored_fields(d), score) for score, d in found.ranked]
    # A section's hit is its file's.
    return [((f.get("section") or {}).get("file", f["id"]), score) for f, score in units]


def cluster_top(index_dir: Path, text: str, keep: int) -> list[tuple[str, float]]:
    """Return (file id, unrounded score) of a cluster's first `keep` hits."""
    coord = coordinator(index_dir)
    gen = coord.live()
    answers = features.rank_all(coord, gen, text, (keep, Filters(), "relevance", False, False))
    chosen = merging.best(answers, "relevance", keep)
    hits = features.hits_of(coord, gen, answers, text, answers[0].mode, chosen)
    return [(hit.id, score) for hit, (_, score, _) in zip(hits, chosen, strict=True)]


def ordered(top: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Return hits by score, equal scores by id: the order two indexes agree on."""
    return sorted(top, key=lambda item: (-round(item[1], 9), item[0]))


class Load(threading.Thread):
    """Run one query after another until stopped; count failures and the totals seen."""

    def __init__(self, index_dir: Path, queries: tuple[str, ...]) -> None:
        super().__init__(daemon=True)
        self.index_dir, self.queries = index_dir, queries
        self.done = 0
        self.failed: list[str] = []
        self.totals: list[tuple[str, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        i = 0
        while not self.stopped.is_set():
            text = self.queries[i % len(self.queries)]
            i += 1
            try:
                self.totals.append((text, features.search(self.index_dir, text).total))
                self.done += 1
            except Exception as e:
                self.failed.append(f"{type(e).__name__}: {e}")

    def stop(self) -> None:
        self.stopped.set()
        self.join(60)


def _ms(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1)


def _timed(
    runs: tuple[Any, Any], queries: tuple[str, ...], rounds: int
) -> tuple[list[float], list[float]]:
    """Time two ways of running the queries after a warm-up round: each query by both, one
    after the other, the first of them in turn, so that a busy moment of the shared machine
    falls on both alike (timed one way after the other, four runs gave 1.2x-2.3x)."""
    for q in queries:
        for run in runs:
            run(q)
    timings: tuple[list[float], list[float]] = ([], [])
    for n in range(rounds):
        for q in queries:
            for which in (n % 2, 1 - n % 2):
                started = time.perf_counter()
                runs[which](q)
                timings[which].append(time.perf_counter() - started)
    return timings


def cluster_benchmark(
    corpus: Path, docs: int, shards: int, replicas: int, nodes: int, rounds: int
) -> dict[str, Any]:
    """Run the benchmark, print its figures and return the final JSON line's values."""
    from bench.benchmark import QUERIES, write_seeds
    from tests.ray_cluster import local_cluster, node_args

    with tempfile.TemporaryDirectory(prefix="sotehaku-cluster-") as tmp:
        work = Path(tmp)
        seeds = work / "seeds"
        written = write_seeds(corpus, seeds, docs)
        print(f"{written} news rows, {shards} shards x {replicas} replicas on {nodes} nodes")
        started = time.perf_counter()
        one = build_index(seeds, work / "single")
        single_s = time.perf_counter() - started
        with local_cluster(nodes, shards) as cluster:
            os.environ["SOTEHAKU_CLUSTER"] = cluster.address
            os.environ["SOTEHAKU_REPLICAS"] = str(replicas)
            index_dir = work / "cluster"
            started = time.perf_counter()
            many = build_cluster(seeds, index_dir, address=cluster.address, shards_count=shards)
            cluster_s = time.perf_counter() - started
            # A file skipped by one build only (its reading timed out on a busy machine)
            # makes every score differ a little.
            print(
                f"indexed: one index {one.indexed} ({len(one.skipped)} skipped),"
                f" shards {many.indexed} ({len(many.skipped)} skipped)"
            )
            print(
                f"build: one index {single_s:.1f} s, {shards} shards as Ray tasks {cluster_s:.1f} s"
            )
            started = time.perf_counter()
            coordinator(index_dir).live()
            print(f"replicas started and opened in {time.perf_counter() - started:.1f} s")
            figures = _compare(work / "single", index_dir, QUERIES, rounds)
            _sizes(work / "single", index_dir, shards)
            figures.update(_http(work / "single", index_dir, seeds))
            figures.update(_kill(cluster, index_dir, QUERIES, node_args(shards)))
            figures.update(_rebuild(corpus, seeds, index_dir, cluster.address, written, shards))
            import ray

            placement.stop(ray, index_dir.absolute(), shards, replicas)
    print(json.dumps(figures))
    return figures


def _compare(
    single: Path, index_dir: Path, queries: tuple[str, ...], rounds: int
) -> dict[str, Any]:
    agree, diff, worst = 0, 0.0, ""
    for q in queries:
        expected = ordered(single_top(single, q, 20))[:10]
        found = ordered(cluster_top(index_dir, q, 20))[:10]
        agree += [i for i, _ in found] == [i for i, _ in expected]
        if [i for i, _ in found] != [i for i, _ in expected]:
            print(f"  {q!r}: one index {expected}\n  {' ' * len(repr(q))}  cluster {found}")
        differences = [abs(a - b) for (_, a), (_, b) in zip(found, expected, strict=False)]
        if differences and max(differences) > diff:
            diff, worst = max(differences), q
    one, many = _timed(
        (lambda q: search(single, q), lambda q: features.search(index_dir, q)), queries, rounds
    )
    print(
        f"search(), {len(queries)} queries x {rounds}: one index p50 {_ms(one, 50)} ms"
        f" p95 {_ms(one, 95)} ms; cluster p50 {_ms(many, 50)} ms p95 {_ms(many, 95)} ms"
    )
    print(
        f"top 10 equal to one index's: {agree}/{len(queries)}; max score difference {diff:.3g}"
        + (f" ({worst!r})" if worst else "")
    )
    return {
        "top10_agreement": round(agree / len(queries), 4),
        "max_score_diff": diff,
        "p95_ms": _ms(many, 95),
        "single_p95_ms": _ms(one, 95),
        "p50_ms": _ms(many, 50),
        "single_p50_ms": _ms(one, 50),
    }


def _http(single: Path, index_dir: Path, seeds: Path) -> dict[str, Any]:
    """Serve each index with gunicorn (2 workers, each a coordinator attached after its fork)
    and search it over HTTP from 2 clients for 10 s."""
    from bench.benchmark import _http_load_apart
    from tests.server import gunicorn

    figures: dict[str, Any] = {}
    # An empty address is one machine's: the server of the single index runs without Ray.
    for name, folder, address in (
        ("single", single, ""),
        ("cluster", index_dir, os.environ["SOTEHAKU_CLUSTER"]),
    ):
        with gunicorn(folder, seeds, extra_env={"SOTEHAKU_CLUSTER": address}) as url:
            _http_load_apart(url, 1, 2.0)
            answers, latencies, errors, seconds = _http_load_apart(url, 2, 10.0)
        print(
            f"HTTP {name}: {answers / seconds:.0f} answers/s, p50 {_ms(latencies, 50)} ms,"
            f" p95 {_ms(latencies, 95)} ms, {len(errors)} errors"
        )
        figures[f"http_{name}_p95_ms"] = _ms(latencies, 95)
    return figures


def _sizes(single: Path, index_dir: Path, shards: int) -> None:
    """Print the memory of each replica after the queries, and the sizes on disk."""
    import ray

    coord = coordinator(index_dir)
    memory = ray.get([h.memory_mb.remote() for replicas in coord.replicas for h in replicas])
    gen = generations.require_generation(index_dir)
    stats = statistics_file.load(gen)
    print(
        f"replica memory {min(memory)}-{max(memory)} MB; index on disk: one"
        f" {generations.folder_bytes(generations.require_generation(single)) / 2**20:.0f} MB,"
        f" shards {generations.folder_bytes(gen) / 2**20:.0f} MB; whole-corpus statistics"
        f" {stats.terms()} terms, {(gen / statistics_file.FILE).stat().st_size / 2**20:.1f} MB"
    )


def _kill(cluster: Any, index_dir: Path, queries: tuple[str, ...], args: dict) -> dict[str, Any]:
    """Kill a node holding replicas while two clients search; time until all answer again."""
    import ray

    coord = coordinator(index_dir)
    handles = [h for replicas in coord.replicas for h in replicas]
    where = ray.get([h.node.remote() for h in handles])
    lost = next(node for node in cluster.worker_nodes if node.node_id in where)
    loads = [Load(index_dir, queries) for _ in range(2)]
    for load in loads:
        load.start()
    time.sleep(2)
    cluster.remove_node(lost, allow_graceful=False)
    killed = time.monotonic()
    while True:
        try:
            where = ray.get([h.node.remote() for h in handles], timeout=5)
            if lost.node_id not in where:
                break
        except ray.exceptions.RayError:
            pass
        time.sleep(0.2)
    recovered = time.monotonic() - killed
    time.sleep(2)
    for load in loads:
        load.stop()
    failed = sum(len(load.failed) for load in loads)
    done = sum(load.done for load in loads)
    print(
        f"node killed under load: {failed} of {done + failed} searches failed;"
        f" every replica answering again after {recovered:.1f} s"
    )
    for load in loads:
        for message in load.failed[:3]:
            print("  failed:", message)
    cluster.add_node(**args)
    return {"failed_during_kill": failed, "recovered_s": round(recovered, 1)}


def _rebuild(
    corpus: Path, seeds: Path, index_dir: Path, address: str, written: int, shards: int
) -> dict[str, Any]:
    """Rebuild with more rows while two clients search: no failure, no total in between."""
    from bench.benchmark import write_seeds

    queries = ("hallitus", "sote", "kunta")
    before = {q: features.search(index_dir, q).total for q in queries}
    write_seeds(corpus, seeds, written + REBUILD_EXTRA_ROWS)
    loads = [Load(index_dir, queries) for _ in range(2)]
    for load in loads:
        load.start()
    started = time.perf_counter()
    build_cluster(seeds, index_dir, address=address, shards_count=shards)
    seconds = time.perf_counter() - started
    # The new totals once the coordinator has rolled the new generation out (a client's
    # request may be rolling it while another is answered from the old one).
    coord = coordinator(index_dir)
    while coord.live() != generations.require_generation(index_dir).name:
        time.sleep(0.1)
    after = {q: features.search(index_dir, q).total for q in queries}
    time.sleep(1)
    for load in loads:
        load.stop()
    failed = sum(len(load.failed) for load in loads)
    seen = [item for load in loads for item in load.totals]
    mixed = sum(total not in (before[q], after[q]) for q, total in seen)
    print(
        f"rebuild under load ({seconds:.1f} s): {failed} failed, {mixed} of {len(seen)}"
        " answers neither the old generation's total nor the new one's"
    )
    for load in loads:
        for message in load.failed[:3]:
            print("  failed:", message)
    return {"failed_during_rebuild": failed, "mixed_generations": mixed}
