"""Run a function in a worker process that is killed when one call takes too long.

Text extraction runs on whatever a seeds folder holds, and a file that makes a parser or a
regular expression slow must not hold the writer lock for minutes. Only a process can be
stopped in the middle of C code (a signal handler waits for it, and runs in the main thread
only), so the calls run in a worker process that is killed at the deadline and started anew
on the next call. The worker is a plain `python -m indexer.timelimit MODULE` process, for the
reasons indexer.preanalysis gives; it is started on first use and reused, since starting one
costs more than extracting a typical file.
"""

import atexit
import importlib
import os
import pickle
import selectors
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_HEADER = struct.Struct("!Q")  # the length of the pickle that follows
_READY = b"ready\n"
_LONGEST_WAIT = 3600.0


class TimedOut(Exception):
    """The call ran past its time limit; the worker was killed."""


class WorkerDied(Exception):
    """The worker process ended without answering (a crash, or killed from outside)."""


class Worker:
    """One worker process that runs module-level functions of one module, a call at a time."""

    def __init__(self, module: str) -> None:
        self._module = module
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the pid that started the worker: a forked child starts its own
        atexit.register(self.close)

    def call(self, function: Callable[..., Any], args: tuple, seconds: float) -> Any:
        """Return function(*args) computed in the worker; raise what it raised there.

        Raises TimedOut past `seconds` (counted once the worker has the arguments) and
        WorkerDied when the worker ends without an answer.
        """
        request = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            proc = self._running()
            try:
                _write(proc.stdin, request)
                ok, value = pickle.loads(_read(proc.stdout, time.monotonic() + seconds))
            except TimedOut:
                self._stop(kill=True)
                raise
            except (EOFError, BrokenPipeError):
                code = self._stop(kill=True)
                raise WorkerDied(f"the worker process ended with exit code {code}") from None
        if ok:
            return value
        error, remote = value
        error.add_note(f"In the worker process:\n{remote}")
        raise error

    def close(self) -> None:
        """End the worker, if one runs; the next call starts a new one."""
        with self._lock:
            if self._proc is not None and self._owner == os.getpid():
                self._stop(kill=False)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._owner != os.getpid():
            command = [sys.executable, "-m", "indexer.timelimit", self._module]
            # -m looks in the working folder first: start where this indexer package lives,
            # so the worker runs the same code as its caller.
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_PACKAGE_PARENT
            )
            self._owner = os.getpid()
            # Importing the module is start-up, not the first call's time: wait for it.
            if self._proc.stdout.readline() != _READY:
                code = self._stop(kill=True)
                raise WorkerDied(f"the worker process did not start (exit code {code})")
        return self._proc

    def _stop(self, *, kill: bool) -> int:
        proc, self._proc = self._proc, None
        if kill:
            proc.kill()
        # Without kill, end of input tells the worker to exit; after a failed write the
        # buffered rest of the request cannot be flushed to a dead worker.
        with suppress(BrokenPipeError):
            proc.stdin.close()
        code = proc.wait()
        proc.stdout.close()
        return code


def _write(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read(stream: IO[bytes], deadline: float) -> bytes:
    """Read one framed reply from the worker, waiting no later than the deadline."""
    fd = stream.fileno()
    data = bytearray()
    wanted = _HEADER.size
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while len(data) < wanted:
            # Waits are capped: select() cannot take a timeout of years.
            if not selector.select(min(max(0.0, deadline - time.monotonic()), _LONGEST_WAIT)):
                if time.monotonic() >= deadline:
                    raise TimedOut()
                continue
            chunk = os.read(fd, min(wanted - len(data), 1 << 20))
            if not chunk:
                raise EOFError()
            data += chunk
            if wanted == _HEADER.size and len(data) == wanted:
                wanted += _HEADER.unpack(data)[0]
    return bytes(data[_HEADER.size :])


def _serve(module: str) -> None:
    """Answer calls from standard input until it closes."""
    # Replies go to the original stdout; anything the functions print goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    importlib.import_module(module)
    replies.write(_READY)
    replies.flush()
    requests = sys.stdin.buffer
    while header := requests.read(_HEADER.size):
        function, args = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        try:
            reply = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:
            remote = traceback.format_exc()
            try:
                reply = pickle.dumps((False, (e, remote)), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                reply = pickle.dumps((False, (RuntimeError(str(e)), remote)))
        _write(replies, reply)


if __name__ == "__main__":
    _serve(sys.argv[1])
