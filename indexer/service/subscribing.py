"""Subscribing to a saved search by e-mail, with double opt-in, and ending a subscription.

A request stores the subscription unconfirmed and mails a link with a single-use token;
only the link's page confirms it. Until then nothing else is sent to the address, and after
PENDING_HOURS the request is forgotten. What the person is told afterwards is the same
whether the address was new, already pending, already following the search or refused by
the mail server, so that the form tells nobody whose address is known here. Requests are
counted per client network, per address and all together, so that the form cannot be used
to flood somebody's mailbox.
"""

import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path

from indexer.analysis.voikko import AnalysisUnavailable
from indexer.common.messages import Message
from indexer.common.settings import MailSettings
from indexer.search.query import QueryError
from indexer.service import alert_mail
from indexer.service.alert_store import CONFIRM, UNSUBSCRIBE, AlertStore, token_hash
from indexer.service.mail import connected
from indexer.service.saved_searches import SavedSearch, item_key, newest_matches
from indexer.store.generations import IndexMissing, IndexUnreadable

LANGUAGES = ("fi", "sv", "en")
PENDING_SECONDS = alert_mail.PENDING_HOURS * 3600
WINDOW_SECONDS = 3600
MAX_ADDRESS_CHARS = 254
# Something@something.something, with none of the characters that would end an address in a
# header or a command, nor white space.
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\\\"\x00-\x1f\x7f]{1,64}@[\w-]+(\.[\w-]+)+")


@dataclass(frozen=True)
class Limits:
    """Subscription requests allowed an hour: from one client network, naming one address,
    and from everybody together (which bounds the mail the form can make the server send)."""

    client: int = 5
    address: int = 3
    everyone: int = 100


class SubscriptionError(ValueError):
    """A subscription request cannot be taken; the message says why, in words for a user."""

    def __init__(self, template: str, **params: object) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


class TooManyRequests(SubscriptionError):
    """The client, or everybody together, has asked too often within the hour."""


def checked_address(text: str) -> str:
    """Return an e-mail address as it will be used (its domain in lower case), or raise
    SubscriptionError for anything that is not one address."""
    address = text.strip()
    if len(address) > MAX_ADDRESS_CHARS or not _ADDRESS.fullmatch(address):
        raise SubscriptionError("Give one e-mail address, such as matti@example.fi.")
    local, _, domain = address.partition("@")
    try:
        Address(addr_spec=f"{local}@{domain.lower()}")
    except (HeaderParseError, ValueError, IndexError):
        raise SubscriptionError("Give one e-mail address, such as matti@example.fi.") from None
    return f"{local}@{domain.lower()}"


def subscribe(
    index_dir: Path,
    mail: MailSettings,
    *,
    address: str,
    saved: SavedSearch,
    lang: str,
    client: str | None,
    limits: Limits = Limits(),
) -> None:
    """Ask to subscribe an address to a saved search: store it unconfirmed and mail the
    confirmation, unless the address already has a pending request, already follows this
    search or was named too often this hour; say nothing about which.

    client names the network the request came from; None counts it with everybody only (a
    proxy's requests, which the proxy limits per address itself).

    Raises SubscriptionError (a bad address), TooManyRequests (client or everybody over the
    limit), QueryError and FilterError (a search that cannot run) and MailUnavailable.
    """
    address = checked_address(address)
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    newest_matches(index_dir, saved)  # a query the search refuses is refused here, now
    store = AlertStore(index_dir)
    token = secrets.token_urlsafe(32)
    key = _address_key(address)

    def add(db: sqlite3.Connection) -> int | None:
        now = time.time()
        since = now - WINDOW_SECONDS
        db.execute(
            "DELETE FROM subscriptions WHERE confirmed IS NULL AND created < ?",
            (now - PENDING_SECONDS,),
        )
        db.execute("DELETE FROM requests WHERE at < ?", (since,))
        if (
            client is not None and store.count_request(db, "client", client, since) >= limits.client
        ) or store.count_request(db, "all", "", since) >= limits.everyone:
            # Refused requests write nothing: a flood of them cannot fill the file.
            raise TooManyRequests("Too many subscription requests. Try again in an hour.")
        named = store.count_request(db, "address", key, since)
        counted = [("all", "", now), ("address", key, now)]
        db.executemany(
            "INSERT INTO requests VALUES (?, ?, ?)",
            counted + [("client", client, now)] * (client is not None),
        )
        waiting = db.execute(
            "SELECT 1 FROM subscriptions WHERE address_key = ?"
            " AND (confirmed IS NULL OR search = ?)",
            (key, saved.encoded),
        ).fetchone()
        if named >= limits.address or waiting:
            return None
        added = db.execute(
            "INSERT INTO subscriptions (address, address_key, search, lang, created)"
            " VALUES (?, ?, ?, ?, ?)",
            (address, key, saved.encoded, lang, now),
        ).lastrowid
        db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (token_hash(token), added, CONFIRM))
        return added

    added = store.transaction(add)
    if added is None:
        return
    message = alert_mail.confirmation(mail, address, saved, lang, token)
    try:
        with connected(mail) as mailer:
            delivered = mailer.send(message)
    except BaseException:
        store.remove(added)
        raise
    if not delivered:
        store.remove(added)


def pending(index_dir: Path, token: str) -> SavedSearch | None:
    """Return the search a confirmation token would confirm, or None when the token is
    unknown, used or expired."""
    subscription = AlertStore(index_dir).by_token(token, CONFIRM)
    if subscription is None or subscription.created < time.time() - PENDING_SECONDS:
        return None
    return SavedSearch.stored(subscription.search)


def confirm(index_dir: Path, token: str) -> SavedSearch | None:
    """Confirm the subscription of a confirmation token and use the token up; return its
    search, or None when the token is unknown, used or expired.

    What the search finds now counts as sent: the first alert lists what comes after.
    """
    saved = pending(index_dir, token)
    if saved is None:
        return None
    store = AlertStore(index_dir)
    try:
        there = [item_key(hit) for hit in newest_matches(index_dir, saved)]
    except (IndexMissing, IndexUnreadable, AnalysisUnavailable, QueryError):
        # No index yet, or one that cannot be read: the first alert then lists what it finds.
        there = []

    def write(db: sqlite3.Connection) -> bool:
        row = db.execute(
            "DELETE FROM tokens WHERE hash = ? AND kind = ? RETURNING subscription",
            (token_hash(token), CONFIRM),
        ).fetchone()
        if row is None:
            return False  # confirmed by another request meanwhile
        db.execute("UPDATE subscriptions SET confirmed = ? WHERE id = ?", (time.time(), row[0]))
        store.mark_seen(db, row[0], there, None)
        return True

    return saved if store.transaction(write) else None


def following(index_dir: Path, token: str) -> SavedSearch | None:
    """Return the search an alert's unsubscribe token would end, or None when it has ended."""
    subscription = AlertStore(index_dir).by_token(token, UNSUBSCRIBE)
    return SavedSearch.stored(subscription.search, strict=False) if subscription else None


def unsubscribe(index_dir: Path, token: str) -> SavedSearch | None:
    """End the subscription of an alert's unsubscribe token: it is forgotten with its
    address. Return its search, or None when it had already ended."""
    store = AlertStore(index_dir)
    subscription = store.by_token(token, UNSUBSCRIBE)
    if subscription is None:
        return None
    store.remove(subscription.id)
    return SavedSearch.stored(subscription.search, strict=False)


def _address_key(address: str) -> str:
    """Return what the request counts keep of an address: a hash, not the address."""
    return hashlib.sha256(address.lower().encode("utf-8", "surrogatepass")).hexdigest()
