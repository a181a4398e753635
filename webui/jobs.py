"""Background rebuilds and updates started from the admin page, visible to every worker.

A job runs in a thread of the web process that started it. Its state lives in a JSON file in
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

from indexer import fsutil, runs, store
from indexer.build import NothingIndexed
from indexer.lock import WriterBusy, is_locked
from indexer.store import IndexMissing
from indexer.workers import WorkerFailed

JOB_FILE = ".admin-job.json"
JOB_LOCK = ".admin-job.lock"
THREAD_NAME = "sotehaku-admin-job"
ACTIONS = ("rebuild", "update")
# Writing the file for every file read would cost more than the build on a large folder.
PROGRESS_INTERVAL = 0.5

log = logging.getLogger(__name__)

BUSY_MESSAGE = (
    "Hakemiston rakennus tai päivitys on jo käynnissä. Odota, että se valmistuu, ja yritä sitten"
    " uudelleen."
)


class JobBusy(Exception):
    """A build or update is already running, started here, in another worker or by the CLI."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)


@dataclass
class Job:
    """What the admin page knows about the latest job."""

    action: str
    state: str  # running, succeeded, failed; read() reports a dead "running" as interrupted
    started_at: str
    finished_at: str | None = None
    stage: str | None = None  # "read" files, then "index" documents: see indexer.build
    done: int | None = None
    total: int | None = None
    documents: int | None = None
    skipped: int | None = None
    seconds: float | None = None
    message: str | None = None


def read(index_dir: Path) -> Job | None:
    """Return the latest job, or None when none was started or its file is unreadable."""
    job = _load(index_dir)
    if job is None or job.state != "running" or is_locked(index_dir, JOB_LOCK):
        return job
    # The job may have written its outcome and let go of its lock between the two looks.
    job = _load(index_dir)
    if job is not None and job.state == "running":
        job.state = "interrupted"
        job.message = "Työ keskeytyi: sen ajanut prosessi pysähtyi ennen kuin työ valmistui."
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
            job.message = _failure(e)
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
    job.message = (
        f"Hakemisto rakennettu: {report.indexed} asiakirjaa, {len(report.skipped)} ohitettu,"
        f" {_seconds(report.seconds)}."
    )


def _update(job: Job, seeds_dir: Path, index_dir: Path, max_bytes: int) -> None:
    report = runs.update(seeds_dir, index_dir, max_bytes=max_bytes)
    gen = store.current_generation(index_dir)
    job.documents = store.read_meta(gen).get("documents") if gen else None
    job.skipped, job.seconds = len(report.skipped), report.seconds
    job.message = (
        f"Hakemisto päivitetty: {len(report.added)} lisätty, {len(report.changed)} muuttunut,"
        f" {len(report.removed)} poistettu, {len(report.skipped)} ohitettu,"
        f" {report.unchanged} ennallaan, {_seconds(report.seconds)}."
    )


def _failure(e: Exception) -> str:
    """Say in words for the admin why a job failed; log what nobody expected."""
    if isinstance(e, WriterBusy):
        return BUSY_MESSAGE
    if isinstance(e, NothingIndexed):
        return "Yhtäkään asiakirjaa ei voitu indeksoida; hakemisto jätettiin ennalleen."
    if isinstance(e, WorkerFailed):
        return f"Hakemiston rakennus epäonnistui; hakemisto jätettiin ennalleen. ({e})"
    if isinstance(e, IndexMissing):
        return "Hakemistoa ei ole vielä rakennettu: rakenna se ensin."
    if isinstance(e, OSError):
        return f"Tiedostovirhe: {e}"
    log.exception("Admin job failed")
    return f"Odottamaton virhe ({type(e).__name__}): {e}"


def _write(index_dir: Path, job: Job) -> None:
    fsutil.write_json(index_dir / JOB_FILE, asdict(job))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")
