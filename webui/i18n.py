"""The page's language: Finnish by default, Swedish and English, with gettext catalogues.

The language is chosen by ?lang= (and remembered in a cookie), else by the cookie, else by
the browser's Accept-Language. Texts are written in English in the code and the templates
and translated from webui/translations/<lang>/LC_MESSAGES/messages.po (`make translations`
extracts and compiles them); English needs no catalogue.
"""

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, format_decimal, gettext, lazy_gettext

from indexer import Message, reason_kind

LANGUAGES = {"fi": "suomi", "sv": "svenska", "en": "English"}
DEFAULT_LANGUAGE = "fi"
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app: Flask) -> None:
    """Choose each request's language and give the templates the switch between them."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=language)

    @app.context_processor
    def languages() -> dict:
        return {
            "lang": language(),
            "languages": LANGUAGES,
            "lang_url": lang_url,
            "translate": translate,
        }

    app.add_template_filter(local_date)
    app.add_template_filter(local_time)

    @app.after_request
    def remember(response: Response) -> Response:
        asked = request.args.get("lang", "")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(
                COOKIE,
                asked,
                max_age=COOKIE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
        # A cache must not give one reader's language to another.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


def language() -> str:
    """Return the code of the request's language."""
    if "lang" not in g:
        asked = request.args.get("lang", "")
        remembered = request.cookies.get(COOKIE, "")
        if asked in LANGUAGES:
            g.lang = asked
        elif remembered in LANGUAGES:
            g.lang = remembered
        else:
            g.lang = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return g.lang


# Finnish and Finland-Swedish write dates day first, without leading zeros: 24.2.2025.
_DAY_FIRST = ("fi", "sv")
_AT = {"fi": "klo", "sv": "kl."}


def local_date(value: str | None) -> str:
    """Return an ISO date (2025-02-24) as the page's language writes it: 24.2.2025 in
    Finnish and Swedish, Feb 24, 2025 in English; anything else as it is."""
    try:
        day = date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return str(value or "")
    if language() in _DAY_FIRST:
        return f"{day.day}.{day.month}.{day.year}"
    return format_date(day, "medium", locale="en")


def local_time(value: str | None) -> str:
    """Return an ISO time with its offset in the service's time zone (SOTEHAKU_TIMEZONE), as
    the page's language writes it: 24.2.2025 klo 14.05."""
    try:
        moment = datetime.fromisoformat(str(value or ""))
    except ValueError:
        return str(value or "")
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    lang = language()
    if lang in _DAY_FIRST:
        return f"{local_date(moment.date().isoformat())} {_AT[lang]} {moment:%H.%M}"
    return f"{local_date(moment.date().isoformat())}, {moment:%H:%M}"


def lang_url(code: str) -> str:
    """Return this page's address in another language."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', code)])}"


def translate(message: str) -> str:
    """Return a library message (indexer.common.messages.Message) or an English text translated."""
    if isinstance(message, Message):
        # Decimals in the language's own way: "1,5" in Finnish and Swedish.
        params = {
            k: format_decimal(v, "0.0##") if isinstance(v, float) else v
            for k, v in message.params.items()
        }
        return gettext(message.template, **params)
    return gettext(message)


# What each kind of skip reason (indexer/documents/skip_reasons.py) is called on the admin page.
SKIP_KINDS = {
    "unsupported_type": lazy_gettext("Unsupported file type"),
    "empty": lazy_gettext("Empty file"),
    "binary": lazy_gettext("Binary file"),
    "too_large": lazy_gettext("Too large"),
    "timeout": lazy_gettext("Reading its text took too long"),
    "extraction_failed": lazy_gettext("Reading its text failed"),
    "bad_html": lazy_gettext("HTML that could not be read"),
    "link_outside": lazy_gettext("A link pointing outside the folder"),
    "unreadable": lazy_gettext("Unreadable"),
    "folder_unreadable": lazy_gettext("Folder could not be read"),
    "bad_name": lazy_gettext("Invalid file name"),
    "not_a_file": lazy_gettext("Not a regular file"),
    "encrypted": lazy_gettext("Encrypted PDF"),
    "damaged": lazy_gettext("Damaged file"),
    "zip_bomb": lazy_gettext("Unpacks to too much"),
    "too_many_pages": lazy_gettext("Too many pages"),
    "out_of_memory": lazy_gettext("Reading its text needed too much memory"),
    "no_text": lazy_gettext("No text"),
    "reader_failed": lazy_gettext("Its reader failed"),
    "other": lazy_gettext("Other reason"),
}


def skip_reason(reason: str) -> str:
    """Return why a file was skipped in the page's language, with the recorded details.

    The details (sizes, limits, errors) are recorded in English by the build; in another
    language they follow its kind in brackets.
    """
    if language() == "en":
        return reason
    return f"{SKIP_KINDS[reason_kind(reason)]} ({reason})"
