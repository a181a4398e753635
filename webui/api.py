"""The JSON API and the health check."""

from flask import Blueprint, current_app, jsonify, request

from indexer.search import QueryError, search
from indexer.stats import index_stats
from indexer.store import IndexMissing
from webui.errors import error_response
from webui.metrics import note_search
from webui.params import BadParameter, page_and_limit

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    """Return one page of results as JSON."""
    q = request.args.get("q", "")
    try:
        page, limit = page_and_limit()
        if not q.strip():
            raise BadParameter("'q' is required: the words to search for.")
        result = search(current_app.config["INDEX_DIR"], q, page=page, limit=limit)
    except (BadParameter, QueryError) as e:
        return error_response(400, str(e))
    note_search(result.total)
    return jsonify(result.to_json())


@bp.get("/healthz")
def healthz():
    """Report whether the index opens, with its size and generation."""
    try:
        s = index_stats(current_app.config["INDEX_DIR"])
    except IndexMissing as e:
        return jsonify(status="unavailable", error=str(e)), 503
    except Exception:
        # A damaged index fails in ways of its own (a zeroed segment is an unpickling error):
        # any of them means "not serving", which is what a load balancer asks here.
        current_app.logger.exception("The health check could not open the index")
        return jsonify(status="unavailable", error="The index cannot be opened."), 503
    return jsonify(
        status="ok",
        documents=s.documents,
        generation=s.generation,
        built_at=s.built_at,
        updated_at=s.updated_at,
        analyzer=s.analyzer,
    )
