"""The extract benchmark: how fast PDFs, scans and word-processor files become loading.

    python -m bench.benchmark extract [--pages 400] [--files 40] [--ocr-pages 3]

Every file is made up for the run (tests/sample_documents.py) in a temporary folder: text
PDFs typeset with hyphenated lines, running headers and page numbers, a scanned PDF of full
pages of text, a DOCX. Prints pages per second for text PDFs (PDFium alone, then through
the extraction worker with the page text cleaned, then a whole build on one and on every
core) and seconds per OCR page.
"""

import os
import tempfile
import textwrap
import time
from pathlib import Path

from indexer.documents import loading, ocr
from indexer.documents.pdf_text import OCR_DPI, read_pdf
from indexer.writing.build import build_index
from tests import sample_documents as sd

# Made-up words per typeset page: LINES_PER_PAGE lines of about 11 words.
_WORDS_PER_PAGE = sd.LINES_PER_PAGE * 11
_OCR_LINES = 30
_OCR_LINE_CHARS = 60
_SLOW_OK = 3600.0  # no time limit worth the name: the benchmark measures, it does not skip


def _text_pdf(pages: int, seed: int) -> bytes:
    laid_out = sd.text_pages(sd.made_up_text(pages * _WORDS_PER_PAGE, seed=seed))
    return sd.pdf_bytes(laid_out[:pages], header="Hyvinvointialue – Pöytäkirja")


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} pages/s ({seconds:.2f} s)"


def extract_benchmark(pages: int, files: int, ocr_pages: int) -> None:
    """Make the files, extract them, print the rates."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = _text_pdf(pages, seed=1)
        sd.write(folder / "one" / "long.pdf", raw)
        started = time.perf_counter()
        read_pdf(raw, max_pages=pages)
        alone = time.perf_counter() - started
        loading.load(folder / "one", "long.pdf", max_seconds=_SLOW_OK)  # starts the worker
        started = time.perf_counter()
        doc = loading.load(folder / "one", "long.pdf", max_seconds=_SLOW_OK)
        worker = time.perf_counter() - started
        assert len(doc.page_starts) == pages, doc
        print(
            f"Text PDF of {pages} pages ({len(raw) / 2**20:.1f} MB, {len(doc.body):,} characters):"
        )
        print(f"  PDFium text layer alone            {_rate(pages, alone)}")
        print(f"  extraction worker, text cleaned    {_rate(pages, worker)}")

        per_file = max(1, pages // 10)
        for n in range(files):
            sd.write(folder / "many" / f"{n:03}.pdf", _text_pdf(per_file, seed=n))
        print(f"Build of {files} PDFs of {per_file} pages (extract and index):")
        for workers in sorted({1, os.cpu_count() or 1}):
            started = time.perf_counter()
            report = build_index(
                folder / "many", folder / f"index-{workers}", workers=workers, max_seconds=_SLOW_OK
            )
            seconds = time.perf_counter() - started
            assert report.indexed == files, report.skipped
            label = f"{workers} worker process" + ("es" if workers > 1 else "")
            print(f"  {label:<35}{_rate(files * per_file, seconds)}")

        try:
            languages = ocr.languages()
        except ocr.OcrUnavailable as e:
            print(f"OCR: not measured: {e}")
            return
        text = sd.made_up_text(ocr_pages * _OCR_LINES * 10, seed=7)
        lines = textwrap.wrap(" ".join(text.split()), _OCR_LINE_CHARS)[: ocr_pages * _OCR_LINES]
        scans = [lines[n : n + _OCR_LINES] for n in range(0, len(lines), _OCR_LINES)]
        words = set(" ".join(lines).split())
        sd.write(folder / "scan" / "scan.pdf", sd.scanned_pdf_bytes(scans))
        started = time.perf_counter()
        doc = loading.load(folder / "scan", "scan.pdf", max_seconds=_SLOW_OK)
        seconds = time.perf_counter() - started
        found = set(doc.body.split()) & words
        print(
            f"OCR (Tesseract {languages}, {OCR_DPI} dpi, one thread) of {len(scans)} full pages: "
            f"{seconds / len(scans):.2f} s per page; {len(found)} of {len(words)} "
            "distinct words read back"
        )
