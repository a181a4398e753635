"""The service as an admin runs it: the `sotehaku` command from a plain install, `sotehaku serve`
with its two gunicorn workers counting into one /metrics, JSON logs, and `serve --watch`."""

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.store import generations
from tests.conftest import ROOT, http_request, write_files
from tests.server import free_port, wait_until_serving
from tests.test_metrics import samples

SOTEHAKU = Path(sys.executable).with_name("sotehaku")


@contextmanager
def sotehaku_serve(
    args: list[str],
    log: Path,
    env: dict[str, str] | None = None,
    command: Path = SOTEHAKU,
    cwd: Path = ROOT,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `sotehaku serve ARGS` on a free loopback port until the block ends; yield its URL
    and process. Its stderr (the JSON log) goes to the log file."""
    port = free_port()
    argv = [str(command), "serve", "--bind", f"127.0.0.1:{port}", *args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, proc, log.read_text)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def json_lines(log: Path) -> list[dict]:
    """Every line of a log, parsed: each must be one JSON object."""
    return [json.loads(line) for line in log.read_text().splitlines()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_workers_count_into_one_metrics_page(
    seed_index: Path, seeds_copy: Path, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    args = ["--workers", "2", "--index", str(seed_index), "--seeds", str(seeds_copy)]
    with sotehaku_serve(args, log) as (url, proc):
        # Concurrent clients, so that both workers take requests.
        def client() -> None:
            for _ in range(20):
                assert http_request(url, "/api/search?q=VATE")[0] == 200

        def served_by() -> set[int]:
            return {
                line["pid"] for line in json_lines(log) if line.get("endpoint") == "api.api_search"
            }

        # Rounds until both workers have served some: which one accepts is the kernel's say.
        rounds = 0
        while rounds < 10 and (rounds == 0 or len(served_by()) < 2):
            threads = [threading.Thread(target=client) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            rounds += 1
        assert http_request(url, "/?q=" + "sote")[0] == 200
        # Whichever worker answers /metrics adds up both.
        pages = [samples(http_request(url, "/metrics")[2]) for _ in range(6)]
        status, headers, _ = http_request(url, "/metrics")
        assert (status, headers["Content-Type"].split(";")[0]) == (200, "text/plain")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    searched = ("sotehaku_http_requests_total", (("endpoint", "api.api_search"), ("status", "200")))
    timed = ("sotehaku_search_duration_seconds_count", (("endpoint", "api.api_search"),))
    assert {(page[searched], page[timed]) for page in pages} == {(120 * rounds, 120 * rounds)}
    assert pages[0][("sotehaku_index_documents", ())] == 5

    lines = json_lines(log)
    requests = [line for line in lines if line["logger"] == "sotehaku.request"]
    assert len(served_by()) == 2, "one worker served every search"
    assert {
        (line["status"], line["hits"]) for line in requests if line["endpoint"] == "api.api_search"
    } == {(200, 2)}
    assert all(line["duration_ms"] > 0 for line in requests)
    # Neither the app nor gunicorn writes the query text: no access log with the URL.
    assert "VATE" not in log.read_text()
    assert any(line["message"].startswith("Booting worker") for line in lines)


def test_a_traceback_goes_to_the_log_as_one_json_line_never_to_the_client(
    seed_index: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    log = tmp_path / "serve.log"
    with sotehaku_serve(["--workers", "1", "--index", str(index_dir)], log) as (url, _):
        # What no code expects: the generation's facts are not JSON.
        (generations.require_generation(index_dir) / generations.META).write_text("{")
        status, _, body = http_request(url, "/healthz")
        metrics_status, _, metrics = http_request(url, "/metrics")
    assert (status, json.loads(body)) == (
        503,
        {"status": "unavailable", "error": "The index cannot be opened."},
    )
    failure = next(line for line in json_lines(log) if "exception" in line)
    assert (failure["level"], failure["message"]) == (
        "error",
        "The health check could not open the index",
    )
    assert failure["exception"].startswith("Traceback (most recent call last):\n")
    assert "JSONDecodeError" in failure["exception"]
    # A scrape still answers, and says the index is not serving.
    assert (metrics_status, samples(metrics)[("sotehaku_index_up", ())]) == (200, 0)


def test_serve_with_watch_picks_up_files_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Ensimmäinen\n\nVATE kokoontui."})
    index_dir = tmp_path / "index"
    log = tmp_path / "serve.log"
    args = ["--watch", "--workers", "1", "--index", str(index_dir), "--seeds", str(seeds)]
    # No index yet: the watcher builds it, then the server has something to serve.
    with sotehaku_serve(args, log, env={"SOTEHAKU_WATCH_SETTLE_SECONDS": "0.3"}) as (url, proc):
        write_files(seeds, {"b.txt": "Toinen\n\nHyvinvointialue aloitti."})
        deadline = time.monotonic() + 10
        while json.loads(http_request(url, "/api/search?q=hyvinvointialue")[2])["total"] != 1:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    lines = json_lines(log)
    assert [line["message"] for line in lines if line["logger"] == "sotehaku.watch"] == [
        f"Watching {seeds}",
        f"Stopped watching {seeds}",
    ]
    pids = {line["pid"] for line in lines}
    assert len(pids) == 3  # gunicorn's master and worker, and the watcher
    assert not [pid for pid in pids if alive(pid)]


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install .` into a new venv, as an admin installs a release; return its sotehaku.

    The new venv finds the dependencies in the project's venv (a path file) instead of
    downloading them again, but has its own copy of the project, no editable link to it.
    """
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
        + ["--quiet", "--no-deps", "--no-build-isolation", str(ROOT)],
        check=True,
        capture_output=True,
    )
    return venv / "bin" / "sotehaku"


def test_a_plain_install_gives_a_working_sotehaku(plain_install: Path, tmp_path: Path) -> None:
    write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE kokoontui."})

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(plain_install), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "serve" in run("--help") and "watch" in run("--help")
    assert "Indexed 1 documents" in run("build", "--seeds", "seeds", "--index", "index")
    assert run("search", "VATE").startswith("1 documents (")
    where = subprocess.run(
        [str(plain_install.with_name("python")), "-c", "import indexer; print(indexer.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert not where.stdout.startswith(str(ROOT))
    with sotehaku_serve(
        ["--index", "index"], tmp_path / "serve.log", command=plain_install, cwd=tmp_path
    ) as (url, _):
        status, _, body = http_request(url, "/?q=VATE")
        assert status == 200 and "<mark>VATE</mark>" in body.decode()
        assert http_request(url, "/static/style.css")[0] == 200
