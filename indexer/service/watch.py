"""Keep the index in step with the seeds folder: update it once a burst of changes settles.

The kernel tells of changes (inotify, through watchfiles), so an idle folder costs nothing.
A copy of 500 files is 500 bursts of events a few milliseconds apart: the watcher waits until
the folder has been quiet for the settle time, then runs one incremental update for them all.
A folder that never goes quiet (a log written into it every second) still gets an update
after MAX_DELAY. When a build or another update holds the writer lock, the watcher tries again
a settle time later; the changes it has not yet indexed wait, and none are lost, since the
update compares the whole folder with the index rather than replaying events.
"""

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import watchfiles
from watchfiles._rust_notify import WatchfilesRustInternalError

from indexer.common import ids
from indexer.documents.folder import require_seeds
from indexer.service import logs, runs
from indexer.store import generations
from indexer.store.lock import WriterBusy

# The longest a change waits for its folder to go quiet before it is indexed anyway.
MAX_DELAY = 60.0
# How often the watcher wakes without changes, to see whether an update is due or it should
# stop: short enough for a prompt SIGTERM, long enough to cost nothing.
_TICK_MS = 200
# How often the folder is looked at when it has to be polled (see _changes).
_POLL_MS = 1000

log = logging.getLogger(f"{logs.EVENTS}.watch")


def watch(
    seeds_dir: Path,
    index_dir: Path,
    *,
    settle: float,
    stop: threading.Event,
    max_bytes: int,
    max_seconds: float,
) -> None:
    """Update the index whenever the seeds folder changes, until stop is set.

    Starts with one update, for changes made while nothing watched (a build when there is no
    index yet, or a damaged one). Raises SeedsMissing when the seeds folder is missing.
    """
    require_seeds(seeds_dir)
    options = {"max_bytes": max_bytes, "max_seconds": max_seconds}
    log.info(
        "Watching %s",
        seeds_dir,
        extra={"fields": {"seeds": str(seeds_dir), "index": str(index_dir), "settle": settle}},
    )
    first_change: float | None = time.monotonic()
    due: float | None = first_change
    for changes in _changes(seeds_dir, index_dir, stop):
        now = time.monotonic()
        if changes:
            first_change = first_change or now
            due = min(now + settle, first_change + MAX_DELAY)
        if due is None or now < due or stop.is_set():
            continue
        if _sync(seeds_dir, index_dir, options):
            first_change = due = None
        else:
            log.info(
                "Another build or update holds the index; trying again in %g s",
                settle,
                extra={"fields": {"retry_seconds": settle}},
            )
            due = now + settle
    log.info("Stopped watching %s", seeds_dir, extra={"fields": {"seeds": str(seeds_dir)}})


def _changes(seeds_dir: Path, index_dir: Path, stop: threading.Event) -> Iterator[set]:
    """Yield each batch of changes in the folder, or an empty set every tick without any.

    inotify cannot watch a folder below which a path is not valid UTF-8 (a Latin-1 name
    copied from a Windows share): watchfiles gives up on it with an error of its own, at once
    or at its first change. The watcher then polls the folder instead, which sees such a path
    only when it changes; each such error is a change, which the update skips by name.
    """
    polling = False
    while not stop.is_set():
        try:
            yield from watchfiles.watch(
                seeds_dir,
                watch_filter=_SeedsFilter(index_dir),
                debounce=_TICK_MS,
                step=50,
                rust_timeout=_TICK_MS,
                yield_on_timeout=True,
                stop_event=stop,
                raise_interrupt=False,
                force_polling=polling,
                poll_delay_ms=_POLL_MS,
            )
            return
        except WatchfilesRustInternalError as e:
            if not polling:
                log.warning(
                    "A path below %s is not valid UTF-8, which inotify cannot watch; looking "
                    "for changes every %g s instead",
                    seeds_dir,
                    _POLL_MS / 1000,
                    extra={"fields": {"error": ids.shown(str(e))}},
                )
            polling = True
            yield {(watchfiles.Change.modified, "")}


def _sync(seeds_dir: Path, index_dir: Path, options: dict) -> bool:
    """Bring the index in line with the folder; return False when the writer lock was busy.

    A failed run is logged (by indexer.service.runs) and not retried until the folder changes
    again: trying every few seconds would fill the log with the same error.
    """
    try:
        if not _needs_build(index_dir):
            try:
                runs.update(seeds_dir, index_dir, **options)
                return True
            except generations.IndexMissing:
                pass  # gone, or damaged, between the look and the update: a build mends it
        runs.build(seeds_dir, index_dir, **options)
    except WriterBusy:
        return False
    except Exception:
        log.debug("The run failed; waiting for the next change", exc_info=True)
    return True


def _needs_build(index_dir: Path) -> bool:
    """Tell whether there is no index to update, or one a build must replace."""
    try:
        return generations.current_generation(index_dir) is None
    except generations.IndexUnreadable:
        return True


class _SeedsFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (editor swap files, .git, ...), and never the index folder,
    should it lie inside the seeds folder: an update writing it would wake the watcher."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(ignore_paths=[index_dir.resolve()])
