"""Error pages: every failure a user can cause or meet gets a page or JSON, never a traceback."""

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.analysis import AnalysisUnavailable
from indexer.store import IndexMissing, IndexUnreadable


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
            404: "Sivua ei löytynyt.",
            405: "Tätä toimintoa ei voi tehdä näin.",
            414: "Osoite on liian pitkä.",
            431: "Pyynnön otsaketiedot ovat liian suuret.",
        }
        response = make_response(
            error_response(e.code or 500, messages.get(e.code, e.description or e.name))
        )
        # Keep what the error itself says in headers, such as the methods a 405 allows.
        for name, value in e.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(IndexUnreadable)
    def index_unreadable(e: IndexUnreadable):
        app.logger.error("The index cannot be read: %s", e)
        return error_response(
            503, "Hakemisto on vioittunut, joten haku ei nyt toimi. Yritä myöhemmin uudelleen."
        )

    @app.errorhandler(IndexMissing)
    def index_missing(e: IndexMissing):
        return error_response(503, "Hakemistoa ei ole vielä rakennettu. " + str(e))

    @app.errorhandler(AnalysisUnavailable)
    def analysis_unavailable(e: AnalysisUnavailable):
        return error_response(503, str(e))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("Unhandled error")
        return error_response(500, "Jokin meni vikaan. Yritä hetken päästä uudelleen.")
