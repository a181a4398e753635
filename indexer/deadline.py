"""A hard time limit for a block of pure-Python work in any thread.

Whoosh matches a query inside its own loops: an AND of common words that no document has
together runs through every posting of them without giving control back, so no collector can
stop it. A watchdog thread raises OutOfTime in the searching thread instead, through
PyThreadState_SetAsyncExc; the exception arrives between two bytecodes, so it stops Python
code only (a long C call finishes first). Signals (SIGALRM, as Whoosh's TimeLimitCollector
uses) work in the main thread only, and gunicorn's threaded workers search in others.

Whatever the block was working on when the exception arrived may be half-done: its caller
throws that away (the store closes a searcher whose block raised).
"""

import ctypes
import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(Exception):
    """The block ran past its time limit."""


_lock = threading.Lock()
_wakeup = threading.Condition(_lock)
# (deadline, token) of every limit set, and the thread of each one still armed.
_deadlines: list[tuple[float, int]] = []
_armed: dict[int, int] = {}
_tokens = itertools.count()
_watchdog: threading.Thread | None = None


def _raise_in(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(OutOfTime)
    )


def _absorb() -> None:
    """Take delivery of a limit that fired just as its block ended, so it arrives nowhere else.

    A pending exception is raised at the next check of the interpreter's loop, which every
    turn of a Python loop makes. (Clearing it with PyThreadState_SetAsyncExc(id, NULL) would
    leave the interpreter checking for it on every instruction from then on.)
    """
    try:
        for _ in range(10_000):
            pass
    except OutOfTime:
        pass


def _watch() -> None:
    with _lock:
        while True:
            while _deadlines and _deadlines[0][1] not in _armed:
                heapq.heappop(_deadlines)
            if not _deadlines:
                _wakeup.wait()
                continue
            deadline, token = _deadlines[0]
            left = deadline - time.monotonic()
            if left > 0:
                _wakeup.wait(left)
                continue
            heapq.heappop(_deadlines)
            _raise_in(_armed.pop(token))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime inside the block if it runs longer than `seconds`.

    >>> with time_limit(1.0):
    ...     sum(range(10))
    45
    """
    global _watchdog
    thread_id = threading.get_ident()
    token = next(_tokens)
    with _lock:
        # Started on first use, so that it runs in the process that searches (a gunicorn
        # worker forked after the app was imported) and not in the one that forked it.
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="sotehaku-deadline", daemon=True)
            _watchdog.start()
        heapq.heappush(_deadlines, (time.monotonic() + seconds, token))
        _armed[token] = thread_id
        _wakeup.notify()
    delivered = False
    try:
        yield
    except OutOfTime:
        delivered = True
        raise
    finally:
        with _lock:
            fired = _armed.pop(token, None) is None
        # The watchdog may have fired just now, the exception not delivered yet.
        if fired and not delivered:
            _absorb()
