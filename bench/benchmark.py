"""Benchmarks over a CSV news corpus: analysis, build, search during a rebuild, incremental
update, hostile queries; and of reading PDFs and scans made up for the run.

Examples:
  python -m bench.benchmark analyse --corpus ../shared/corpus/fi-news.csv.gz --docs 20000
  python -m bench.benchmark lifecycle --corpus ../shared/corpus/fi-news.csv.gz --docs 20000
  python -m bench.benchmark rebuild --corpus ../shared/corpus/fi-news.csv.gz --docs 20000
  python -m bench.benchmark search --corpus ../shared/corpus/fi-news.csv.gz --docs 100000
  python -m bench.benchmark search --corpus ../shared/corpus/fi-news.csv.gz --long 300
  python -m bench.benchmark hostile --corpus ../shared/corpus/fi-news.csv.gz --docs 100000
  python -m bench.benchmark extract
  python -m bench.benchmark cluster --corpus ../shared/corpus/fi-news.csv.gz --docs 20000

The corpus is copied into a temporary folder, never into the project.
"""

import argparse
import collections
import csv
import gzip
import http.client
import itertools
import json
import multiprocessing
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    PyStemmerFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

from bench import hostile_load
from bench.evaluate import Scores, Section, format_table
from bench.extract import extract_benchmark
from indexer.analysis.analyzers import (
    analyzer_name,
    finnish_analyzer,
    morphology_of,
    snowball_analyzer,
)
from indexer.search.query import QueryError
from indexer.search.searching import search
from indexer.search.suggestions import suggest
from indexer.store import generations
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent


# A long document is this many consecutive leads joined, about 12,000 words.
LEADS_PER_LONG_DOC = 300


def write_seeds(corpus: Path, seeds_dir: Path, docs: int, *, long: bool = False) -> int:
    """Write the corpus's first rows (date,title,lead,id) as text files; return how many.

    With long=True each file is the title of one row and the leads of LEADS_PER_LONG_DOC rows.
    """
    seeds_dir.mkdir(parents=True, exist_ok=True)
    per_doc = LEADS_PER_LONG_DOC if long else 1
    written = 0
    with gzip.open(corpus, "rt", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        while written < docs:
            batch = [row for _, row in zip(range(per_doc), rows, strict=False)]
            if len(batch) < per_doc:
                break
            first = batch[0]
            year, month, day = first["date"].split("-")
            leads = "\n\n".join(row["lead"] for row in batch)
            text = f"{first['title']}\n\n{int(day)}.{int(month)}.{year}\n\n{leads}\n"
            (seeds_dir / f"{written:06d}_{first['id']}.txt").write_text(text, encoding="utf-8")
            written += 1
    return written


def read_news(path: Path, rows: int) -> list[str]:
    """Return "title lead" of the first rows of a news CSV (date,title,lead,id)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as lines:
        reader = csv.DictReader(lines)
        return [f"{row['title']}\n{row['lead']}" for row in itertools.islice(reader, rows)]


def clear_cache(analyzer: Analyzer) -> None:
    """Forget the word forms the analyzer's configuration has analysed, so that a benchmark
    measures a build from scratch."""
    morphology = morphology_of(analyzer)
    if morphology is not None:
        morphology.cache.clear()


def benchmark_seconds(texts: list[str], make_analyzer: Callable[[], Analyzer]) -> Scores:
    """Time analysing the texts (index mode) and indexing them, each from an empty cache."""
    analyzer = make_analyzer()
    clear_cache(analyzer)
    start = time.perf_counter()
    for text in texts:
        for _ in analyzer(text, mode="index", positions=True, chars=True, boosts=True):
            pass
    analysed = time.perf_counter() - start
    analyzer = make_analyzer()
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=analyzer, stored=True))
    with tempfile.TemporaryDirectory() as tmp:
        clear_cache(analyzer)
        start = time.perf_counter()
        ix = whoosh_index.create_in(tmp, schema)
        with ix.writer() as writer:
            for number, text in enumerate(texts):
                writer.add_document(id=str(number), body=text)
        indexed = time.perf_counter() - start
    return {"analyse s": analysed, "index s": indexed}


def analyse(corpus: Path, docs: int) -> None:
    """Print the time to analyse and to index news titles and leads: the Snowball-only
    baseline and the default analyzer side by side, with the ratio."""
    texts = read_news(corpus, docs)
    makers = (snowball_analyzer, finnish_analyzer)
    base, real = (benchmark_seconds(texts, make) for make in makers)
    rows = {m: [base[m], real[m]] for m in base}
    rows.update({f"{m} ratio": [1.0, real[m] / base[m]] for m in base})
    names = [analyzer_name(make()) for make in makers]
    print(format_table(names, [Section(f"benchmark ({len(texts)} news titles+leads)", rows)]))


def naive_analyzer() -> Analyzer:
    """Return the analysis a new user of Whoosh would pick for Finnish: the baseline to beat."""
    return RegexTokenizer() | LowercaseFilter() | StopFilter(lang="fi") | PyStemmerFilter("finnish")


def naive_schema() -> Schema:
    """Return the baseline's schema: title and body with its analyzer, both stored."""
    analyzer = naive_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
    )


