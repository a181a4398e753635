"""What the pages call the service and offer to search: its name, tagline and example
queries in each page language (SOTEHAKU_SITE_NAME_FI, TAGLINE_SV, EXAMPLES_EN, ...), so
that an archive of another subject does not say "sote"; without examples set, the frequent
words of the index."""

from flask import Flask, current_app

from indexer import example_queries, settings
from webui.i18n import LANGUAGES, language

_KINDS = ("SITE_NAME", "TAGLINE", "EXAMPLES")


def init_app(app: Flask) -> None:
    """Read the settings into the config (a test's config wins) and give them to templates."""
    for kind in _KINDS:
        for lang in LANGUAGES:
            key = f"{kind}_{lang.upper()}"
            app.config.setdefault(key, settings.get(key))

    @app.context_processor
    def site() -> dict:
        return {"site_name": site_name(), "tagline": tagline(), "examples": examples}


def site_name() -> str:
    """Return the service's name in the request's language."""
    return _setting("SITE_NAME") or "Sotehaku"


def tagline() -> str | None:
    """Return the tagline set for the request's language; None for the built-in one."""
    return _setting("TAGLINE") or None


def examples() -> list[str]:
    """Return the example queries set for the request's language (comma-separated), else
    frequent words of the index."""
    configured = [q.strip() for q in _setting("EXAMPLES").split(",") if q.strip()]
    return configured or example_queries(current_app.config["INDEX_DIR"])


def _setting(kind: str) -> str:
    return str(current_app.config[f"{kind}_{language().upper()}"]).strip()
