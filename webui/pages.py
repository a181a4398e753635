"""The search page, the document page, a case's history, the query help, the Atom feed and
OpenSearch."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import PathConverter

from indexer import (
    FilterError,
    IndexMissing,
    QueryError,
    browse,
    case_history,
    get_document,
    live_meta,
    original_file,
    search_index,
    settings,
    similar_documents,
    xml_safe,
)
from webui import search_args
from webui.i18n import translate
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


# Parts of a long document; a larger number is shown as its last part.
MAX_PART = 100_000
FEED_ENTRIES = 20
SIMILAR = 5


@bp.get("/")
def index():
    """Show the search form, the results of a query, or the newest documents without one."""
    try:
        args = search_args.read()
    except (BadParameter, FilterError) as e:
        return _search_page(None, None, translate(e.message), 400)
    index_dir = current_app.config["INDEX_DIR"]
    try:
        if not args.q.strip():
            # Browsing is a help, not the page's purpose: without an index the form remains.
            try:
                result = browse(
                    index_dir,
                    page=args.page,
                    limit=args.limit,
                    filters=args.filters,
                    sort="newest" if args.sort == "relevance" else args.sort,
                )
            except IndexMissing:
                result = None
            return _search_page(args, result, None, 200)
        result = search_args.run(index_dir, args)
    except QueryError as e:
        return _search_page(args, None, translate(e.message), 400)
    note_search(result.total)
    return _search_page(args, result, None, 200)


def _search_page(args, result, error: str | None, status: int):
    if args is None:
        args = search_args.plain(request.args.get("q", ""))
    html = render_template(
        "search.html",
        q=args.q,
        args=args,
        result=result,
        error=error,
        page_sizes=search_args.PAGE_SIZES,
        back=args.back(result.page if result is not None else args.page) or None,
    )
    return html, status


@bp.get("/doc/<docid:doc_id>")
def document(doc_id: str):
    """Show a whole document with the query's words highlighted, and documents like it."""
    q = request.args.get("q", "")
    try:
        part = int_arg("part", 1, 1, MAX_PART)
        # A result's page ("s. 3" links to ?page=3#sivu-3) picks the part that holds it.
        page = int_arg("page", 0, 1, MAX_PART) or None
    except BadParameter as e:
        return render_template("error.html", status=400, message=translate(e.message)), 400
    index_dir = current_app.config["INDEX_DIR"]
    doc = get_document(index_dir, doc_id, q, part, page)
    if doc is None:
        abort(404)
    similar = similar_documents(index_dir, doc_id, SIMILAR)
    back = request.args.get("back", "")
    return render_template(
        "document.html",
        doc=doc,
        q=q,
        similar=similar,
        back=back or None,
        back_url=search_args.back_url(back),
    )


@bp.get("/original/<docid:doc_id>")
def original(doc_id: str):
    """Send an indexed document's file as it is in the seeds folder."""
    config = current_app.config
    found = original_file(
        config["INDEX_DIR"], config["SEEDS_DIR"], doc_id, config["MAX_FILE_BYTES"]
    )
    if found is None:
        abort(404)
    response = Response(found.content, mimetype=found.media_type)
    # A PDF opens in the browser's viewer, under the site's own policy (no script of this
    # site's origin); anything else (an HTML file could run scripts here) is downloaded, and
    # sandboxed should a browser show it.
    name = quote(found.name)
    if found.media_type == "application/pdf":
        response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    else:
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        response.headers["Content-Security-Policy"] = "sandbox"
    return response


@bp.get("/asia/<path:case>")
def case(case: str):
    """Show every section of a case, oldest meeting first."""
    try:
        sections = case_history(current_app.config["INDEX_DIR"], case)
    except QueryError as e:
        return render_template("error.html", status=400, message=translate(e.message)), 400
    return render_template("case.html", case=case, sections=sections)


@bp.get("/help")
def help_page():
    """Explain the query syntax, with a link back to the search it was opened from."""
    back = request.args.get("back", "")
    return render_template("help.html", back=back or None, back_url=search_args.back_url(back))


@bp.get("/feed.atom")
def feed():
    """Return an Atom feed of the newest documents that match a query (all without one)."""
    try:
        args = search_args.read(page_sizes=None)
    except (BadParameter, FilterError) as e:
        return render_template("error.html", status=400, message=translate(e.message)), 400
    index_dir = current_app.config["INDEX_DIR"]
    sort = "newest" if args.sort == "relevance" else args.sort
    # Following a decision maker or a case is following its decisions: sections, not files.
    case = request.args.get("case", "").strip()
    sections = bool(case or args.filters.decision_maker)
    try:
        if args.q.strip():
            result = search_index(
                index_dir, args.q, limit=FEED_ENTRIES, filters=args.filters, sort=sort
            )
        else:
            result = browse(
                index_dir,
                limit=FEED_ENTRIES,
                filters=args.filters,
                sort=sort,
                sections=sections,
                case=case,
            )
    except QueryError as e:
        return render_template("error.html", status=400, message=translate(e.message)), 400
    xml = render_template(
        "feed.xml",
        result=result,
        args=args,
        followed=case or ", ".join(sorted(args.filters.decision_maker)),
        page_url=url_for("pages.case", case=case) if case else args.url("/", sort=None, limit=None),
        self_url=request.full_path.rstrip("?"),
        updated=_index_time(index_dir),
    )
    # Indexes built before titles and snippets were cleaned may still hold characters XML
    # does not allow, and the query is as typed: one of them made the whole feed invalid.
    return Response(xml_safe(xml), mimetype="application/atom+xml")


def _index_time(index_dir) -> str:
    """Return when the live index last changed, as Atom writes times."""
    meta = live_meta(index_dir)
    return meta.get("updated_at") or meta.get("built_at") or "1970-01-01T00:00:00+00:00"


@bp.get("/opensearch.xml")
def opensearch():
    """Describe the search for browsers, which offer to add it as a search engine."""
    # The request's own address comes from its Host header: behind a proxy, set the public one.
    root = settings.public_url() or request.url_root.rstrip("/")
    xml = render_template("opensearch.xml", root=root)
    return Response(xml_safe(xml), mimetype="application/opensearchdescription+xml")
