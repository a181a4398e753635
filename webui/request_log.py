"""One JSON log line per request: endpoint, status, duration and, for a search, its hits.

The query text is left out unless SOTEHAKU_LOG_QUERIES is true, since people type names into
a search box, and so is the query string of the URL, which carries it. The client's address
is left out too: behind the proxy it is the proxy's, and the proxy's own log has the real one.
"""

from flask import Flask, Response, current_app, request

from indexer import logs
from webui.metrics import endpoint, request_seconds, search_hits


def init_app(app: Flask) -> None:
    """Log each request once it has its response."""

    @app.after_request
    def log_request(response: Response) -> Response:
        fields = {
            "method": request.method,
            "path": request.path,
            "endpoint": endpoint(),
            "status": response.status_code,
            "duration_ms": round(request_seconds() * 1000, 2),
        }
        hits = search_hits()
        if hits is not None:
            fields["hits"] = hits
            if current_app.config["LOG_QUERIES"]:
                fields["query"] = request.args.get("q", "")
        logs.event("request", f"{request.method} {request.path} {response.status_code}", **fields)
        return response
