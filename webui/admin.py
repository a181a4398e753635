"""The admin page: log in with the admin token, see the index, start a rebuild or update."""

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
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

from indexer.analysis import AnalysisUnavailable
from indexer.lock import is_locked
from indexer.stats import index_stats
from indexer.store import IndexMissing
from webui import jobs

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_FAILURES = 5
FAILURE_WINDOW = 300  # seconds
_LIMITER = "sotehaku.admin.login_failures"


def init_app(app: Flask) -> None:
    """Register the admin pages and make the session cookie fit for them."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.extensions[_LIMITER] = FailureLimiter(MAX_FAILURES, FAILURE_WINDOW)
    app.register_blueprint(bp)


class FailureLimiter:
    """Count failed logins per client address within a sliding window.

    Kept in memory, so each gunicorn worker counts on its own: with N workers a client gets at
    most N times the limit, which still turns guessing a token into a hopeless task.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        """Tell whether a client has used up its failures."""
        with self._lock:
            return len(self._recent(client)) >= self.limit

    def fail(self, client: str) -> None:
        """Count one failure."""
        with self._lock:
            self._recent(client).append(time.monotonic())

    def forget(self, client: str) -> None:
        """Clear a client's failures after it logged in."""
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        cutoff = time.monotonic() - self.window
        if len(self._failures) > 10_000:
            # Many addresses: drop those whose failures have all expired, so memory stays bounded.
            for key in [k for k, q in self._failures.items() if q[-1] < cutoff]:
                del self._failures[key]
        times = self._failures.setdefault(client, deque())
        while times and times[0] < cutoff:
            times.popleft()
        return times


@bp.before_request
def require_token_configured():
    """Hide every admin URL unless an admin token is configured."""
    if not current_app.config.get("ADMIN_TOKEN"):
        abort(404)


@bp.get("/login")
def login_form():
    """Ask for the admin token."""
    if _logged_in():
        return redirect(url_for("admin.page"), 303)
    return render_template("admin_login.html", message=None)


@bp.post("/login")
def login():
    """Check the token and open an admin session."""
    limiter: FailureLimiter = current_app.extensions[_LIMITER]
    client = request.remote_addr or "unknown"
    if limiter.blocked(client):
        message = (
            "Liian monta epäonnistunutta kirjautumista. Yritä uudelleen muutaman minuutin päästä."
        )
        headers = {"Retry-After": str(FAILURE_WINDOW)}
        return render_template("admin_login.html", message=message), 429, headers
    given = request.form.get("token", "")
    if not _same(given, current_app.config["ADMIN_TOKEN"]):
        limiter.fail(client)
        session.clear()
        return render_template("admin_login.html", message="Väärä ylläpitotunnus."), 401
    limiter.forget(client)
    session.clear()
    session["admin"] = _fingerprint()
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("admin.page"), 303)


@bp.post("/logout")
def logout():
    """End the admin session."""
    if _logged_in() and not _csrf_ok():
        return _csrf_refused()
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
        return _render(str(e), 409)
    return redirect(url_for("admin.page"), 303)


def _render(message: str | None = None, status: int = 200):
    index_dir: Path = current_app.config["INDEX_DIR"]
    stats, problem = None, None
    try:
        stats = index_stats(index_dir)
    except IndexMissing:
        problem = "Hakemistoa ei ole vielä rakennettu. Rakenna se alla olevalla painikkeella."
    except AnalysisUnavailable as e:
        # The page must still offer the rebuild that cures this.
        problem = f"{e} Rakenna hakemisto uudelleen."
    except OSError as e:
        problem = f"Hakemistoa ei voitu avata: {e}"
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
        seeds_dir=current_app.config["SEEDS_DIR"],
    )
    return html, status


def _logged_in() -> bool:
    return _same(session.get("admin", ""), _fingerprint())


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
    message = (
        "Lomakkeen tarkistustunniste puuttuu tai on väärä, joten mitään ei käynnistetty."
        " Lataa ylläpitosivu uudelleen ja yritä sitten uudelleen."
    )
    return _render(message, 400)


def _same(given: object, expected: str) -> bool:
    """Compare secrets in constant time; anything but a string never matches."""
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
