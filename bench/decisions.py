"""Measure search over a folder of minutes: does a query find the section that decided it?

    python -m bench.decisions --seeds ../shared/decisions/lapua \
        --queries bench/decisions-lapua.json [--copies 21]

Builds an index of the folder in a temporary folder (or uses --index) and prints:

- section MRR@10: the reciprocal rank of the first hit that is an expected section (a hit
  counts only if it is that file's section with that number), over the topical queries;
- whole-file MRR@10: the same with any hit of an expected file counting;
- case recall: the share of the expected sections of each case query found in its first 100
  hits (a query is a case number as a person types it);
- decision maker and meeting date right: the share of the topical queries' top-10 hits whose
  file the queries file describes and whose decision maker and date are that file's;
- appeal snippets: the share of the topical queries' top-10 snippets that are taken from appeal
  instructions;
- signature snippets: the same for signature blocks ("Vakuudeksi", "Pöytäkirjanpitäjä",
  "Justerat").

The queries file is JSON: {"topical": [{"q": ..., "sections": [[file id, "140"], ...]}],
"cases": [{"q": ..., "sections": [[file id, "140"], ...]}], "meetings": {file id:
{"decision_maker": ..., "date": "YYYY-MM-DD"}}}. It reads only the library's search and build,
so that the same command measures an older version of the library (run it as a script with
that version's folder on PYTHONPATH) with the same queries: a version without sections has
hits without a "section".

With --copies N it measures scale instead: an archive of N copies of the folder (hard links,
each copy a folder of its own) is built, and the build's time, pages a second and index size
are printed with the topical queries' times (p50 and p95 of three runs each).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from indexer.search.searching import search
from indexer.writing.build import build_index

TOP = 10
CASE_TOP = 100
# Words of appeal instructions, not of a matter (a matter may be an appeal, or a court's
# decision): a topical snippet with them shows boilerplate.
_APPEAL = re.compile(
    r"muutoksenhakuohje|oikaisuvaatimusohje|valitusosoitus|muutoksenhakukielto|valitusaika"
    r"|oikaisuvaatimusaika|hakea muutosta|tyytymätön päätökseen|besvärsanvisning"
    r"|anvisning för rättelseyrkande|söka ändring",
    re.IGNORECASE,
)

# Labels of signature blocks: a topical snippet with them shows who signed, not the matter.
_SIGNATURE = re.compile(
    r"vakuudeksi|pöytäkirjanpitäjä|allekirjoitukset|oikeaksi todistaa|protokollförare"
    r"|justerat|underskrifter",
    re.IGNORECASE,
)


def _units(hit: Any) -> set[tuple[str, str | None]]:
    """Return the sections a hit shows: its own, and the agenda's same section it links
    (`also`: the minutes' section stands for both)."""
    section = getattr(hit, "section", None)
    return {(hit.id, section), *((also["id"], section) for also in getattr(hit, "also", ()))}


def measure(index_dir: Path, queries: dict[str, Any]) -> dict[str, float]:
    """Return the figures for one index and queries file."""
    section_rr, file_rr, right, described, appeal, signature, snippets = [], [], 0, 0, 0, 0, 0
    meetings = queries.get("meetings", {})
    for item in queries.get("topical", []):
        wanted = {(f, s) for f, s in item["sections"]}
        files = {f for f, _ in wanted}
        hits = search(index_dir, item["q"], limit=TOP).hits
        section_rr.append(_reciprocal([bool(_units(h) & wanted) for h in hits]))
        file_rr.append(_reciprocal([bool({f for f, _ in _units(h)} & files) for h in hits]))
        for hit in hits:
            snippets += 1
            appeal += bool(_APPEAL.search(hit.snippet))
            signature += bool(_SIGNATURE.search(hit.snippet))
            meeting = meetings.get(hit.id)
            if meeting is None:
                continue
            described += 1
            maker = getattr(hit, "decision_maker", None)
            right += maker == meeting["decision_maker"] and hit.date == meeting["date"]
    found, expected = 0, 0
    for item in queries.get("cases", []):
        wanted = {(f, s) for f, s in item["sections"]}
        hits = search(index_dir, item["q"], limit=CASE_TOP).hits
        found += len(wanted & {unit for h in hits for unit in _units(h)})
        expected += len(wanted)
    return {
        "section MRR@10": _mean(section_rr),
        "whole-file MRR@10": _mean(file_rr),
        "case recall": found / expected if expected else 0.0,
        "decision maker and date right": right / described if described else 0.0,
        "appeal snippets": appeal / snippets if snippets else 0.0,
        "signature snippets": signature / snippets if snippets else 0.0,
    }


def scale(seeds: Path, queries: dict[str, Any], copies: int, work: Path) -> dict[str, float]:
    """Return the build and query figures of an archive of `copies` copies of the folder."""
    archive = work / "archive"
    for n in range(copies):
        for path in sorted(p for p in seeds.rglob("*") if p.is_file()):
            target = archive / f"kopio-{n:04d}" / path.relative_to(seeds)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    index_dir = work / "index"
    started = time.perf_counter()
    report = build_index(archive, index_dir)
    seconds = time.perf_counter() - started
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    size = sum(p.stat().st_size for p in generation.rglob("*") if p.is_file())
    pages, units = _pages(index_dir)
    times = []
    for _ in range(3):
        for item in queries.get("topical", []):
            began = time.perf_counter()
            search(index_dir, item["q"], limit=TOP)
            times.append((time.perf_counter() - began) * 1000)
    return {
        "files": report.indexed,
        "pages": pages,
        "build s": seconds,
        "pages/s": pages / seconds,
        "units": units,
        "index MB": size / 2**20,
        "query p50 ms": statistics.median(times),
        "query p95 ms": statistics.quantiles(times, n=20)[-1],
    }


def _pages(index_dir: Path) -> tuple[int, int]:
    """Return how many PDF pages the index's files have (each file's unit counted once) and
    how many units of search (files and sections) it has."""
    from whoosh import index

    ix = index.open_dir(str(index_dir / (index_dir / "CURRENT").read_text().strip()))
    with ix.searcher() as searcher:
        pages = sum(
            len(fields.get("pages") or ())
            for fields in searcher.all_stored_fields()
            if "hash" in fields
        )
        return pages, searcher.doc_count()


def _reciprocal(relevant: list[bool]) -> float:
    return next((1 / n for n, ok in enumerate(relevant, 1) if ok), 0.0)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, required=True, help="A folder of minutes.")
    parser.add_argument("--queries", type=Path, required=True, help="The queries file (JSON).")
    parser.add_argument("--index", type=Path, help="An index of the folder, built if missing.")
    parser.add_argument("--copies", type=int, help="Measure an archive of this many copies.")
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    if args.copies:
        with tempfile.TemporaryDirectory(prefix="decisions-") as tmp:
            figures = scale(args.seeds, queries, args.copies, Path(tmp))
        print(f"{args.copies} copies of {args.seeds}:")
        for name, value in figures.items():
            print(f"  {name:32} {value:,.1f}")
        return
    with tempfile.TemporaryDirectory(prefix="decisions-") as tmp:
        index_dir = args.index or Path(tmp) / "index"
        if not (index_dir / "CURRENT").exists():
            build_index(args.seeds, index_dir)
        figures = measure(index_dir, queries)
    counts = f"{len(queries.get('topical', []))} topical, {len(queries.get('cases', []))} case"
    print(f"{args.queries.name}: {counts} queries over {args.seeds}")
    for name, value in figures.items():
        print(f"  {name:32} {value:.3f}")


if __name__ == "__main__":
    main()
