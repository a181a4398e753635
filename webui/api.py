"""The JSON API and the health check."""

from flask import Blueprint, Response, current_app, json, jsonify, request

from indexer import (
    MAX_PREFIX_CHARS,
    MAX_SUGGESTIONS,
    FilterError,
    IndexMissing,
    QueryError,
    index_stats,
    suggestions,
)
from webui import search_args
from webui.admin import state_usable
from webui.errors import error_response
from webui.i18n import translate
from webui.metrics import note_search
from webui.params import BadParameter, int_arg

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    """Return one page of results as JSON, with the facets of the whole filtered result."""
    try:
        args = search_args.read(page_sizes=None)
        if not args.q.strip():
            raise BadParameter("'q' is required: the words to search for.")
        result = search_args.run(current_app.config["INDEX_DIR"], args)
    except (BadParameter, FilterError, QueryError) as e:
        return error_response(400, translate(e.message))
    note_search(result.total)
    return jsonify(result.to_json())


@bp.get("/api/suggest")
def api_suggest():
    """Return index words and titles that start with what was typed, the most frequent first.

    format=opensearch answers as browsers ask for a search engine's suggestions.
    """
    prefix = request.args.get("q", "")
    try:
        if len(prefix) > MAX_PREFIX_CHARS:
            raise BadParameter(
                "'q' is too long: at most %(count)s characters.", count=MAX_PREFIX_CHARS
            )
        limit = int_arg("limit", MAX_SUGGESTIONS, 1, MAX_SUGGESTIONS)
        found = suggestions(current_app.config["INDEX_DIR"], prefix, limit)
    except BadParameter as e:
        return error_response(400, translate(e.message))
    # None: the lists are being read for this generation; ask again in a moment.
    shown = found or []
    if request.args.get("format") == "opensearch":
        body = json.dumps([prefix, [s.text for s in shown]])
        return Response(body, mimetype="application/x-suggestions+json")
    return jsonify(
        query=prefix,
        ready=found is not None,
        suggestions=[{"text": s.text, "kind": s.kind, "count": s.count} for s in shown],
    )


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
    admin = state_usable(current_app)
    return jsonify(
        status="ok",
        documents=s.documents,
        generation=s.generation,
        built_at=s.built_at,
        updated_at=s.updated_at,
        analyzer=s.analyzer,
        # Search works without it; a monitor should still hear that logins fail.
        **({} if admin is None else {"admin": "ok" if admin else "unavailable"}),
    )
