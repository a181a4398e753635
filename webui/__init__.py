"""Sotehaku's web UI: a thin Flask layer over the indexer library."""

import hashlib
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from indexer import settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web application; tests pass their own config and index folder."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the API's documented key order
    token = settings.get("ADMIN_TOKEN")
    app.config.from_mapping(
        SEEDS_DIR=settings.get("SEEDS_DIR"),
        INDEX_DIR=settings.get("INDEX_DIR"),
        MAX_FILE_BYTES=settings.max_file_bytes(),
        ADMIN_TOKEN=token,
        SECRET_KEY=settings.get("SECRET_KEY") or _session_key(token),
    )
    if test_config:
        app.config.update(test_config)
    app.config["SEEDS_DIR"] = Path(app.config["SEEDS_DIR"])
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])

    from webui import admin, api, errors, pages

    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    admin.init_app(app)
    return app


def _session_key(admin_token: str) -> str:
    """Return a session key that every worker process derives alike.

    Workers must agree on the key or an admin's session would work in one worker only; with
    no admin token there are no sessions worth keeping, so a random key will do.
    """
    if not admin_token:
        return secrets.token_hex(32)
    return hashlib.sha256(b"sotehaku-session\0" + admin_token.encode()).hexdigest()
