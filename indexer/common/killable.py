"""Run a function in a killable process: one that is killed when a call takes too long, and
that may use only so much memory.

Text extraction runs on whatever a seeds folder holds, and a file that makes a parser or a
regular expression slow must not hold the writer lock for minutes. Only a process can be
stopped in the middle of C code (a signal handler waits for it, and runs in the main thread
only), so the calls run in a process of their own that is killed at the deadline and started
anew on the next call. It is a plain `python -m indexer.common.killable MODULE` process, for
the reasons indexer.writing.workers gives. It is started on first use and reused, since
starting one costs more than extracting a typical file, and calls are sent ahead of their
answers, so that it works on one file while the caller reads the next (20,000 news files:
2.3 s of the caller's CPU and 1.2 s of the process's, against 2.8 s in one process). A memory
limit is the process's address space (RLIMIT_AS): past it an allocation fails, in Python as a
MemoryError, so a file that makes a parser swell cannot take the machine's memory from the
server and the build. ("Worker" is kept for a build's worker processes, indexer.writing.)
"""

import atexit
import fcntl
import importlib
import math
import os
import pickle
import resource
import select
import selectors
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

# The folder the indexer package is in, found from this module's own dotted name: -m runs
# what is found there first.
_PACKAGE_PARENT = Path(__file__).resolve().parents[__spec__.name.count(".")]
_HEADER = struct.Struct("!Q")  # the length of the pickle that follows
_LONGEST_WAIT = 3600.0


# How long a worker told to stop may take before it is killed.
_EXIT_SECONDS = 5


class TimedOut(Exception):
    """The call ran past its time limit; the worker was killed."""


