"""The e-mail alerts' records: subscriptions, their tokens' hashes, what each was sent, and
recent subscription requests (for the rate limits).

One SQLite file in the index folder, beside the admin's state, so that every gunicorn worker
and `sotehaku alerts` see the same records. Each call opens its own short connection; SQLite
serialises the writers across processes (WAL, and a writer waits BUSY_SECONDS for another).
Unlike the admin's sessions these records matter to people, so a damaged file is reported
(AlertStoreUnavailable), never recreated.

Tokens are kept as their SHA-256 only: a copy of the file lets nobody confirm or cancel a
subscription. The file holds e-mail addresses and is created readable by its owner only.
"""

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

STORE_FILE = ".alerts.sqlite"
BUSY_SECONDS = 5.0
_VERSION = 1
CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"

_TABLES = """
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,
    search TEXT NOT NULL,
    lang TEXT NOT NULL,
    created REAL NOT NULL,
    confirmed REAL,
    last_sent REAL
);
CREATE INDEX subscriptions_by_address ON subscriptions (address_key);
CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    subscription INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL
);
CREATE INDEX tokens_by_subscription ON tokens (subscription);
CREATE TABLE seen (
    subscription INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    PRIMARY KEY (subscription, item)
) WITHOUT ROWID;
CREATE TABLE requests (kind TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX requests_by_key ON requests (kind, key, at);
"""

T = TypeVar("T")


class AlertStoreUnavailable(Exception):
    """The alerts' file cannot be read or written now (locked too long, or damaged)."""


@dataclass(frozen=True)
class Subscription:
    id: int
    address: str
    search: str
    lang: str
    created: float
    confirmed: float | None


def token_hash(token: str) -> str:
    """Return what is kept of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class AlertStore:
    """The subscriptions of one index folder."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / STORE_FILE
        self._guarded(self._create_tables, index_dir)

    def count_request(self, db: sqlite3.Connection, kind: str, key: str, since: float) -> int:
        """Return how many requests of a kind (client, address, all) came from key since."""
        (n,) = db.execute(
            "SELECT count(*) FROM requests WHERE kind = ? AND key = ? AND at > ?",
            (kind, key, since),
        ).fetchone()
        return n

    def transaction(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """Run write in one transaction that no other writer interleaves with."""

        def run() -> T:
            with self._transaction() as db:
                return write(db)

        return self._guarded(run)

    def read(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """Run read on a connection of its own."""

        def run() -> T:
            with closing(self._connect()) as db:
                return read(db)

        return self._guarded(run)

    def by_token(self, token: str, kind: str) -> Subscription | None:
        """Return the subscription a token of this kind belongs to, or None."""
        return self.read(lambda db: _by_token(db, token_hash(token), kind))

    def add_token(self, subscription: int, token: str, kind: str) -> bool:
        """Record a token of a subscription; False when the subscription has ended."""
        return self.transaction(
            lambda db: (
                db.execute(
                    "INSERT INTO tokens SELECT ?, id, ? FROM subscriptions WHERE id = ?",
                    (token_hash(token), kind, subscription),
                ).rowcount
                == 1
            )
        )

    def remove(self, subscription: int) -> None:
        """Forget a subscription with its tokens and what it was sent."""
        self.transaction(
            lambda db: db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription,))
        )

    def confirmed(self) -> list[Subscription]:
        """Return every confirmed subscription, oldest first."""
        return self.read(
            lambda db: [
                Subscription(*row)
                for row in db.execute(
                    "SELECT id, address, search, lang, created, confirmed FROM subscriptions"
                    " WHERE confirmed IS NOT NULL ORDER BY id"
                )
            ]
        )

    def seen(self, subscription: int) -> set[str]:
        """Return the items a subscription has been sent, or had when it was confirmed."""
        return self.read(
            lambda db: {
                item
                for (item,) in db.execute(
                    "SELECT item FROM seen WHERE subscription = ?", (subscription,)
                )
            }
        )

    def mark_seen(
        self, db: sqlite3.Connection, subscription: int, items: Iterable[str], now: float | None
    ) -> None:
        """Record items as sent (now: when) or as there already (None); nothing when the
        subscription has ended meanwhile."""
        db.executemany(
            "INSERT OR IGNORE INTO seen SELECT id, ? FROM subscriptions WHERE id = ?",
            ((item, subscription) for item in items),
        )
        if now is not None:
            db.execute("UPDATE subscriptions SET last_sent = ? WHERE id = ?", (now, subscription))

    def purge(self, pending_before: float, requests_before: float) -> None:
        """Drop subscriptions left unconfirmed since before pending_before, and the requests
        counted before requests_before."""

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "DELETE FROM subscriptions WHERE confirmed IS NULL AND created < ?",
                (pending_before,),
            )
            db.execute("DELETE FROM requests WHERE at < ?", (requests_before,))

        self.transaction(write)

    def _guarded(self, run: Callable[..., T], *args: object) -> T:
        try:
            return run(*args)
        except sqlite3.Error as e:
            raise AlertStoreUnavailable(f"The alerts' file {self.path} cannot be used: {e}") from e

    def _create_tables(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        # It holds e-mail addresses: private before SQLite first opens it.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        with closing(self._connect()) as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version == _VERSION:
                return
            db.execute("PRAGMA journal_mode = WAL")
        with self._transaction() as db:
            # Another process may have created them meanwhile.
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version == 0:
                for statement in filter(str.strip, _TABLES.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {_VERSION}")
            elif version != _VERSION:
                raise sqlite3.DatabaseError(f"its version is {version}, not {_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as db:
            # IMMEDIATE: a limit is counted and the request recorded with no writer between.
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun and ended explicitly above.
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
        return db


def _by_token(db: sqlite3.Connection, hashed: str, kind: str) -> Subscription | None:
    row = db.execute(
        "SELECT s.id, s.address, s.search, s.lang, s.created, s.confirmed FROM tokens t"
        " JOIN subscriptions s ON s.id = t.subscription WHERE t.hash = ? AND t.kind = ?",
        (hashed, kind),
    ).fetchone()
    return Subscription(*row) if row else None
