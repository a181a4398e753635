"""A hard limit on the CPU time a block of pure-Python work in any thread may take.

Whoosh matches a query inside its own loops: an AND of common words that no document has
together runs through every posting of them without giving control back, so no collector can
stop it. A watchdog thread raises OutOfTime in the searching thread instead, through
PyThreadState_SetAsyncExc; the exception arrives between two bytecodes, so it stops Python
code only (a long C call finishes first). Signals (SIGALRM, as Whoosh's TimeLimitCollector
uses) work in the main thread only, and gunicorn's threaded workers search in others.

The limit counts the thread's own CPU time, so that a query waiting its turn on a busy server
is not stopped for the others' work; a limit on wall time backs it up.

Whatever the block was working on when the exception arrived may be half-done: its caller
throws that away (the store closes a searcher whose block raised).
"""

import ctypes
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(Exception):
    """The block ran past its time limit."""


_lock = threading.Lock()
_wakeup = threading.Condition(_lock)
# The limits set and not yet reached: token -> (thread, its CPU clock, CPU deadline, wall
# deadline).
_armed: dict[int, tuple[int, int, float, float]] = {}
_tokens = itertools.count()
_watchdog: threading.Thread | None = None
# When the watchdog next looks at the limits by the monotonic clock (None: it has not started).
# It looks at least every _LOOK_EVERY seconds, so a new limit that cannot be reached sooner
# need not wake it: woken by every search, the watchdog took the GIL from the searching
# threads hundreds of times a second, a tenth of a short search's time.
_looks_at: float | None = None
_LOOK_EVERY = 0.1


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
    global _looks_at
    with _lock:
        while True:
            now = time.monotonic()
            soonest = _LOOK_EVERY
            for token, (thread_id, clock, cpu_deadline, wall_deadline) in list(_armed.items()):
                # A thread's CPU time grows no faster than the clock: the CPU time it has left
                # is the least time on the clock before it can run out.
                left = min(cpu_deadline - time.clock_gettime(clock), wall_deadline - now)
                if left <= 0:
                    del _armed[token]
                    _raise_in(thread_id)
                elif left < soonest:
                    soonest = left
            _looks_at = now + soonest
            _wakeup.wait(soonest)


@contextmanager
def time_limit(seconds: float, *, wall_seconds: float | None = None) -> Iterator[None]:
    """Raise OutOfTime inside the block once this thread has spent `seconds` of CPU time in it,
    or `wall_seconds` (default ten times as long) have passed.

    >>> with time_limit(1.0):
    ...     sum(range(10))
    45
    """
    global _watchdog
    thread_id = threading.get_ident()
    clock = time.pthread_getcpuclockid(thread_id)
    token = next(_tokens)
    wall = seconds * 10 if wall_seconds is None else wall_seconds
    with _lock:
        # Started on first use, so that it runs in the process that searches (a gunicorn
        # worker forked after the app was imported) and not in the one that forked it.
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="sotehaku-deadline", daemon=True)
            _watchdog.start()
        now = time.monotonic()
        _armed[token] = (thread_id, clock, time.clock_gettime(clock) + seconds, now + wall)
        # The limit cannot be reached before min(seconds, wall) have passed on the clock.
        if _looks_at is None or now + min(seconds, wall) < _looks_at:
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
