"""What the index folder tells Prometheus: documents, generation, last runs, skipped files.

These are read from the folder at each scrape rather than counted in memory: the builds and
updates that change them run in other processes (the CLI, the watcher, another gunicorn
worker), and whatever process answers /metrics must see them all alike.
"""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from indexer.documents.skip_reasons import count_kinds
from indexer.service import runs
from indexer.store import generations


class IndexCollector(Collector):
    """Gauges of one index folder, read anew at every collect()."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "sotehaku_index_up", "1 when the live index generation can be found, else 0."
        )
        meta = None
        try:
            gen = generations.current_generation(self.index_dir)
            if gen is not None:
                meta = generations.read_meta(gen)
        except (generations.IndexUnreadable, OSError, ValueError):
            # A damaged index is what monitoring is for: say so, and answer the scrape.
            gen = None
        up.add_metric([], 1 if gen is not None else 0)
        yield up
        if gen is not None and meta is not None:
            yield from _generation_metrics(gen, meta)
        yield from _run_metrics(runs.last_runs(self.index_dir))


def _generation_metrics(gen: Path, meta: dict[str, Any]) -> Iterator[Metric]:
    yield GaugeMetricFamily(
        "sotehaku_index_documents", "Documents in the live index.", meta.get("documents", 0)
    )
    info = InfoMetricFamily("sotehaku_index_generation", "The live index generation.")
    info.add_metric([], {"generation": gen.name, "analyzer": str(meta.get("analyzer", ""))})
    yield info
    for name, key, text in (
        ("built", "built_at", "When the live generation was built, as Unix time."),
        ("updated", "updated_at", "When the live generation was last updated, as Unix time."),
    ):
        if meta.get(key):
            seconds = datetime.fromisoformat(meta[key]).timestamp()
            yield GaugeMetricFamily(f"sotehaku_index_{name}_timestamp_seconds", text, seconds)
    skipped = GaugeMetricFamily(
        "sotehaku_skipped_files",
        "Files of the seeds folder the live index leaves out, by kind of reason.",
        labels=["reason"],
    )
    for kind, count in count_kinds([s["reason"] for s in meta.get("skipped", [])]).items():
        skipped.add_metric([kind], count)
    yield skipped


def _run_metrics(last: dict[str, runs.LastRun]) -> Iterator[Metric]:
    finished = GaugeMetricFamily(
        "sotehaku_last_run_timestamp_seconds",
        "When the latest build or update ended, as Unix time.",
        labels=["action"],
    )
    seconds = GaugeMetricFamily(
        "sotehaku_last_run_duration_seconds",
        "How long the latest build or update took.",
        labels=["action"],
    )
    success = GaugeMetricFamily(
        "sotehaku_last_run_success",
        "1 when the latest build or update succeeded, 0 when it failed.",
        labels=["action"],
    )
    for action, run in last.items():
        finished.add_metric([action], run.finished_at)
        seconds.add_metric([action], run.seconds)
        success.add_metric([action], 1 if run.succeeded else 0)
    yield from (finished, seconds, success)
