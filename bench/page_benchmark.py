"""What the search page adds to a query, measured: facets, date order, did you mean, and the
suggestions while typing.

  python -m bench.page_benchmark --corpus ../shared/corpus/fi-news.csv.gz --docs 100000

The corpus's rows are written as files in SOURCES folders (so the source facet has values),
indexed, and then each measure is printed as median and 95th percentile over rounds.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.benchmark import QUERIES, write_seeds
from indexer.search import facets, suggestions
from indexer.search.filters import Filters
from indexer.search.searching import search
from indexer.store import searchers
from indexer.writing.build import build_index

SOURCES = 20
PREFIXES = ("ra", "rahoi", "so", "sote", "hal", "kunta", "minis", "suomen", "helsingin s", "x")
MISSPELT = ("rahoitusmali", "hallitsu", "helsingn", "sairaalla", "kunnnat")


def _percentiles(timings_ms: list[float]) -> str:
    timings_ms = sorted(timings_ms)
    p95 = timings_ms[min(len(timings_ms) - 1, round(0.95 * (len(timings_ms) - 1)))]
    return f"p50 {statistics.median(timings_ms):7.3f} ms   p95 {p95:7.3f} ms"


def _time(run: Callable[[], object], rounds: int) -> list[float]:
    run()
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def write_sourced_seeds(corpus: Path, seeds_dir: Path, docs: int) -> int:
    """Write the corpus's rows as files spread over SOURCES folders; return how many."""
    flat = seeds_dir.with_name(seeds_dir.name + "-flat")
    written = write_seeds(corpus, flat, docs)
    for n, path in enumerate(sorted(flat.iterdir())):
        folder = seeds_dir / f"lahde-{n % SOURCES:02}"
        folder.mkdir(parents=True, exist_ok=True)
        path.rename(folder / path.name)
    flat.rmdir()
    return written


def page_benchmark(corpus: Path, docs: int, rounds: int, index: Path | None = None) -> None:
    """Build (or reuse) an index of the corpus's first rows and print each measure."""
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = index
        if index_dir is None:
            seeds = Path(tmp) / "seeds"
            written = write_sourced_seeds(corpus, seeds, docs)
            index_dir = Path(tmp) / "index"
            build_index(seeds, index_dir)
            print(f"Corpus: {written} documents from {corpus} in {SOURCES} source folders.")
        _measure(index_dir, rounds)


def _measure(index_dir: Path, rounds: int) -> None:
    with searchers.live_searcher(index_dir) as (_, searcher):
        started = time.perf_counter()
        facets.columns(searcher)
        columns_s = time.perf_counter() - started
    print(f"Facet columns read once per generation: {columns_s:.2f} s")
    started = time.perf_counter()
    suggestions.suggest(index_dir, "ra", wait=True)
    print(f"Suggestion lists read once per generation: {time.perf_counter() - started:.2f} s")
    print(f"{len(QUERIES)} queries x {rounds} rounds, top 10 with snippets:")
    variants = {
        "plain search()": {},
        "with facets": {"with_facets": True},
        "facets + did you mean": {"with_facets": True, "suggest": True},
        "facets + newest first": {"with_facets": True, "sort": "newest"},
        "facets + year filter": {
            "with_facets": True,
            "filters": Filters(year=frozenset({"2019"})),
        },
    }
    for name, options in variants.items():
        timings: list[float] = []
        for q in QUERIES:
            timings += _time(lambda q=q, o=options: search(index_dir, q, **o), rounds)
        print(f"  {name:24} {_percentiles(timings)}")
    timings = []
    for q in MISSPELT:
        timings += _time(lambda q=q: search(index_dir, q, with_facets=True, suggest=True), rounds)
    print(f"  {'misspelt, did you mean':24} {_percentiles(timings)}")
    print(f"Suggestions, {len(PREFIXES)} prefixes x {rounds * 10} rounds:")
    timings = []
    for prefix in PREFIXES:
        timings += _time(lambda p=prefix: suggestions.suggest(index_dir, p), rounds * 10)
    print(f"  {'/api/suggest lookup':24} {_percentiles(timings)}   max {max(timings):.3f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.page_benchmark",
        description=__doc__,
        # The description's examples are one a line, as written.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", type=Path, required=True, help="CSV.gz: date,title,lead,id")
    parser.add_argument("--docs", type=int, default=100_000, help="How many rows to index.")
    parser.add_argument("--rounds", type=int, default=5, help="Timed rounds of each measure.")
    parser.add_argument("--index", type=Path, help="An index already built, to reuse.")
    args = parser.parse_args(argv)
    page_benchmark(args.corpus, args.docs, args.rounds, args.index)


if __name__ == "__main__":
    main()
