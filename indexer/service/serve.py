"""Serve the web app with gunicorn and the project's defaults, and the watcher beside it.

The library does not import the web layer: gunicorn loads it by name in its workers.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

GUNICORN_APP = "webui:create_app()"
GUNICORN_CONFIG = "python:webui.gunicorn_conf"
# How long the server and the watcher get to stop after SIGTERM before they are killed;
# gunicorn's own graceful_timeout (webui/gunicorn_conf.py) is below it.
STOP_SECONDS = 30


def gunicorn_command(bind: str, workers: int) -> list[str]:
    """Return the command that serves the app with the project's gunicorn settings."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        GUNICORN_CONFIG,
        "--workers",
        str(workers),
        "--bind",
        bind,
        GUNICORN_APP,
    ]


def watcher_command() -> list[str]:
    """Return the command that runs the folder watcher."""
    return [sys.executable, "-m", "indexer", "watch"]


def exec_server(bind: str, workers: int, env: Mapping[str, str]) -> None:
    """Become gunicorn: a service manager then signals and watches the server itself."""
    command = gunicorn_command(bind, workers)
    os.execve(command[0], command, dict(env))


def serve_and_watch(bind: str, workers: int, env: Mapping[str, str]) -> int:
    """Run gunicorn and the watcher until SIGTERM or Ctrl-C, or until either of them exits;
    then stop the other and return an exit code (0 after a signal, else the first one's)."""
    children = [
        subprocess.Popen(gunicorn_command(bind, workers), env=dict(env)),
        subprocess.Popen(watcher_command(), env=dict(env)),
    ]
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        _terminate(children)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        first = next((child.returncode for child in children if child.returncode), 0)
        _terminate(children)
        deadline = time.monotonic() + STOP_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else first


def _terminate(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