def build_naive(seeds_dir: Path, index_dir: Path) -> tuple[int, float]:
    """Index every file as plain Whoosh would, title its first line; return (docs, seconds)."""
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), naive_schema())
    count = 0
    with ix.writer(limitmb=256) as writer:
        for path in sorted(seeds_dir.iterdir()):
            text = path.read_text(encoding="utf-8")
            title = text.strip().split("\n", 1)[0]
            writer.add_document(id=path.name, title=title, body=text)
            count += 1
    return count, time.perf_counter() - started


def _client(url: str, stop: threading.Event, latencies: list[float], errors: list[str]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                body = r.read()
            if b'"total"' not in body:
                errors.append("answer without a total")
                continue
            latencies.append(time.perf_counter() - started)
        except (OSError, ValueError) as e:
            errors.append(f"{type(e).__name__}: {e}")


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1]


def lifecycle(corpus: Path, docs: int, query: str, clients: int) -> None:
    """Print build, search-during-rebuild and update timings over the corpus's first rows."""
    with tempfile.TemporaryDirectory(prefix="sotehaku-bench-") as tmp:
        seeds_dir, index_dir = Path(tmp) / "seeds", Path(tmp) / "index"
        written = write_seeds(corpus, seeds_dir, docs)
        print(f"Corpus: first {written} rows of {corpus}, written to a temporary folder.")

        report = build_index(seeds_dir, index_dir)
        build_seconds = report.seconds
        print(
            f"Full build: {report.indexed} documents in {build_seconds:.2f} s "
            f"({report.indexed / build_seconds:.0f} docs/s, analyzer: {report.analyzer})"
        )

        latencies: list[float] = []
        errors: list[str] = []
        stop = threading.Event()
        with gunicorn(index_dir, seeds_dir) as base:
            url = f"{base}/api/search?q={urllib.parse.quote(query)}"
            threads = [
                threading.Thread(target=_client, args=(url, stop, latencies, errors))
                for _ in range(clients)
            ]
            for t in threads:
                t.start()
            started = time.perf_counter()
            rebuild = subprocess.run(
                [sys.executable, "-m", "indexer", "build", "--seeds", str(seeds_dir)]
                + ["--index", str(index_dir)],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            rebuild_seconds = time.perf_counter() - started
            stop.set()
            for t in threads:
                t.join()
        if rebuild.returncode:
            raise SystemExit(f"The rebuild failed: {rebuild.stderr}")
        print(
            f"Search during rebuild ({clients} clients, q={query!r}, gunicorn 2 workers): "
            f"rebuild took {rebuild_seconds:.2f} s; {len(latencies)} searches served, "
            f"{len(errors)} errors, p50 {_percentile(latencies, 50) * 1000:.1f} ms, "
            f"p95 {_percentile(latencies, 95) * 1000:.1f} ms"
        )
        for error in sorted(set(errors))[:5]:
            print(f"  error: {error}")

        changed = sorted(seeds_dir.iterdir())[written // 2]
        with changed.open("a", encoding="utf-8") as f:
            f.write("Juttua on päivitetty.\n")
        one = update_index(seeds_dir, index_dir)
        print(
            f"Update, 1 file changed: {one.seconds:.3f} s "
            f"({one.seconds / build_seconds:.1%} of the full build; changed {len(one.changed)}, "
            f"unchanged {one.unchanged})"
        )
        none = update_index(seeds_dir, index_dir)
        print(
            f"Update, nothing changed: {none.seconds:.3f} s "
            f"({none.seconds / build_seconds:.1%} of the full build)"
        )


@dataclass(frozen=True)
class TimedBuild:
    """One build run in a fresh process."""

    name: str
    docs: int
    seconds: float
    # Peak resident memory of the build process and of its largest child, in MB.
    peak_rss_mb: float
    peak_child_rss_mb: float

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds


def timed_build(seeds_dir: Path, index_dir: Path, which: str) -> TimedBuild:
    """Build once in a fresh process, so no word form is cached: a rebuild as the CLI runs it.

    which is "naive" (plain Whoosh, see naive_schema), "baseline" (the Snowball-only analyzer)
    or "finnish" (the default analyzer).
    """
    code = (
        "import sys; from pathlib import Path; from bench.benchmark import build_once; "
        "build_once(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(seeds_dir), str(index_dir), which],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"The {which} build failed: {done.stderr}")
    name, docs, seconds, rss, child_rss = done.stdout.split()
    return TimedBuild(name, int(docs), float(seconds), float(rss), float(child_rss))


def build_once(seeds_dir: Path, index_dir: Path, which: str) -> None:
    """Build with one analysis; print its name, documents, seconds and peak RSS (self, child)."""
    if which == "naive":
        name, (docs, seconds) = "naive-whoosh", build_naive(seeds_dir, index_dir)
    else:
        analyzer = snowball_analyzer() if which == "baseline" else None
        report = build_index(seeds_dir, index_dir, analyzer=analyzer)
        name, docs, seconds = report.analyzer, report.indexed, report.seconds
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{name} {docs} {seconds:.3f} {own:.0f} {child:.0f}")


BUILDS = ("naive", "baseline", "finnish")


def rebuild(corpus: Path, docs: int, runs: int) -> None:
    """Print full-rebuild speed, index size and peak memory: plain Whoosh, the Snowball-only
    baseline and the default analyzer, each built in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="sotehaku-bench-") as tmp:
        seeds_dir = Path(tmp) / "seeds"
        written = write_seeds(corpus, seeds_dir, docs)
        print(f"Corpus: first {written} rows of {corpus}, written to a temporary folder.")
        results: dict[str, list[tuple[TimedBuild, float]]] = {}
        # Alternate the builds so that disk caches and machine load favour none of them.
        for _ in range(runs):
            for which in BUILDS:
                index_dir = Path(tmp) / f"index-{which}"
                shutil.rmtree(index_dir, ignore_errors=True)
                built = timed_build(seeds_dir, index_dir, which)
                megabytes = generations.folder_bytes(index_dir) / 1e6
                results.setdefault(built.name, []).append((built, megabytes))
        print(f"Full rebuild, median of {runs} (docs/s of each run in brackets):")
        medians = {}
        for name, values in results.items():
            speeds = [b.docs_per_second for b, _ in values]
            medians[name] = (statistics.median(speeds), statistics.median(mb for _, mb in values))
            shown = ", ".join(f"{v:.0f}" for v in speeds)
            own = max(b.peak_rss_mb for b, _ in values)
            child = max(b.peak_child_rss_mb for b, _ in values)
            print(
                f"  {name:<18} {medians[name][0]:7.0f} docs/s ({shown}), "
                f"{medians[name][1]:7.1f} MB, peak RSS {own:.0f} MB, largest child {child:.0f} MB"
            )
        (naive_speed, naive_mb), *_ = medians.values()
        for name, (speed, megabytes) in list(medians.items())[1:]:
            print(
                f"  {name} / naive-whoosh: speed {speed / naive_speed:.2f}x, "
                f"size {megabytes / naive_mb:.2f}x"
            )


# What people search a sote archive for: the seed queries, everyday news words, an acronym with
# a case ending, two words, a phrase and a wildcard.
QUERIES = (
    "VATE",
    "rahoitusmalli",
    "sote-uudistus",
    "hankejohtaja",
    "lapsi",
    "talous",
    "Soite",
    "järjestäminen",
    "Kuntaliitto",
    "maakuntavaltuusto",
    "ministeriö",
    "VM",
    "kysely",
    "hallitus",
    "sairaala",
    "terveyskeskus",
    "STM:n kysely",
    "hyvinvointialueen rahoitus",
    '"sosiaali- ja terveyspalvelut"',
    "rahoitus*",
)


def _time_queries(run: Callable[[str], object], rounds: int) -> list[float]:
    """Run every query once to warm up, then `rounds` times more; return those timings."""
    for q in QUERIES:
        run(q)
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            run(q)
            timings.append(time.perf_counter() - started)
    return timings


def _naive_runner(index_dir: Path) -> Callable[[str], object]:
    """Return a search as a new user of Whoosh writes it: one searcher, top 10, highlights,
    and the total a result page shows."""
    ix = whoosh_index.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def run(text: str) -> object:
        results = searcher.search(parser.parse(text), limit=10)
        return len(results), [hit.highlights("body") for hit in results]

    return run


def _http_load(
    base: str, clients: int, seconds: float
) -> tuple[int, list[float], list[str], float]:
    """Search over HTTP from `clients` threads for `seconds`; return the count of answers,
    their latencies, the errors and the time taken."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    host, port = urllib.parse.urlsplit(base).netloc.split(":")

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        i = n
        while time.monotonic() < stop:
            path = "/api/search?q=" + urllib.parse.quote(QUERIES[i % len(QUERIES)])
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"{type(e).__name__}: {e}")
                conn.close()
                continue
            if response.status != 200 or b'"total"' not in body:
                errors.append(f"HTTP {response.status}")
                continue
            latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors, time.perf_counter() - started


def _http_load_apart(
    base: str, clients: int, seconds: float
) -> tuple[int, list[float], list[str], float]:
    """Run _http_load in a new interpreter: in this process, which holds both indexes' build
    and query rounds in its heap, the client threads measured their own garbage collection
    (58 requests/s here against 135 to 207 from a process of their own, same server)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_http_load, (base, clients, seconds))


def _ms(values: list[float], q: int) -> str:
    return f"{_percentile(values, q) * 1000:.2f}"


def _wait_for_suggestions(base: str, seconds: float = 120.0) -> None:
    """Wait until every worker of a server has read its suggestion lists: ten answers in a
    row that say ready, each worker reading its own at start."""
    ready, deadline = 0, time.monotonic() + seconds
    while ready < 10 and time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/suggest?q=ra", timeout=30) as response:
            ready = ready + 1 if json.loads(response.read())["ready"] else 0
        time.sleep(0.05)


def search_benchmark(
    corpus: Path, docs: int, long: bool, rounds: int, clients: int, seconds: float
) -> None:
    """Print build, size, memory and query figures of plain Whoosh and Sotehaku side by side,
    both built from the same documents in this run, and Sotehaku's figures over HTTP."""
    with tempfile.TemporaryDirectory(prefix="sotehaku-bench-") as tmp:
        seeds_dir = Path(tmp) / "seeds"
        written = write_seeds(corpus, seeds_dir, docs, long=long)
        kind = f"long documents ({LEADS_PER_LONG_DOC} leads each)" if long else "documents"
        print(f"Corpus: {written} {kind} from {corpus}, written to a temporary folder.")
        naive_dir, index_dir = Path(tmp) / "naive", Path(tmp) / "index"
        naive = timed_build(seeds_dir, naive_dir, "naive")
        ours = timed_build(seeds_dir, index_dir, "finnish")
        naive_times = _time_queries(_naive_runner(naive_dir), rounds)
        # The first search on a generation starts reading its suggestion lists in a thread
        # (search/suggestions.py), once per generation and process: measured apart, so that
        # the query figures are those of a server past its first seconds on a generation.
        search(index_dir, QUERIES[0])
        started = time.perf_counter()
        suggest(index_dir, "ra", wait=True)
        warm_seconds = time.perf_counter() - started
        our_times = _time_queries(lambda q: search(index_dir, q), rounds)
        naive_mb = generations.folder_bytes(naive_dir) / 1e6
        our_mb = generations.folder_bytes(index_dir) / 1e6
        rows = [
            ("build docs/s", naive.docs_per_second, ours.docs_per_second, "{:.0f}"),
            ("build seconds", naive.seconds, ours.seconds, "{:.1f}"),
            ("build peak RSS MB", naive.peak_rss_mb, ours.peak_rss_mb, "{:.0f}"),
            ("  largest child MB", naive.peak_child_rss_mb, ours.peak_child_rss_mb, "{:.0f}"),
            ("index MB", naive_mb, our_mb, "{:.1f}"),
            (
                "query p50 ms",
                _percentile(naive_times, 50) * 1000,
                _percentile(our_times, 50) * 1000,
                "{:.2f}",
            ),
            (
                "query p95 ms",
                _percentile(naive_times, 95) * 1000,
                _percentile(our_times, 95) * 1000,
                "{:.2f}",
            ),
        ]
        print(f"{len(QUERIES)} queries x {rounds} after a warm-up round; top 10 with snippets.")
        print(f"{'':22}{'naive Whoosh':>14}{'Sotehaku':>14}{'Sotehaku/naive':>16}")
        for label, a, b, fmt in rows:
            ratio = b / a if a else float("nan")
            print(f"{label:22}{fmt.format(a):>14}{fmt.format(b):>14}{ratio:>15.2f}x")
        print(
            f"Suggestion lists of the generation read in {warm_seconds:.2f} s, before the queries."
        )
        with gunicorn(index_dir, seeds_dir) as base:
            _wait_for_suggestions(base)
            count, latencies, errors, elapsed = _http_load_apart(base, clients, seconds)
        print(
            f"HTTP /api/search, gunicorn 2 workers, {clients} clients for {elapsed:.1f} s: "
            f"{count / elapsed:.0f} requests/s, p50 {_ms(latencies, 50)} ms, "
            f"p95 {_ms(latencies, 95)} ms, {len(errors)} errors"
        )
        for error in sorted(set(errors))[:5]:
            print(f"  error: {error}")


# Queries of our hostile-input review: many prefixes whose AND finds nothing (so the any-word
# fallback expands them all), 80 negations, operator sequences that broke Whoosh's parser.
HOSTILE_QUERIES = (
    "val* suo* per* pal* maa* kau* jou* kan* pää* vii*",
    "val* suo*",
    " ".join(f"NOT a{n}" for n in range(80))[:500],
    "NOT NOT VATE",
    "VATE ANDNOT ANDMAYBE sote",
    " } (^2)",
    "VATE^" + "9" * 400,
)


def _common_words(seeds_dir: Path, count: int) -> str:
    """Return the documents' `count` most common words, as one query."""
    counts: collections.Counter[str] = collections.Counter()
    for path in seeds_dir.iterdir():
        counts.update(re.findall(r"\w+", path.read_text(encoding="utf-8").lower()))
    return " ".join(word for word, _ in counts.most_common(count))


def hostile(
    corpus: Path, docs: int, index: Path | None, seconds: float = 10, ocr_seconds: float = 20
) -> None:
    """Print how each hostile query is answered, and how long it takes, over the library and
    over HTTP; then the load cases of bench/hostile_load.py, `seconds` each, OCR of noise
    within `ocr_seconds`; then the worst latency of a request."""
    with tempfile.TemporaryDirectory(prefix="sotehaku-bench-") as tmp:
        seeds_dir = Path(tmp) / "seeds"
        written = write_seeds(corpus, seeds_dir, docs)
        index_dir = index or Path(tmp) / "index"
        if index is None:
            build_index(seeds_dir, index_dir)
        print(f"Index: {index_dir}, {written} documents from {corpus}.")
        queries = [*HOSTILE_QUERIES, _common_words(seeds_dir, 81)]
        worst = 0.0
        admin = {"SOTEHAKU_ADMIN_TOKEN": "benchmark-admin-token-24"}
        with gunicorn(index_dir, seeds_dir, extra_env=admin) as base:
            for text in queries:
                started = time.perf_counter()
                try:
                    result = search(index_dir, text)
                    outcome = f"{result.total} found" + (", partial" if result.partial else "")
                except QueryError as e:
                    outcome = f"refused: {e}"
                took = time.perf_counter() - started
                url = f"{base}/api/search?q={urllib.parse.quote(text)}"
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=60) as r:
                        status = r.status
                except urllib.error.HTTPError as e:
                    status = e.code
                over_http = time.perf_counter() - started
                worst = max(worst, took, over_http)
                shown = text if len(text) <= 60 else text[:57] + "..."
                print(
                    f"{shown!r:64} library {took * 1000:7.1f} ms, HTTP {status} "
                    f"{over_http * 1000:7.1f} ms: {outcome}"
                )
            worst = max(worst, hostile_load.long_words(base, seconds))
            worst = max(worst, hostile_load.login_flood(base, seconds))
        noise = Path(tmp) / "noise"
        noise.mkdir()
        hostile_load.ocr_noise(noise, ocr_seconds)
        print(f"Worst latency: {worst * 1000:.1f} ms")


def _command(commands: Any, name: str, help_text: str, *, docs: int) -> argparse.ArgumentParser:
    """Add a subcommand that reads the first `docs` rows of a corpus."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--corpus", type=Path, required=True, help="CSV.gz: date,title,lead,id")
    command.add_argument("--docs", type=int, default=docs, help="How many rows to index.")
    return command


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.benchmark",
        description=__doc__,
        # The description's examples are one a line, as written.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _command(commands, "analyse", "Analysis and indexing time: baseline vs default.", docs=20000)
    life = _command(commands, "lifecycle", "Build, search during a rebuild, update.", docs=20000)
    life.add_argument("--query", default="hallitus", help="The word the clients search for.")
    life.add_argument("--clients", type=int, default=4, help="Threads searching at once.")
    again = _command(
        commands, "rebuild", "Full rebuilds: plain Whoosh, baseline, default.", docs=20000
    )
    again.add_argument("--runs", type=int, default=3, help="Builds with each analyzer.")
    find = _command(
        commands, "search", "Plain Whoosh vs Sotehaku: build, size, queries.", docs=100000
    )
    find.add_argument(
        "--long",
        type=int,
        metavar="K",
        help=f"Index K long documents of {LEADS_PER_LONG_DOC} leads.",
    )
    find.add_argument("--rounds", type=int, default=3, help="Timed rounds of the queries.")
    find.add_argument("--clients", type=int, default=8, help="HTTP clients at once.")
    find.add_argument("--seconds", type=float, default=20.0, help="How long the HTTP load runs.")
    bad = _command(commands, "hostile", "Hostile queries: outcome and worst latency.", docs=100000)
    bad.add_argument(
        "--index", type=Path, help="An index already built from the same rows, to reuse."
    )
    bad.add_argument("--seconds", type=float, default=10.0, help="How long each load runs.")
    bad.add_argument("--ocr-seconds", type=float, default=20.0, help="OCR budget of the noise.")
    many = _command(commands, "cluster", "Shards on a local Ray cluster vs one index.", docs=20000)
    many.add_argument("--shards", type=int, default=4, help="Shards of the cluster index.")
    many.add_argument("--replicas", type=int, default=2, help="Replicas of each shard.")
    many.add_argument("--nodes", type=int, default=3, help="Nodes of the local cluster.")
    many.add_argument("--rounds", type=int, default=10, help="Timed rounds of the queries.")
    pdf = commands.add_parser("extract", help="PDF, OCR: pages per second on made-up files.")
    pdf.add_argument("--pages", type=int, default=400, help="Pages of the long text PDF.")
    pdf.add_argument("--files", type=int, default=40, help="PDFs of the build.")
    pdf.add_argument("--ocr-pages", type=int, default=3, help="Scanned pages read by OCR.")
    args = parser.parse_args(argv)
    if args.command == "analyse":
        analyse(args.corpus, args.docs)
    elif args.command == "cluster":
        # Ray is imported only for this command (bench/cluster_benchmark.py).
        from bench.cluster_benchmark import cluster_benchmark

        cluster_benchmark(
            args.corpus, args.docs, args.shards, args.replicas, args.nodes, args.rounds
        )
    elif args.command == "extract":
        extract_benchmark(args.pages, args.files, args.ocr_pages)
    elif args.command == "hostile":
        hostile(args.corpus, args.docs, args.index, args.seconds, args.ocr_seconds)
    elif args.command == "lifecycle":
        lifecycle(args.corpus, args.docs, args.query, args.clients)
    elif args.command == "rebuild":
        rebuild(args.corpus, args.docs, args.runs)
    else:
        docs = args.long or args.docs
        search_benchmark(
            args.corpus, docs, bool(args.long), args.rounds, args.clients, args.seconds
        )


if __name__ == "__main__":
    main()
