"""Limits on a request's size, checked by the app so it answers them like any other error.

gunicorn refuses an overlong request line (414) or header (431) before the app sees it, with
an HTML page of its own. webui/gunicorn_conf.py sets gunicorn's limits above these, so
within them the client gets this app's JSON or error page, with the security headers.
"""

from flask import Flask, abort, request

MAX_URL_BYTES = 4096  # a 500-character query, percent-encoded, fits with room to spare
MAX_HEADER_FIELDS = 100
MAX_HEADER_FIELD_BYTES = 8190


def init_app(app: Flask) -> None:
    """Refuse requests over the limits before any view runs."""

    @app.before_request
    def refuse_oversized_requests() -> None:
        # RAW_URI is the target as sent, percent-encoding and all; the test client has none.
        url = request.environ.get("RAW_URI") or request.full_path
        if len(url) > MAX_URL_BYTES:
            abort(414)
        fields = list(request.headers.items())
        # A field's size as sent, "Name: value", near enough to how gunicorn counts it.
        longest = max((len(name) + 2 + len(value) for name, value in fields), default=0)
        if len(fields) > MAX_HEADER_FIELDS or longest > MAX_HEADER_FIELD_BYTES:
            abort(431)
