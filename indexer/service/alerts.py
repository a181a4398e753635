"""One run of the e-mail alerts (`sotehaku alerts`, started by a timer): each confirmed
subscription is sent one message listing what its search finds that it has not been sent
before, and nothing when there is nothing new.

What was found is looked up before the mail server is contacted, so a run with nothing new
connects to nobody. A message's documents are recorded as sent only once the server has
taken the message: when it fails, the run stops, what it did send stays recorded, and the
rest is sent by the next run. A run holds a lock, so two runs never send the same thing.
"""

import fcntl
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from indexer.common.settings import MailSettings
from indexer.search.filters import FilterError
from indexer.search.query import QueryError
from indexer.search.results import Hit
from indexer.service import alert_mail
from indexer.service.alert_store import UNSUBSCRIBE, AlertStore, Subscription, token_hash
from indexer.service.mail import connected
from indexer.service.saved_searches import SavedSearch, item_key, newest_matches
from indexer.service.subscribing import PENDING_SECONDS, WINDOW_SECONDS
from indexer.store.generations import require_generation

_LOCK = ".alerts.lock"


class AlertsBusy(Exception):
    """Another run of the alerts is sending now."""


@dataclass
class AlertReport:
    """What a run did: messages sent, subscriptions with nothing new, and those it could not
    serve (their search no longer runs, or the server refused their address), with why."""

    sent: int = 0
    nothing_new: int = 0
    problems: list[str] = field(default_factory=list)


def send_alerts(index_dir: Path, mail: MailSettings) -> AlertReport:
    """Send every confirmed subscription what is new for it.

    Raises AlertsBusy, MailUnavailable (after recording what was sent before), and what
    searching the index raises (IndexMissing, IndexUnreadable, ...).
    """
    report = AlertReport()
    # Before the lock and the alerts' file are made there: a mistyped --index makes nothing.
    require_generation(index_dir)
    with _run_lock(index_dir):
        store = AlertStore(index_dir)
        now = time.time()
        store.purge(now - PENDING_SECONDS, now - WINDOW_SECONDS)
        due = []
        for subscription in store.confirmed():
            new = _new_items(index_dir, store, subscription, report)
            if new:
                due.append((subscription, new))
            elif new is not None:
                report.nothing_new += 1
        if not due:
            return report
        with connected(mail) as mailer:
            for subscription, new in due:
                saved = SavedSearch.stored(subscription.search)
                token = secrets.token_urlsafe(32)
                if not store.add_token(subscription.id, token, UNSUBSCRIBE):
                    continue  # ended while this run was looking
                message = alert_mail.alert(
                    mail, subscription.address, saved, subscription.lang, new, token
                )
                try:
                    delivered = mailer.send(message)
                except BaseException:
                    _drop_token(store, token)
                    raise
                if not delivered:
                    _drop_token(store, token)
                    report.problems.append(
                        f"The mail server refused the address of subscription {subscription.id}."
                    )
                    continue
                _record_sent(store, subscription.id, [item_key(hit) for hit in new])
                report.sent += 1
    return report


def _new_items(
    index_dir: Path, store: AlertStore, subscription: Subscription, report: AlertReport
) -> list[Hit] | None:
    """Return what a subscription's search finds that it was not sent; None when its search
    cannot run (noted in the report)."""
    try:
        saved = SavedSearch.stored(subscription.search)
        hits = newest_matches(index_dir, saved)
    except (QueryError, FilterError) as e:
        report.problems.append(f"The search of subscription {subscription.id} cannot run: {e}")
        return None
    seen = store.seen(subscription.id)
    new, keys = [], set()
    for hit in hits:
        key = item_key(hit)
        if key not in seen and key not in keys:
            keys.add(key)
            new.append(hit)
    return new


def _record_sent(store: AlertStore, subscription: int, keys: list[str]) -> None:
    store.transaction(lambda db: store.mark_seen(db, subscription, keys, time.time()))


def _drop_token(store: AlertStore, token: str) -> None:
    store.transaction(
        lambda db: db.execute("DELETE FROM tokens WHERE hash = ?", (token_hash(token),))
    )


@contextmanager
def _run_lock(index_dir: Path) -> Iterator[None]:
    fd = os.open(index_dir / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlertsBusy("Another run of the alerts is sending now.") from None
        yield
    finally:
        os.close(fd)
