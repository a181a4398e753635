"""What every worker must agree on about admins: open sessions and failed logins.

Kept in one SQLite file in the index folder, so a logout in one gunicorn worker ends the
session in all of them and a client's failed logins count alike whichever worker answers.
SQLite serialises writers across processes; each call opens its own short connection, so
threads need not share one.

The file holds nothing that must outlive a mishap: a damaged one is recreated (open sessions
end, failures are forgotten), and one that stays locked or cannot be recreated raises
StateUnavailable, which the admin pages answer with a 503. In WAL mode and without an fsync at
each commit, reading a session never waits for a login being counted.
"""

import fcntl
import ipaddress
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

STATE_FILE = ".admin-state.sqlite"
# Held while a damaged state file is replaced, so that two workers do not both replace it.
_REPAIR_LOCK = ".admin-state.lock"
# A writer waits this long for another one before the request gets a 503.
BUSY_SECONDS = 3.0
# Bumped when the tables change: a file of another version is recreated.
_VERSION = 2

_TABLES = """
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS failures;
CREATE TABLE sessions (id TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE failures (client TEXT NOT NULL, network TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX failures_by_client ON failures (client, at);
CREATE INDEX failures_by_network ON failures (network, at);
CREATE INDEX failures_by_time ON failures (at);
"""

log = logging.getLogger(__name__)
T = TypeVar("T")


class StateUnavailable(Exception):
    """The admin state cannot be read or written now (locked too long, or beyond repair)."""


@dataclass(frozen=True)
class Limits:
    """Failed logins allowed within `window` seconds: from one address, from one network
    (network_of), and from everybody together. The last bounds the rows kept."""

    address: int
    network: int
    everyone: int
    window: float


def network_of(address: str) -> str:
    """Return the network a client's address counts in: its IPv6 /64, all of loopback, or
    the IPv4 address itself.

    >>> network_of("2001:db8:1:2:aa::5"), network_of("127.8.9.10"), network_of("10.0.0.7")
    ('2001:db8:1:2::/64', '127.0.0.0/8', '10.0.0.7/32')
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # Per IP version: (loopback, any other address).
    prefix = {4: (8, 32), 6: (128, 64)}[ip.version][0 if ip.is_loopback else 1]
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class AdminState:
    """Admin sessions and login failures shared by every process serving one index."""

    def __init__(self, index_dir: Path, session_seconds: float, limits: Limits):
        self.path = index_dir / STATE_FILE
        self.session_seconds = session_seconds
        self.limits = limits
        index_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._guarded(self._create_tables)
        except StateUnavailable:
            # The server starts anyway: search does not need this, and each admin request
            # tries again.
            log.warning("The admin state %s is unusable for now", self.path.name)

    def open_session(self) -> str:
        """Record a new session and return its id."""
        session_id = secrets.token_urlsafe(32)

        def write(db: sqlite3.Connection) -> None:
            now = time.time()
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?)", (session_id, now + self.session_seconds)
            )

        self._write(write)
        return session_id

    def session_open(self, session_id: str) -> bool:
        """Tell whether a session id was opened, has not expired and was not closed."""

        def read(db: sqlite3.Connection) -> bool:
            row = db.execute(
                "SELECT 1 FROM sessions WHERE id = ? AND expires > ?", (session_id, time.time())
            ).fetchone()
            return row is not None

        return self._read(read)

    def close_session(self, session_id: str) -> None:
        """Revoke a session: its cookie no longer logs anybody in."""
        self._write(lambda db: db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)))

    def try_login(self, client: str) -> bool:
        """Count a login attempt as failed until forget(); False when the client, its network
        or everybody has failed too often lately.

        Counting before the token is checked, in one transaction, keeps parallel attempts
        from slipping past the limit together. A blocked attempt only reads: a flood of them
        writes nothing.
        """
        network = network_of(client)
        if self._read(lambda db: self._blocked(db, client, network)):
            return False

        def count(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM failures WHERE at <= ?", (time.time() - self.limits.window,))
            if self._blocked(db, client, network):
                return False
            db.execute("INSERT INTO failures VALUES (?, ?, ?)", (client, network, time.time()))
            return True

        return self._write(count)

    def forget(self, client: str) -> None:
        """Clear a client's failures after it logged in."""
        self._write(lambda db: db.execute("DELETE FROM failures WHERE client = ?", (client,)))

    def usable(self) -> bool:
        """Tell whether the state can be read now (for the health check)."""
        try:
            self._read(lambda db: db.execute("SELECT count(*) FROM sessions").fetchone())
        except StateUnavailable:
            return False
        return True

    def _blocked(self, db: sqlite3.Connection, client: str, network: str) -> bool:
        since = time.time() - self.limits.window
        counts = db.execute(
            "SELECT count(*), count(CASE WHEN network = ? THEN 1 END),"
            " count(CASE WHEN client = ? THEN 1 END) FROM failures WHERE at > ?",
            (network, client, since),
        ).fetchone()
        limits = (self.limits.everyone, self.limits.network, self.limits.address)
        return any(n >= limit for n, limit in zip(counts, limits, strict=True))

    def _read(self, read: Callable[[sqlite3.Connection], T]) -> T:
        def run() -> T:
            with closing(self._connect()) as db:
                return read(db)

        return self._guarded(run)

    def _write(self, write: Callable[[sqlite3.Connection], T]) -> T:
        def run() -> T:
            with self._transaction() as db:
                return write(db)

        return self._guarded(run)

    def _guarded(self, run: Callable[[], T]) -> T:
        """Run, recreating a damaged file and trying once more; raise StateUnavailable when
        the file stays locked or cannot be mended."""
        try:
            return run()
        except sqlite3.Error as e:
            if _is_busy(e) or not self._repair(e):
                raise StateUnavailable(str(e)) from e
        try:
            return run()
        except sqlite3.Error as e:
            raise StateUnavailable(str(e)) from e

    def _repair(self, error: sqlite3.Error) -> bool:
        """Recreate the file if it is damaged; tell whether it is sound now."""
        try:
            with self._repair_lock():
                if self._sound():
                    return True  # a passing fault, or another worker mended it meanwhile
                log.error(
                    "The admin state %s is damaged (%s): recreating it", self.path.name, error
                )
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self._create_tables()
                return True
        except (OSError, sqlite3.Error) as e:
            log.error("The admin state %s cannot be recreated: %s", self.path.name, e)
            return False

    def _sound(self) -> bool:
        try:
            with closing(self._connect()) as db:
                checked = db.execute("PRAGMA quick_check").fetchone()
                (version,) = db.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as e:
            if _is_busy(e):
                raise
            return False
        return checked == ("ok",) and version == _VERSION

    def _create_tables(self) -> None:
        # Session ids are as good as a login: create the file private before SQLite opens it.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode = WAL")
        with self._transaction() as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != _VERSION:
                for statement in filter(str.strip, _TABLES.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {_VERSION}")

    @contextmanager
    def _repair_lock(self) -> Iterator[None]:
        fd = os.open(self.path.parent / _REPAIR_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

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
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        # In WAL mode a commit without fsync is still atomic; only the last logins before a
        # power cut could be lost, and they matter little.
        db.execute("PRAGMA synchronous = NORMAL")
        return db


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text
