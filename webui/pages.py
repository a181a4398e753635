"""The search page and the document page."""

from flask import Blueprint, abort, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import PathConverter

from indexer.search import QueryError, get_document, search
from webui.metrics import note_search
from webui.params import BadParameter, int_arg

bp = Blueprint("pages", __name__)


class DocIdConverter(PathConverter):
    """A document id: a path below the seeds folder, whose file names may hold a newline
    (werkzeug's path converter stops at one)."""

    regex = r"[^/][\s\S]*?"


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["docid"] = DocIdConverter


PER_PAGE = 10
# Parts of a long document; a larger number is shown as its last part.
MAX_PART = 100_000


@bp.get("/")
def index():
    """Show the search form, and the results for a query."""
    q = request.args.get("q", "")
    if not q.strip():
        return render_template("search.html", q="", result=None, error=None)
    try:
        page = int_arg("page", 1, 1, 10_000)
        result = search(current_app.config["INDEX_DIR"], q, page=page, limit=PER_PAGE)
    except (BadParameter, QueryError) as e:
        return render_template("search.html", q=q, result=None, error=str(e)), 400
    note_search(result.total)
    return render_template("search.html", q=q, result=result, error=None)


@bp.get("/doc/<docid:doc_id>")
def document(doc_id: str):
    """Show a whole document with the query's words highlighted."""
    q = request.args.get("q", "")
    try:
        part = int_arg("part", 1, 1, MAX_PART)
        # A result's page ("s. 3" links to ?page=3#sivu-3) picks the part that holds it.
        page = int_arg("page", 0, 1, MAX_PART) or None
    except BadParameter as e:
        return render_template("error.html", status=400, message=str(e)), 400
    doc = get_document(current_app.config["INDEX_DIR"], doc_id, q, part, page)
    if doc is None:
        abort(404)
    return render_template("document.html", doc=doc, q=q)
