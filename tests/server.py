"""The real gunicorn server over an index, for the tests and the benchmarks that need one."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a loopback port that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, proc: subprocess.Popen, log: Callable[[], str]) -> None:
    """Wait until a server just started answers /healthz; when it exits first or takes over
    30 s, raise RuntimeError with what it logged."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log()) from None
            time.sleep(0.1)


@contextmanager
def gunicorn(
    index_dir: Path, seeds_dir: Path, workers: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """Run the web app under gunicorn on a free loopback port; yield its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "SOTEHAKU_INDEX_DIR": str(index_dir),
        "SOTEHAKU_SEEDS_DIR": str(seeds_dir),
        **(extra_env or {}),
    }
    command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers)]
    command += ["--config", "python:webui.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "webui:create_app()"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"

        def logged() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            wait_until_serving(url, proc, logged)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=15)
