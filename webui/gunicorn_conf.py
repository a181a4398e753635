"""How gunicorn serves the app: `gunicorn -c python:webui.gunicorn_conf 'webui:create_app()'`.

The one place for these; `make run` and the benchmark's and tests' server read it, and give
--bind and --workers on the command line.

A sync worker serves one connection at a time, so two clients that send half a request and
wait held both of `make run`'s workers for 30 s. A threaded worker waits for a connection's
first bytes without a thread, then gives it one: it takes about WORKERS * THREADS such
clients (50 slow sockets left /healthz at 3 ms with 2 workers; 64 began to stall it). Behind
a buffering proxy (see docs/production.md) none reach gunicorn.

The hooks below keep the workers' Prometheus counts in one folder, so that /metrics adds
them up, and make every log line JSON.
"""

import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.arbiter import Arbiter
from gunicorn.glogging import Logger
from gunicorn.workers.base import Worker

from indexer import logs

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_made_here: list[str] = []

# gthread, leaving new connections to the less busy worker (webui/balanced_worker.py).
worker_class = "webui.balanced_worker.BalancedThreadWorker"
threads = 32
# A kept-alive connection that sends nothing is closed after this many seconds.
keepalive = 5
timeout = 30
graceful_timeout = 20

# Above the app's own limits (webui/limits.py), so within those the app answers with JSON
# or an error page. 8190 is the longest request line gunicorn accepts; the header limits stay
# close to the app's because gunicorn buffers up to fields * field size per request.
limit_request_line = 8190
limit_request_fields = 128
limit_request_field_size = 12288

# gunicorn 27 opens a control socket in the user's home by default: two servers would share
# it, and a service user has no home to write to. Nothing here uses it.
control_socket_disable = True

# Every line on stderr is JSON, gunicorn's own ("Booting worker", a worker's timeout) and the
# app's (a line per request, tracebacks) alike: see indexer/service/logs.py.
logconfig_dict = logs.logging_config()


class _Logger(Logger):
    """gunicorn's logger without its access line, which the app writes itself
    (webui/request_log.py). Given a logging config, gunicorn builds every request's access
    line, a fiftieth of a search request's time, to hand it to a handler that drops it."""

    def access(self, resp: object, req: object, environ: object, request_time: object) -> None:
        return None


logger_class = _Logger


def on_starting(server: Arbiter) -> None:
    """Give the workers a folder for their metrics before any starts (prometheus_client's
    multiprocess mode reads PROMETHEUS_MULTIPROC_DIR when the app imports it)."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        # Counts left by a server that stopped would be added to this one's: start from zero.
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
    else:
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="sotehaku-metrics-")
        _made_here.append(os.environ[MULTIPROC_ENV])


def child_exit(server: Arbiter, worker: Worker) -> None:
    """Drop the live-only values of a worker that ended; its counts stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Arbiter) -> None:
    """Remove the metrics folder this server made for itself."""
    for folder in _made_here:
        shutil.rmtree(folder, ignore_errors=True)
