"""The hostile benchmark's load cases (bench/benchmark.py hostile): long words for did you
mean, a login flood beside expensive searches, and a scan of noise for OCR.

All traffic goes to a gunicorn on loopback, bounded in time; each case prints its worst
latency and its errors.
"""

import http.client
import io
import os
import random
import threading
import time
import urllib.parse
from pathlib import Path

from indexer.documents import loading
from indexer.documents.document import Document

LONG_WORD = "rahoitusmali" * 41  # 492 characters, one word
NORMAL_QUERIES = ("hallitus", "sote-uudistus", "kunnat", "rahoitusmalli", "VATE")
EXPENSIVE_QUERY = "val* suo* per* pal* maa* kau* jou* kan* pää* vii*"


def _get(conn: http.client.HTTPConnection, path: str, body: bytes | None = None) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    conn.request("POST" if body else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def _clients(
    base: str, jobs: list[tuple[str, bytes | None, str, float]], seconds: float
) -> dict[str, tuple[list[float], dict[int | str, int]]]:
    """Run one thread per job (path, body, source address, pause) for `seconds`; return each
    job path's latencies and status counts."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    results: dict[str, tuple[list[float], dict[int | str, int]]] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(path: str, body: bytes | None, source: str, pause: float) -> None:
        latencies: list[float] = []
        statuses: dict[int | str, int] = {}
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(
                host, int(port), timeout=30, source_address=(source, 0)
            )
            started = time.perf_counter()
            try:
                status: int | str = _get(conn, path, body)
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
            finally:
                conn.close()
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            time.sleep(pause)
        key = path.split("?")[0] if body else path
        with lock:
            mine = results.setdefault(key, ([], {}))
            mine[0].extend(latencies)
            for status, n in statuses.items():
                mine[1][status] = mine[1].get(status, 0) + n

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _p(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * q // 100)] * 1000 if ordered else 0.0


def _normal(results: dict) -> tuple[list[float], dict]:
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}
    for query in NORMAL_QUERIES:
        lat, st = results.get(f"/api/search?q={urllib.parse.quote(query)}", ([], {}))
        latencies += lat
        for status, n in st.items():
            statuses[status] = statuses.get(status, 0) + n
    return latencies, statuses


def _normal_jobs() -> list[tuple[str, None, str, float]]:
    return [
        (f"/api/search?q={urllib.parse.quote(q)}", None, "127.0.0.1", 0.05) for q in NORMAL_QUERIES
    ]


def long_words(base: str, seconds: float) -> float:
    """Normal queries alone, then beside three clients sending a 492-character word at
    4 requests/s each (under nginx's 10/s per address); print p95s, the worst and errors."""
    idle, _ = _normal(_clients(base, _normal_jobs(), seconds))
    long_path = f"/api/search?q={urllib.parse.quote(LONG_WORD)}"
    jobs = [*_normal_jobs(), *[(long_path, None, f"127.0.1.{n}", 0.25) for n in range(1, 4)]]
    results = _clients(base, jobs, seconds)
    loaded, normal_statuses = _normal(results)
    long_latencies, long_statuses = results[long_path]
    worst = max(long_latencies + loaded)
    errors = sum(n for s, n in long_statuses.items() if s != 200)
    errors += sum(n for s, n in normal_statuses.items() if s != 200)
    print(
        f"Long words: normal query p95 {_p(idle, 95):.1f} ms idle, {_p(loaded, 95):.1f} ms beside"
        f" 3 clients of a {len(LONG_WORD)}-character word ({len(long_latencies)} requests, p95"
        f" {_p(long_latencies, 95):.1f} ms); worst {worst * 1000:.1f} ms, {errors} errors"
    )
    return worst


def login_flood(base: str, seconds: float, clients: int = 40) -> float:
    """Failed logins from `clients` loopback addresses, with expensive searches beside them;
    print the answers by status, the worst latency and what /healthz says."""
    login = [
        ("/admin/login", b"token=arvaus", f"127.0.{2 + n // 200}.{1 + n % 200}", 0.0)
        for n in range(clients)
    ]
    searches = [
        (f"/api/search?q={urllib.parse.quote(EXPENSIVE_QUERY)}", None, "127.0.0.1", 0.0)
    ] * 2
    results = _clients(base, [*login, *searches], seconds)
    latencies, statuses = results["/admin/login"]
    worst = max(latencies + results[searches[0][0]][0])
    counted = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str))
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/healthz")
    health = conn.getresponse().read().decode()
    conn.close()
    errors = sum(n for s, n in statuses.items() if not isinstance(s, int) or s >= 500)
    print(
        f"Login flood: {len(latencies)} logins from {clients} addresses in {seconds:.0f} s"
        f" beside 2 expensive searches ({counted}); worst {worst * 1000:.1f} ms,"
        f" {errors} errors (5xx or no answer); /healthz: {health.strip()}"
    )
    return worst


def ocr_noise(folder: Path, file_seconds: float) -> float:
    """Read a 3-page PDF whose pages all show one 300-dpi 1-bit noise image, with OCR's file
    budget set to `file_seconds`; print how long it took and the note."""
    from PIL import Image

    rng = random.Random(24)
    noise = Image.frombytes("1", (2480, 3508), rng.randbytes(2480 * 3508 // 8))
    out = io.BytesIO()
    noise.save(out, "PDF", resolution=300, save_all=True, append_images=[noise, noise])
    (folder / "kohina.pdf").write_bytes(out.getvalue())
    before = os.environ.get("SOTEHAKU_OCR_FILE_SECONDS")
    os.environ["SOTEHAKU_OCR_FILE_SECONDS"] = str(file_seconds)
    try:
        started = time.perf_counter()
        read = loading.load(folder, "kohina.pdf", max_seconds=file_seconds * 2 + 60)
        took = time.perf_counter() - started
    finally:
        if before is None:
            del os.environ["SOTEHAKU_OCR_FILE_SECONDS"]
        else:
            os.environ["SOTEHAKU_OCR_FILE_SECONDS"] = before
    said = read.note if isinstance(read, Document) else read.reason
    print(
        f"OCR noise: {len(out.getvalue()) // 1024} kB PDF of 3 pages of one noise image,"
        f" OCR budget {file_seconds:.0f} s: {took:.1f} s ({said})"
    )
    return took
