"""Sotehaku's web UI: a thin Flask layer over the indexer library."""

import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from markupsafe import Markup

from indexer import bidi_escaped, settings, warm_suggestions
from webui.secret_key import shared_secret_key

# The token is the only way into the admin, and a cookie's signing key can be guessed offline.
MIN_SECRET_CHARS = 16
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting has a value the web app refuses to start with."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web application; tests pass their own config and index folder."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the API's documented key order
    app.config.from_mapping(
        SEEDS_DIR=settings.get("SEEDS_DIR"),
        INDEX_DIR=settings.get("INDEX_DIR"),
        MAX_FILE_BYTES=settings.max_file_bytes(),
        ADMIN_TOKEN=settings.get("ADMIN_TOKEN"),
        SECRET_KEY=settings.get("SECRET_KEY"),
        SESSION_COOKIE_SECURE=_flag("SESSION_COOKIE_SECURE"),
        METRICS=settings.metrics(),
        LOG_QUERIES=_flag("LOG_QUERIES"),
        TIMEZONE=settings.get("TIMEZONE"),
    )
    if test_config:
        app.config.update(test_config)
    app.config["SEEDS_DIR"] = Path(app.config["SEEDS_DIR"])
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    app.config["ADMIN_TOKEN"] = _strong("ADMIN_TOKEN", app.config["ADMIN_TOKEN"] or "")
    app.config["SECRET_KEY"] = _session_key(app.config)
    app.jinja_env.finalize = _shown
    _check_timezone(app.config["TIMEZONE"])

    from webui import (
        admin,
        alerts,
        api,
        errors,
        headers,
        i18n,
        limits,
        metrics,
        pages,
        request_log,
        site,
    )

    # First, so that their clocks start before any other hook runs.
    metrics.init_app(app)
    request_log.init_app(app)
    i18n.init_app(app)
    site.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    limits.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    admin.init_app(app)
    alerts.init_app(app)
    # Each worker reads the suggestions' word lists as it starts, before anyone types.
    warm_suggestions(app.config["INDEX_DIR"])
    return app


def _shown(value: Any) -> Any:
    r"""Show bidi controls in whatever a template writes (names, titles, queries) as \uXXXX:
    "\u202etxt.exe.txt" would otherwise look like a name ending in ".exe"."""
    if isinstance(value, Markup):
        return Markup(bidi_escaped(str(value)))
    return bidi_escaped(value) if isinstance(value, str) else value


def _session_key(config: dict[str, Any]) -> str:
    """Return the configured key, else the one every worker shares from the index folder.

    Sessions carry nothing but an admin login: without an admin token a key of this process
    will do, and nothing is written into the index folder.
    """
    configured = _strong("SECRET_KEY", config["SECRET_KEY"] or "")
    if configured:
        return configured
    if config["ADMIN_TOKEN"]:
        return shared_secret_key(config["INDEX_DIR"])
    return secrets.token_hex(32)


def _strong(name: str, value: str) -> str:
    """Return a secret setting stripped; raise ConfigError when it is set but too short.

    Only an empty value means "not set": a value of blanks is a mistake, not a wish.
    """
    stripped = value.strip()
    if value and len(stripped) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"{settings.ENV_PREFIX}{name} is too short ({len(stripped)} characters after"
            f" stripping blanks): use at least {MIN_SECRET_CHARS}, for example the output of"
            " python3 -c 'import secrets; print(secrets.token_urlsafe(24))'."
        )
    return stripped


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError(
            f"{settings.ENV_PREFIX}TIMEZONE must be a time zone such as Europe/Helsinki,"
            f" not {name!r}."
        ) from None


def _flag(name: str) -> bool:
    raw = settings.get(name).strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ConfigError(f"{settings.ENV_PREFIX}{name} must be true or false, not {raw!r}.")
    return raw in _TRUE
