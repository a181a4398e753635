"""Prometheus metrics at /metrics: requests, search latency, and the index folder's gauges.

Under gunicorn each worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR, which
webui/gunicorn_conf.py makes before the workers start, and any worker's /metrics adds up
those of all (prometheus_client's multiprocess mode). Without it, as under Flask's test
client, the counts are this process's.

SOTEHAKU_METRICS decides who may read them: loopback (the default: Prometheus on the same
host, or through the proxy that deploy/ configures to refuse /metrics from outside), on, or
off. Behind a proxy every client comes from loopback, which is why the proxy refuses the path.
"""

import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from indexer import IndexCollector
from webui.errors import error_response

# Not registered in prometheus_client's global registry: each app gathers its own, so that
# multiprocess mode does not read this process's values twice.
REQUESTS = Counter(
    "sotehaku_http_requests",
    "Requests answered, by endpoint and status.",
    ["endpoint", "status"],
    registry=None,
)
SEARCH_SECONDS = Histogram(
    "sotehaku_search_duration_seconds",
    "Time to answer a search, from request to response, by endpoint.",
    ["endpoint"],
    # Searches take milliseconds; the deadlines (indexer/common/deadline.py) stop them near 1 s.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
UNMATCHED = "unmatched"  # a URL no route serves; its own label keeps label values few

bp = Blueprint("metrics", __name__)


def note_search(hits: int) -> None:
    """Mark the current request as a search that found this many documents."""
    g.search_hits = hits


def search_hits() -> int | None:
    """Return the documents the current request's search found, or None if it ran none."""
    return g.get("search_hits")


def request_seconds() -> float:
    """Return how long the current request has taken so far."""
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def endpoint() -> str:
    """Return the endpoint serving the current request, "unmatched" for an unknown URL."""
    return request.url_rule.endpoint if request.url_rule else UNMATCHED


def init_app(app: Flask) -> None:
    """Count every request, time searches, and serve /metrics as SOTEHAKU_METRICS says."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(SEARCH_SECONDS)
    registry.register(IndexCollector(app.config["INDEX_DIR"]))
    app.extensions["sotehaku_metrics"] = registry

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        name = endpoint()
        REQUESTS.labels(name, str(response.status_code)).inc()
        if search_hits() is not None:
            SEARCH_SECONDS.labels(name).observe(request_seconds())
        return response

    app.register_blueprint(bp)


@bp.get("/metrics")
def metrics():
    """Return the metrics in Prometheus's text format."""
    allowed = current_app.config["METRICS"]
    if allowed == "off":
        abort(404)
    if allowed == "loopback" and not _from_loopback(request.remote_addr):
        return error_response(403, "Mittarit näytetään vain tältä koneelta (SOTEHAKU_METRICS).")
    body = generate_latest(current_app.extensions["sotehaku_metrics"])
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def _from_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False
