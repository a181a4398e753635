"""The benchmarks, run end to end over a small made-up corpus."""

import csv
import gzip
import re
from pathlib import Path

import pytest

from bench.benchmark import (
    HOSTILE_QUERIES,
    analyse,
    hostile,
    lifecycle,
    rebuild,
    search_benchmark,
    write_seeds,
)
from bench.extract import extract_benchmark
from indexer.analysis.analyzers import analyzer_name, finnish_analyzer, voikko_available


def make_corpus(path: Path, rows: int) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "title", "lead", "id"])
        for n in range(rows):
            writer.writerow(
                ["2019-03-0" + str(n % 9 + 1), f"Hallitus {n}", "Sote, eli hallitus.", n]
            )
    return path


def test_write_seeds_lays_rows_out_as_news_files(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus.csv.gz", 5)
    assert write_seeds(corpus, tmp_path / "seeds", 2) == 2
    assert sorted(p.name for p in (tmp_path / "seeds").iterdir()) == [
        "000000_0.txt",
        "000001_1.txt",
    ]
    assert (tmp_path / "seeds" / "000001_1.txt").read_text(encoding="utf-8") == (
        "Hallitus 1\n\n2.3.2019\n\nSote, eli hallitus.\n"
    )


def test_analyse_benchmark_prints_both_analyzers_and_the_ratios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analyse(make_corpus(tmp_path / "corpus.csv.gz", 3), 2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["snowball-baseline", "voikko" if voikko_available() else "snowball"]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["benchmark", "(2"],
        ["analyse", "s"],
        ["index", "s"],
        ["analyse", "s"],
        ["index", "s"],
    ]
    assert lines[-1].split()[-2] == "1.000"  # the baseline's ratio to itself


def test_lifecycle_benchmark_prints_every_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lifecycle(make_corpus(tmp_path / "corpus.csv.gz", 40), 30, "hallitus", 2)
    out = capsys.readouterr().out
    assert "Full build: 30 documents" in out
    assert " 0 errors" in out
    assert "Update, 1 file changed" in out and "changed 1, unchanged 29" in out
    assert "Update, nothing changed" in out


def test_search_benchmark_prints_both_sides_and_the_http_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    search_benchmark(make_corpus(tmp_path / "corpus.csv.gz", 60), 50, False, 1, 2, 1.0)
    out = capsys.readouterr().out
    assert "Corpus: 50 documents" in out
    for row in ("build docs/s", "index MB", "build peak RSS MB", "query p50 ms", "query p95 ms"):
        line = next(line for line in out.splitlines() if line.startswith(row))
        assert line.endswith("x") and len(line.split()) >= 4, line
    http = next(line for line in out.splitlines() if line.startswith("HTTP /api/search"))
    assert http.endswith(" 0 errors")


def test_hostile_benchmark_answers_or_refuses_every_query(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile(make_corpus(tmp_path / "corpus.csv.gz", 40), 30, None, seconds=1, ocr_seconds=2)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len([line for line in lines if " library " in line]) == len(HOSTILE_QUERIES) + 1
    assert all(" HTTP 200 " in line or " HTTP 400 " in line for line in lines if " HTTP " in line)
    assert "refused: The query could not be understood." in out
    assert lines[-1].startswith("Worst latency: ")
    flood = next(line for line in lines if line.startswith("Login flood: "))
    assert " 0 errors (5xx or no answer)" in flood and '"admin":"ok"' in flood
    assert next(line for line in lines if line.startswith("Long words: ")).endswith(" 0 errors")
    assert any(line.startswith("OCR noise: ") for line in lines)


def test_rebuild_benchmark_prints_speed_size_and_memory_of_each_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analyzer = analyzer_name(finnish_analyzer())
    rebuild(make_corpus(tmp_path / "corpus.csv.gz", 40), 30, 1)
    out = capsys.readouterr().out
    assert "Corpus: first 30 rows" in out
    lines = [line for line in out.splitlines() if "docs/s (" in line]
    assert [line.split()[0] for line in lines] == ["naive-whoosh", "snowball-baseline", analyzer]
    assert all(" MB, peak RSS " in line and "largest child" in line for line in lines)
    assert f"{analyzer} / naive-whoosh: speed " in out


def test_the_extract_benchmark_prints_pages_per_second(capsys) -> None:
    extract_benchmark(pages=20, files=2, ocr_pages=1)
    out = capsys.readouterr().out
    assert re.search(r"PDFium text layer alone +[\d,]+ pages/s", out)
    assert re.search(r"extraction worker, text cleaned +[\d,]+ pages/s", out)
    assert re.search(r"1 worker process +[\d,]+ pages/s", out)
    assert re.search(
        r"OCR \(Tesseract fin\+swe, 300 dpi, one thread\) of 1 full pages: "
        r"\d+\.\d\d s per page; (\d+) of \1 distinct words read back",
        out,
    )
