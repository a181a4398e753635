"""The admin page: log in with the admin token, see the index, start a rebuild or update."""

import hashlib
import hmac
import logging
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from indexer import AnalysisUnavailable, IndexMissing, IndexUnreadable, index_stats, is_locked, jobs
from webui.admin_state import AdminState, Limits, StateUnavailable
from webui.errors import error_response
from webui.i18n import skip_reason, translate

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Failed logins within FAILURE_WINDOW seconds that block an address, its network (an IPv6
# /64, all of loopback) and everybody: the last keeps a flood from many addresses from
# filling the state file, and a token of 16 characters or more from being guessed anyway.
MAX_FAILURES = 5
NETWORK_FAILURES = 10
ALL_FAILURES = 100
FAILURE_WINDOW = 300  # seconds
# What a 503 asks a client to wait when the admin state is locked or damaged.
RETRY_SECONDS = 5
SESSION_SECONDS = 8 * 3600
_STATE = "sotehaku.admin.state"

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the admin pages and make the session cookie fit for them."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config["ADMIN_TOKEN"]:
        limits = Limits(MAX_FAILURES, NETWORK_FAILURES, ALL_FAILURES, FAILURE_WINDOW)
        app.extensions[_STATE] = AdminState(app.config["INDEX_DIR"], SESSION_SECONDS, limits)
    app.register_blueprint(bp)


def state_usable(app: Flask) -> bool | None:
    """Tell whether the admin state can be read now; None without an admin page."""
    state = app.extensions.get(_STATE)
    return state.usable() if state is not None else None


@bp.before_request
def require_token_configured():
    """Hide every admin URL unless an admin token is configured."""
    if not current_app.config.get("ADMIN_TOKEN"):
        abort(404)


@bp.after_request
def not_stored(response):
    """Keep admin pages (the index's details, the form's check token) out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(StateUnavailable)
def state_unavailable(e: StateUnavailable):
    """Answer 503 when the sessions and login counts cannot be read or written now."""
    log.error("The admin state is unavailable: %s", e)
    message = gettext("The admin page is not available right now. Try again in a moment.")
    response = error_response(503, message)
    return response[0], response[1], {"Retry-After": str(RETRY_SECONDS)}


@bp.get("/login")
def login_form():
    """Ask for the admin token."""
    if _logged_in():
        return redirect(url_for("admin.page"), 303)
    return render_template("admin_login.html", message=None)


@bp.post("/login")
def login():
    """Check the token and open an admin session."""
    state = _state()
    client = request.remote_addr or "unknown"
    if not state.try_login(client):
        message = gettext("Too many failed logins. Try again in a few minutes.")
        headers = {"Retry-After": str(FAILURE_WINDOW)}
        return render_template("admin_login.html", message=message), 429, headers
    given = request.form.get("token", "")
    if not _same(given, current_app.config["ADMIN_TOKEN"]):
        session.clear()
        return render_template("admin_login.html", message=gettext("Wrong admin token.")), 401
    state.forget(client)
    session.clear()
    session["admin"] = _fingerprint()
    session["sid"] = state.open_session()
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("admin.page"), 303)


@bp.post("/logout")
def logout():
    """End the admin session here and in every worker, so a copy of its cookie is useless."""
    if _logged_in() and not _csrf_ok():
        return _csrf_refused()
    if isinstance(session.get("sid"), str):
        _state().close_session(session["sid"])
    session.clear()
    return redirect(url_for("admin.login_form"), 303)


@bp.get("")
def page():
    """Show the index, the latest job and the buttons that start one."""
    if not _logged_in():
        return redirect(url_for("admin.login_form"), 303)
    return _render()


@bp.post("/<any(rebuild, update):action>")
def start(action: str):
    """Start a rebuild or an update in the background, then go back to the admin page."""
    if not _logged_in():
        return redirect(url_for("admin.login_form"), 303)
    if not _csrf_ok():
        return _csrf_refused()
    config = current_app.config
    try:
        jobs.start(action, config["SEEDS_DIR"], config["INDEX_DIR"], config["MAX_FILE_BYTES"])
    except jobs.JobBusy as e:
        return _render(translate(e.message), 409)
    return redirect(url_for("admin.page"), 303)


def _render(message: str | None = None, status: int = 200):
    index_dir: Path = current_app.config["INDEX_DIR"]
    stats, problem = None, None
    # Whatever keeps the index from opening, the page must still offer the rebuild that cures
    # it: a build reads the seeds, never the damaged index.
    try:
        stats = index_stats(index_dir)
    except IndexUnreadable as e:
        problem = gettext(
            "The index is damaged and cannot be read: %(error)s Rebuild it.", error=str(e)
        )
    except IndexMissing:
        problem = gettext("The index has not been built yet. Build it with the button below.")
    except AnalysisUnavailable as e:
        problem = gettext("%(error)s Rebuild the index.", error=translate(str(e)))
    except Exception as e:
        log.exception("The admin page could not open the index")
        problem = gettext(
            "The index could not be opened (%(kind)s: %(error)s). Rebuild it.",
            kind=type(e).__name__,
            error=str(e),
        )
    job = jobs.read(index_dir)
    job_running = job is not None and job.state == "running"
    busy = is_locked(index_dir)
    html = render_template(
        "admin.html",
        stats=stats,
        problem=problem,
        job=job,
        job_running=job_running,
        busy=busy,
        running=busy or job_running,
        message=message,
        csrf=session["csrf"],
        skip_reason=skip_reason,
        job_message=translate(job.said()) if job and job.said() else None,
        seeds_dir=current_app.config["SEEDS_DIR"],
    )
    return html, status


def _state() -> AdminState:
    return current_app.extensions[_STATE]


def _logged_in() -> bool:
    session_id = session.get("sid")
    return (
        _same(session.get("admin", ""), _fingerprint())
        and isinstance(session_id, str)
        and _state().session_open(session_id)
    )


def _fingerprint() -> str:
    """Tie a session to the token it was opened with: changing the token ends old sessions."""
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode()
    token = current_app.config["ADMIN_TOKEN"].encode()
    return hmac.new(key, b"sotehaku-admin\0" + token, hashlib.sha256).hexdigest()


def _csrf_ok() -> bool:
    expected = session.get("csrf", "")
    return bool(expected) and _same(request.form.get("csrf", ""), expected)


def _csrf_refused():
    message = gettext(
        "The form's check token is missing or wrong, so nothing was started."
        " Load the admin page again and then try again."
    )
    return _render(message, 400)


def _same(given: object, expected: str) -> bool:
    """Compare secrets in constant time; anything but a string never matches."""
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
