"""Run a build's shares (indexer.writing.shares) in worker processes, all at once, one per core.

Workers are plain `python -m indexer.writing.workers PARENT_PID SHARE_DIR` processes, not
multiprocessing: that re-imports the caller's main module in each worker (a CLI, a gunicorn
worker, a test runner) or forks a process that may have threads (the admin page builds from a
thread of a gunicorn worker).

Everything a worker writes is in its share's folder inside the build folder, which a later
build removes if this one is killed. The parent writes the worker's task there; the worker
reads its files, printing "read N" lines, writes what it found and prints "read-done"; it then
waits for the line "index" on its stdin (by then the build folder holds the schema), indexes,
printing "index N", and prints "done". A worker dies with its parent: by the Linux parent-death
signal, and on any system when its stdin ends while it waits.
"""

import ctypes
import json
import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from indexer.documents.document import Skipped
from indexer.writing.shares import Progress, ShareRead, index_share, read_share, share_dirs

TASK = "task.json"
FOUND = "read.json"
STDERR = "stderr.txt"
# A worker reports its count after this many files or documents, and at the end of a stage.
REPORT_EVERY = 50
_PR_SET_PDEATHSIG = 1


class WorkerFailed(Exception):
    """A build worker process failed or died; the build was abandoned."""


class WorkerShares:
    """The shares of one build, each read and indexed by a worker process of its own.

    Use as a context manager: leaving it kills any worker still running and waits for it,
    so a failed build leaves no process behind.
    """

    def __init__(
        self,
        seeds_dir: Path,
        build_dir: Path,
        id_shares: list[list[str]],
        max_bytes: int,
        max_seconds: float,
        limit_mb: int,
    ) -> None:
        self.dirs = share_dirs(build_dir, len(id_shares))
        self._files = sum(len(ids) for ids in id_shares)
        self._procs: list[subprocess.Popen] = []
        for share_dir, ids in zip(self.dirs, id_shares, strict=True):
            task = {
                "seeds_dir": str(seeds_dir),
                "build_dir": str(build_dir),
                "ids": ids,
                "max_bytes": max_bytes,
                "max_seconds": max_seconds,
                "limit_mb": limit_mb,
            }
            (share_dir / TASK).write_text(json.dumps(task), encoding="utf-8")

    def __enter__(self) -> "WorkerShares":
        try:
            for share_dir in self.dirs:
                with (share_dir / STDERR).open("wb") as stderr:
                    command = [sys.executable, "-m", __spec__.name, str(os.getpid())]
                    self._procs.append(
                        subprocess.Popen(
                            [*command, str(share_dir)],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE,
                            stderr=stderr,
                        )
                    )
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self._procs:
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe:
                    pipe.close()

    def read(self, progress: Progress) -> list[ShareRead]:
        """Wait until every worker has read its files; return what each found."""
        self._follow("read", "read-done", self._files, progress)
        return [_found_from_json(d / FOUND) for d in self.dirs]

    def index(self, documents: int, progress: Progress) -> None:
        """Let every worker index its documents into its folder, and wait until they have."""
        for n, proc in enumerate(self._procs):
            try:
                proc.stdin.write(b"index\n")
                proc.stdin.flush()
            except BrokenPipeError:
                raise self._failure(n) from None
        self._follow("index", "done", documents, progress)

    def _follow(self, stage: str, last: str, total: int, progress: Progress) -> None:
        """Report the workers' summed counts until each has said the last word of the stage."""
        counts = [0] * len(self._procs)
        pending: dict[int, bytes] = {}
        selector = selectors.DefaultSelector()
        for n, proc in enumerate(self._procs):
            selector.register(proc.stdout, selectors.EVENT_READ, n)
            pending[n] = b""
        try:
            while pending:
                for key, _ in selector.select():
                    n = key.data
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        raise self._failure(n)
                    *lines, pending[n] = (pending[n] + chunk).split(b"\n")
                    for line in lines:
                        word, _, value = line.decode().partition(" ")
                        if word == last:
                            selector.unregister(key.fileobj)
                            del pending[n]
                        elif word == stage:
                            counts[n] = int(value)
                            progress(stage, sum(counts), total)
        finally:
            selector.close()

    def _failure(self, n: int) -> WorkerFailed:
        proc = self._procs[n]
        code = proc.wait()
        lines = (self.dirs[n] / STDERR).read_text(encoding="utf-8", errors="replace").split("\n")
        said = next((line.strip() for line in reversed(lines) if line.strip()), "")
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
        return WorkerFailed(f"Build worker {n + 1} {how}" + (f": {said}" if said else "."))


def _found_to_json(found: ShareRead) -> str:
    return json.dumps(
        {
            "documents": found.documents,
            "skipped": [[s.id, s.reason] for s in found.skipped],
            "notes": found.notes,
            "abbreviations": found.abbreviations,
        },
        ensure_ascii=False,
    )


def _found_from_json(path: Path) -> ShareRead:
    data = json.loads(path.read_text(encoding="utf-8"))
    return ShareRead(
        documents=data["documents"],
        skipped=[Skipped(i, reason) for i, reason in data["skipped"]],
        notes=[(i, note) for i, note in data["notes"]],
        abbreviations=data["abbreviations"],
    )


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies; exit if that happened already."""
    # Linux sends the signal when the thread that started the worker ends: a build in a
    # thread of a web process waits in that thread for its workers.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(1)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _reporter(stage: str) -> Callable[[int], None]:
    def count(done: int) -> None:
        if done % REPORT_EVERY == 0:
            _say(f"{stage} {done}")

    return count


def _work(parent: int, share_dir: Path) -> None:
    _die_with_parent(parent)
    task = json.loads((share_dir / TASK).read_text(encoding="utf-8"))
    seeds_dir, build_dir = Path(task["seeds_dir"]), Path(task["build_dir"])
    ids = task["ids"]
    found = read_share(
        seeds_dir, ids, task["max_bytes"], task["max_seconds"], share_dir, _reporter("read")
    )
    (share_dir / FOUND).write_text(_found_to_json(found), encoding="utf-8")
    _say(f"read {len(ids)}")
    _say("read-done")
    # Anything else, the end of stdin included, means the parent gave up or died.
    if sys.stdin.readline() != "index\n":
        sys.exit(1)
    done = index_share(share_dir, build_dir, seeds_dir, task["limit_mb"], _reporter("index"))
    _say(f"index {done}")
    _say("done")


if __name__ == "__main__":
    _work(int(sys.argv[1]), Path(sys.argv[2]))
