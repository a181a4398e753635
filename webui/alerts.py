"""E-mail alerts of a search: the subscription form's target, and the pages the messages'
links open (confirm, unsubscribe). The logic is the library's (indexer.subscribe, ...).

Confirming and unsubscribing are buttons (POST) on the page a link opens, since mail
programs and virus scanners open links by themselves; an unsubscribe link also takes the
one-click POST of RFC 8058 (List-Unsubscribe-Post). Without SOTEHAKU_SMTP_HOST these pages
are 404 and the search page has no form.
"""

import logging

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_babel import gettext

from indexer import (
    AlertStoreUnavailable,
    FilterError,
    MailUnavailable,
    QueryError,
    SavedSearch,
    SubscriptionError,
    TooManyRequests,
    confirm_subscription,
    followed_search,
    pending_subscription,
    settings,
    subscribe,
    unsubscribe,
)
from webui.admin_state import network_of
from webui.errors import error_response
from webui.i18n import language, translate

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
log = logging.getLogger(__name__)

# Tokens are 43 characters (secrets.token_urlsafe(32)); longer text is no token.
MAX_TOKEN_CHARS = 100
RETRY_SECONDS = 3600


def init_app(app: Flask) -> None:
    """Read the SMTP settings unless a test gave its own, and register the pages."""
    if "MAIL" not in app.config:
        app.config["MAIL"] = settings.mail()
    app.register_blueprint(bp)

    @app.context_processor
    def alerts_on() -> dict:
        return {"alerts_on": app.config["MAIL"] is not None}


@bp.before_request
def require_mail_configured():
    """Hide every alerts page unless e-mail can be sent."""
    if current_app.config["MAIL"] is None:
        abort(404)


@bp.after_request
def not_stored(response):
    """Keep pages opened with a token out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(AlertStoreUnavailable)
def store_unavailable(e: AlertStoreUnavailable):
    """Answer 503 when the subscriptions cannot be read or written now."""
    log.error("%s", e)
    return error_response(503, gettext("E-mail alerts are not available now. Try again later."))


@bp.post("/subscribe")
def subscribe_page():
    """Ask for a confirmation message to the address given, for the search in the form."""
    pairs = [(k, v) for k, v in request.form.items(multi=True) if k != "email"]
    try:
        saved = SavedSearch.from_pairs(pairs)
    except FilterError as e:
        return _page(translate(e.message), saved=None, status=400)
    try:
        subscribe(
            current_app.config["INDEX_DIR"],
            current_app.config["MAIL"],
            address=request.form.get("email", ""),
            saved=saved,
            lang=language(),
            client=_client(),
        )
    except TooManyRequests as e:
        page, status = _page(translate(e.message), saved=saved, status=429)
        return page, status, {"Retry-After": str(RETRY_SECONDS)}
    except (SubscriptionError, QueryError, FilterError) as e:
        return _page(translate(e.message), saved=saved, status=400)
    except MailUnavailable as e:
        log.error("%s", e)
        message = gettext("The confirmation message could not be sent now. Try again later.")
        return _page(message, saved=saved, status=503)
    # The same words whatever became of the address: nobody learns whose address is known.
    message = gettext(
        "If the address can receive e-mail, a message with a link to confirm the alert is on"
        " its way. Nothing is sent before it is confirmed."
    )
    return _page(message, saved=saved, heading=gettext("Check your e-mail"))


@bp.get("/confirm")
def confirm_form():
    """Show the search a confirmation link is for, with the button that confirms it."""
    saved = pending_subscription(current_app.config["INDEX_DIR"], _token())
    if saved is None:
        return _expired()
    return _page(
        gettext("Send me e-mail when new documents match this search."),
        saved=saved,
        heading=gettext("Confirm the e-mail alert"),
        button=gettext("Confirm"),
    )


@bp.post("/confirm")
def confirm():
    """Confirm a subscription: its token is used up."""
    saved = confirm_subscription(current_app.config["INDEX_DIR"], _token())
    if saved is None:
        return _expired()
    message = gettext(
        "A message comes when new documents match this search. Each has a link to stop them."
    )
    return _page(message, saved=saved, heading=gettext("The alert is on"))


@bp.get("/unsubscribe")
def unsubscribe_form():
    """Show the search an alert's unsubscribe link ends, with the button that ends it."""
    saved = followed_search(current_app.config["INDEX_DIR"], _token())
    if saved is None:
        return _ended(None)
    return _page(
        gettext("Stop the e-mail alerts of this search?"),
        saved=saved,
        heading=gettext("Stop the e-mail alert"),
        button=gettext("Stop the alerts"),
    )


@bp.post("/unsubscribe")
def unsubscribe_page():
    """End a subscription (the page's button, or a mail program's one-click POST)."""
    return _ended(unsubscribe(current_app.config["INDEX_DIR"], _token()))


def _client() -> str | None:
    """Return the network a request counts in; None from loopback: there it is the proxy's
    (the production recipe's nginx, which limits each real address itself) or a local user's,
    and one count for all of them would let anybody's requests block everybody's."""
    network = network_of(request.remote_addr or "unknown")
    return None if network == network_of("127.0.0.1") or network == "::1/128" else network


def _token() -> str:
    token = request.form.get("t") or request.args.get("t", "")
    return token if len(token) <= MAX_TOKEN_CHARS else ""


def _expired():
    message = gettext(
        "This link is no longer valid: it was used already, or it is over 48 hours old."
        " Subscribe again from the search page."
    )
    return _page(message, saved=None, heading=gettext("The link has expired"), status=404)


def _ended(saved: SavedSearch | None):
    message = gettext("No more e-mail alerts are sent for this search.")
    return _page(message, saved=saved, heading=gettext("The alert has ended"))


def _page(
    message: str,
    *,
    saved: SavedSearch | None,
    heading: str | None = None,
    button: str | None = None,
    status: int = 200,
):
    html = render_template(
        "alerts.html",
        heading=heading or message,
        message=message if heading else None,
        saved=saved,
        button=button,
        token=_token() if button else None,
    )
    return html, status
