"""What every worker must agree on about admins: open sessions and failed logins.

Kept in one SQLite file in the index folder, so a logout in one gunicorn worker ends the
session in all of them and a client's failed logins count alike whichever worker answers.
SQLite serialises writers across processes; each call opens its own short connection, so
threads need not share one.
"""

import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

STATE_FILE = ".admin-state.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_by_client ON failures (client, at);
"""


class AdminState:
    """Admin sessions and login failures shared by every process serving one index."""

    def __init__(self, index_dir: Path, session_seconds: float, limit: int, window: float):
        self.path = index_dir / STATE_FILE
        self.session_seconds = session_seconds
        self.limit = limit
        self.window = window
        index_dir.mkdir(parents=True, exist_ok=True)
        # Session ids are as good as a login: create the file private before SQLite opens it.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        with closing(self._connect()) as db:
            db.executescript(_SCHEMA)

    def open_session(self) -> str:
        """Record a new session and return its id."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?)", (session_id, now + self.session_seconds)
            )
        return session_id

    def session_open(self, session_id: str) -> bool:
        """Tell whether a session id was opened, has not expired and was not closed."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT 1 FROM sessions WHERE id = ? AND expires > ?", (session_id, time.time())
            ).fetchone()
        return row is not None

    def close_session(self, session_id: str) -> None:
        """Revoke a session: its cookie no longer logs anybody in."""
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def try_login(self, client: str) -> bool:
        """Count a login attempt as failed until forget(); False when the client is blocked.

        Counting before the token is checked, in one transaction, keeps parallel attempts
        from slipping past the limit together.
        """
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM failures WHERE at <= ?", (now - self.window,))
            (failures,) = db.execute(
                "SELECT count(*) FROM failures WHERE client = ?", (client,)
            ).fetchone()
            if failures >= self.limit:
                return False
            db.execute("INSERT INTO failures VALUES (?, ?)", (client, now))
        return True

    def forget(self, client: str) -> None:
        """Clear a client's failures after it logged in."""
        with self._transaction() as db:
            db.execute("DELETE FROM failures WHERE client = ?", (client,))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the transactions above are begun and ended explicitly.
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)
