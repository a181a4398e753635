"""Error pages: every failure a user can cause or meet gets a page or JSON, never a traceback."""

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from indexer import AnalysisUnavailable, IndexMissing, IndexUnreadable


def wants_json() -> bool:
    """Tell whether the request came to the JSON API or the health check."""
    path = request.path
    return path == "/healthz" or path == "/api" or path.startswith("/api/")


def error_response(status: int, message: str):
    """Return an error as JSON for the API, as a page otherwise."""
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        messages = {
            404: gettext("Page not found."),
            405: gettext("This cannot be done this way."),
            414: gettext("The address is too long."),
            431: gettext("The request's headers are too large."),
        }
        message = messages.get(e.code) or gettext("The request could not be handled.")
        response = make_response(error_response(e.code or 500, message))
        # Keep what the error itself says in headers, such as the methods a 405 allows.
        for name, value in e.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(IndexUnreadable)
    def index_unreadable(e: IndexUnreadable):
        app.logger.error("The index cannot be read: %s", e)
        return error_response(
            503, gettext("The index is damaged, so search does not work now. Try again later.")
        )

    @app.errorhandler(IndexMissing)
    def index_missing(e: IndexMissing):
        # Where and how to build it is for the logs and the admin page, not for the public.
        app.logger.warning("%s", e)
        return error_response(
            503, gettext("The index has not been built yet, so search does not work yet.")
        )

    @app.errorhandler(AnalysisUnavailable)
    def analysis_unavailable(e: AnalysisUnavailable):
        app.logger.error("%s", e)
        return error_response(
            503, gettext("Search does not work on this server now. Try again later.")
        )

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("Unhandled error")
        return error_response(500, gettext("Something went wrong. Try again in a moment."))