class ProcessDied(Exception):
    """The worker process ended without answering (a crash, or killed from outside)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code  # the worker's exit code, negative for the signal that ended it


class KillableProcess:
    """One worker process that runs module-level functions of one module, a call at a time."""

    def __init__(self, module: str, memory_mb: Callable[[], int] | None = None) -> None:
        """memory_mb, when given, is asked for the worker's memory limit each time one starts."""
        self._module = module
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the pid that started the worker: a forked child starts its own
        self._capacity = 0  # bytes its input pipe holds
        self._head_since = 0.0  # when the worker started on the oldest call not answered
        atexit.register(self.close)

    def call(self, function: Callable[..., Any], args: tuple, seconds: float) -> Any:
        """Return function(*args) computed in the worker; raise what it raised there.

        Raises TimedOut past `seconds` and ProcessDied when the worker ends without an answer.
        """
        (outcome,) = self.map(function, [args], seconds)
        if isinstance(outcome, TimedOut | ProcessDied):
            raise outcome
        return outcome

    def map(
        self, function: Callable[..., Any], calls: Iterable[tuple], seconds: float
    ) -> Iterator[Any]:
        """Yield function(*args) for each args of calls, in order, computed in the worker.

        Calls are sent ahead, so that the worker never waits for the caller between them.
        For a call that ran past `seconds` of its own, a TimedOut is yielded in its place and
        for one during which the worker ended, a ProcessDied; the calls behind it run in a new
        worker. An exception the function raised is raised here.
        """
        requests = (_framed((function, args)) for args in calls)
        unsent: deque[bytes] = deque()
        with self._lock:
            while True:
                proc = self._running()
                sent = _Sent()
                broken = False  # a write failed: the worker ended, maybe after answering some
                outcome: Exception | None = None
                try:
                    while True:
                        broken = broken or self._send_ahead(proc, requests, unsent, sent)
                        if not sent:
                            if broken:
                                self._stop(kill=True)  # it ended while idle: start anew
                                break
                            return
                        reply = self._replies.take(self._head_since + seconds)
                        ok, value = pickle.loads(reply)
                        self._head_since = time.monotonic()
                        sent.popleft()
                        if not ok:
                            error, remote = value
                            error.add_note(f"In the worker process:\n{remote}")
                            raise error
                        yield value
                except TimedOut as e:
                    outcome = e
                    self._stop(kill=True)
                except EOFError:
                    code = self._stop(kill=True)
                    outcome = ProcessDied(f"the worker process ended with exit code {code}", code)
                finally:
                    if sent and self._proc is proc:
                        # Left early (an error raised, the caller stopped): unread replies
                        # would answer the next calls, so end this worker.
                        self._stop(kill=True)
                if outcome is not None:
                    # The oldest call unanswered is the one the worker was on.
                    sent.popleft()
                    unsent.extendleft(reversed(sent.requests))
                    yield outcome

    def _send_ahead(
        self,
        proc: subprocess.Popen[bytes],
        requests: Iterator[bytes],
        unsent: deque[bytes],
        sent: "_Sent",
    ) -> bool:
        """Send requests while the pipe surely has room for them, or when none is in flight;
        return True when the worker has gone (a broken pipe).

        So writing never blocks while the worker waits for its replies to be read; with
        nothing in flight the worker reads, so a large request cannot block for long.
        """
        while True:
            if not unsent:
                taken = next(requests, None)
                if taken is None:
                    return False
                unsent.append(taken)
            if sent and sent.size + len(unsent[0]) > self._capacity:
                return False
            try:
                proc.stdin.write(unsent[0])
                proc.stdin.flush()
            except BrokenPipeError:
                return True
            if not sent:
                self._head_since = time.monotonic()
            sent.append(unsent.popleft())

    def close(self) -> None:
        """End the worker, if one runs; the next call starts a new one."""
        with self._lock:
            if self._proc is not None and self._owner == os.getpid():
                self._stop(kill=False)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._owner != os.getpid():
            command = [sys.executable, "-m", __spec__.name, self._module]
            if self._memory_mb is not None:
                command.append(str(self._memory_mb()))
            # -m looks in the working folder first: start where this indexer package lives,
            # so the worker runs the same code as its caller.
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_PACKAGE_PARENT
            )
            self._owner = os.getpid()
            self._capacity = _pipe_capacity(self._proc.stdin.fileno())
            self._replies = _Replies(self._proc.stdout)
            # Importing the module is start-up, not the first call's time: wait for it.
            try:
                self._replies.take(math.inf)
            except EOFError:
                code = self._stop(kill=True)
                raise ProcessDied(
                    f"the worker process did not start (exit code {code})", code
                ) from None
        return self._proc

    def _stop(self, *, kill: bool) -> int:
        proc, self._proc = self._proc, None
        if kill:
            proc.kill()
        # Without kill, end of input tells the worker to exit; after a failed write the
        # buffered rest of the request cannot be flushed to a dead worker.
        with suppress(BrokenPipeError):
            proc.stdin.close()
        # Replies nobody will read: a worker blocked writing one (its caller failed while
        # requests were in flight) gets a broken pipe and ends, instead of waiting forever.
        self._replies.close()
        proc.stdout.close()
        try:
            return proc.wait(timeout=_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()


class _Sent:
    """The requests written to a worker and not answered yet, oldest first, and their size."""

    def __init__(self) -> None:
        self.requests: deque[bytes] = deque()
        self.size = 0

    def __bool__(self) -> bool:
        return bool(self.requests)

    def append(self, request: bytes) -> None:
        self.requests.append(request)
        self.size += len(request)

    def popleft(self) -> bytes:
        request = self.requests.popleft()
        self.size -= len(request)
        return request


def _framed(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def _pipe_capacity(fd: int) -> int:
    """Return how many bytes the pipe holds before a write blocks."""
    try:
        return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
    except (AttributeError, OSError):
        return select.PIPE_BUF  # the least any pipe holds


class _Replies:
    """Framed replies from a worker's output, read in large chunks, each by a deadline."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._fd = stream.fileno()
        self._buffer = bytearray()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)

    def take(self, deadline: float) -> bytes:
        """Return the next reply; raise TimedOut at the deadline, EOFError when output ends."""
        while True:
            if len(self._buffer) >= _HEADER.size:
                end = _HEADER.size + _HEADER.unpack_from(self._buffer)[0]
                if len(self._buffer) >= end:
                    reply = bytes(self._buffer[_HEADER.size : end])
                    del self._buffer[:end]
                    return reply
            # A reply that has begun to arrive was computed in time: a large one comes in
            # several reads, and its caller may have kept it waiting in the pipe.
            until = math.inf if self._buffer else deadline
            # Waits are capped: select() cannot take a timeout of years.
            wait = min(max(0.0, until - time.monotonic()), _LONGEST_WAIT)
            if not self._selector.select(wait):
                if time.monotonic() >= until:
                    raise TimedOut()
                continue
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                raise EOFError()
            self._buffer += chunk

    def close(self) -> None:
        self._selector.close()


def _serve(module: str, memory_mb: int | None = None) -> None:
    """Answer calls from standard input until it closes, within memory_mb of address space."""
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Replies go to the original stdout; anything the functions print goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    importlib.import_module(module)
    replies.write(_framed("ready"))
    replies.flush()
    requests = sys.stdin.buffer
    while header := requests.read(_HEADER.size):
        function, args = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        try:
            reply = _framed((True, function(*args)))
        except Exception as e:
            remote = traceback.format_exc()
            try:
                reply = _framed((False, (e, remote)))
            except Exception:
                reply = _framed((False, (RuntimeError(str(e)), remote)))
        replies.write(reply)
        replies.flush()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
