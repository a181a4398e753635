"""Background rebuilds and updates started from the admin page, visible to every worker.

Job logic, with no web in it: the admin page (webui/admin.py) starts jobs and shows them.
A job runs in a thread of the process that started it. Its state lives in a JSON file in
the index folder, replaced atomically, so any gunicorn worker can show it. The thread holds a
lock file of its own for its whole life: the kernel drops that lock when the process dies, so
a file that still says "running" while nobody holds the lock tells of an interrupted job.
"""

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.common import fsutil
from indexer.common.messages import Message
from indexer.service import runs
from indexer.store import generations
from indexer.store.generations import IndexMissing
from indexer.store.lock import WriterBusy, is_locked
from indexer.writing.build import NothingIndexed
from indexer.writing.workers import WorkerFailed

JOB_FILE = ".admin-job.json"
JOB_LOCK = ".admin-job.lock"
THREAD_NAME = "sotehaku-admin-job"
ACTIONS = ("rebuild", "update")
# Writing the file for every file read would cost more than the build on a large folder.
PROGRESS_INTERVAL = 0.5

log = logging.getLogger(__name__)

BUSY_MESSAGE = Message(
    "A build or update of the index is already running. Wait for it to finish, then try again."
)


class JobBusy(Exception):
    """A build or update is already running, started here, in another worker or by the CLI."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)
        self.message = BUSY_MESSAGE


@dataclass
class Job:
    """What the admin page knows about the latest job."""

    action: str
    state: str  # running, succeeded, failed; read() reports a dead "running" as interrupted
    started_at: str
    finished_at: str | None = None
    stage: str | None = None  # "read" files, then "index" documents: see indexer.writing.build
    done: int | None = None
    total: int | None = None
    documents: int | None = None
    skipped: int | None = None
    seconds: float | None = None
    # The outcome in English; the template and its values let the page translate it.
    message: str | None = None
    template: str | None = None
    params: dict[str, Any] | None = None

    def say(self, message: Message) -> None:
        """Record an outcome in words for the admin."""
        self.message, self.template, self.params = message, message.template, message.params

    def said(self) -> Message | None:
        """Return the outcome as a message the page can translate."""
        if self.message is None:
            return None
        if self.template is None:
            return Message(self.message.replace("%", "%%"))
        return Message(self.template, **(self.params or {}))


def read(index_dir: Path) -> Job | None:
    """Return the latest job, or None when none was started or its file is unreadable."""
    job = _load(index_dir)
    if job is None or job.state != "running" or is_locked(index_dir, JOB_LOCK):
        return job
    # The job may have written its outcome and let go of its lock between the two looks.
    job = _load(index_dir)
    if job is not None and job.state == "running":
        job.state = "interrupted"
        job.say(Message("The job was interrupted: its process stopped before the job finished."))
    return job


def _load(index_dir: Path) -> Job | None:
    try:
        data = json.loads((index_dir / JOB_FILE).read_text(encoding="utf-8"))
        return Job(**data)
    except (OSError, ValueError, TypeError):
        return None


def start(action: str, seeds_dir: Path, index_dir: Path, max_bytes: int) -> threading.Thread:
    """Start a rebuild or update in a background thread; raise JobBusy if one is running.

    The checks cannot close every race (the CLI may start in between): the thread then meets
    WriterBusy, and that becomes the job's outcome.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if is_locked(index_dir):
        raise JobBusy()
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = fsutil.try_lock(index_dir / JOB_LOCK)
    if fd is None:
        raise JobBusy()
    try:
        job = Job(action=action, state="running", started_at=_now())
        _write(index_dir, job)
        thread = threading.Thread(
            target=_run, args=(fd, job, seeds_dir, index_dir, max_bytes), name=THREAD_NAME
        )
        thread.start()
    except BaseException:
        fsutil.unlock(fd)
        raise
    return thread


def _run(fd: int, job: Job, seeds_dir: Path, index_dir: Path, max_bytes: int) -> None:
    """Do the job and record its outcome, then let go of the job lock."""
    try:
        try:
            if job.action == "rebuild":
                _rebuild(job, seeds_dir, index_dir, max_bytes)
            else:
                _update(job, seeds_dir, index_dir, max_bytes)
            job.state = "succeeded"
        except Exception as e:
            job.state = "failed"
            job.say(_failure(e))
        job.finished_at = _now()
        _write(index_dir, job)
    finally:
        fsutil.unlock(fd)


def _rebuild(job: Job, seeds_dir: Path, index_dir: Path, max_bytes: int) -> None:
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_INTERVAL:
            last = now
            job.stage, job.done, job.total = stage, done, total
            _write(index_dir, job)

    report = runs.build(seeds_dir, index_dir, max_bytes=max_bytes, progress=progress)
    job.documents, job.skipped, job.seconds = report.indexed, len(report.skipped), report.seconds
    job.say(
        Message(
            "Index built: %(documents)s documents, %(skipped)s skipped, %(seconds)s s.",
            documents=report.indexed,
            skipped=len(report.skipped),
            seconds=_seconds(report.seconds),
        )
    )


def _update(job: Job, seeds_dir: Path, index_dir: Path, max_bytes: int) -> None:
    report = runs.update(seeds_dir, index_dir, max_bytes=max_bytes)
    job.documents = generations.live_meta(index_dir).get("documents")
    job.skipped, job.seconds = len(report.skipped), report.seconds
    job.say(
        Message(
            "Index updated: %(added)s added, %(changed)s changed, %(removed)s removed,"
            " %(skipped)s skipped, %(unchanged)s unchanged, %(seconds)s s.",
            added=len(report.added),
            changed=len(report.changed),
            removed=len(report.removed),
            skipped=len(report.skipped),
            unchanged=report.unchanged,
            seconds=_seconds(report.seconds),
        )
    )


def _failure(e: Exception) -> Message:
    """Say in words for the admin why a job failed; log what nobody expected."""
    if isinstance(e, WriterBusy):
        return BUSY_MESSAGE
    if isinstance(e, NothingIndexed):
        return Message("No document could be indexed; the index was left as it was.")
    if isinstance(e, WorkerFailed):
        return Message(
            "Building the index failed; the index was left as it was. (%(error)s)", error=str(e)
        )
    if isinstance(e, IndexMissing):
        return Message("The index has not been built yet: build it first.")
    if isinstance(e, OSError):
        return Message("File error: %(error)s", error=str(e))
    log.exception("Admin job failed")
    return Message("Unexpected error (%(kind)s): %(error)s", kind=type(e).__name__, error=str(e))


def _write(index_dir: Path, job: Job) -> None:
    fsutil.write_json(index_dir / JOB_FILE, asdict(job))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _seconds(seconds: float) -> float:
    # A float: the page writes it with the decimal sign of its language.
    return round(seconds, 1)
