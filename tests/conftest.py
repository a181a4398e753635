"""Shared fixtures: a real index built from the seeds in a temporary folder."""

import contextlib
import gc
import http.client
import os
import shutil
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from indexer.analysis.analyzers import voikko_available
from indexer.store import generations, searchers
from indexer.writing.build import build_index
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The development queries over SEEDS (tests/data/README.md).
SEED_QUERIES = ROOT / "tests" / "data" / "seed-queries.json"

# Whoosh leaves a segment's files open when reading it fails (a zeroed file, or one a switch
# deleted while it was opened), and the garbage collector complains of it later: mark the
# tests that do that, and collect at their end.
leaks_segment_file = pytest.mark.filterwarnings(
    "ignore:Exception ignored in:pytest.PytestUnraisableExceptionWarning"
)

# What every response must carry (webui/headers.py), spelt out here so a change shows.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self';"
    " style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# Tests of what Voikko does skip, with the reason, where it is not installed.
needs_voikko = pytest.mark.skipif(
    not voikko_available(), reason="Voikko (Debian: libvoikko1 voikko-fi) is not installed"
)


@pytest.fixture(autouse=True)
def _close_searchers(request: pytest.FixtureRequest):
    """Close the searchers a test left open, so that temporary indexes do not pile up files;
    after a test marked leaks_segment_file, collect the files Whoosh left open while that
    test's warning filter still applies, not during a later test."""
    yield
    searchers.close_pools()
    if any(
        "PytestUnraisableExceptionWarning" in str(mark.args)
        for mark in request.node.iter_markers("filterwarnings")
    ):
        gc.collect()


@pytest.fixture(scope="session")
def seeds_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's seeds that tests may read but not change."""
    target = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the project's five seeds, built once for the session; do not modify it.

    Built from the project root, as `make run` does, so hit paths read "seeds/...".
    """
    index_dir = tmp_path_factory.mktemp("index")
    with contextlib.chdir(ROOT):
        build_index(Path("seeds"), index_dir)
    return index_dir


@pytest.fixture()
def app(seed_index: Path, seeds_copy: Path):
    from webui import create_app

    return create_app(
        {"TESTING": True, "INDEX_DIR": seed_index, "SEEDS_DIR": seeds_copy, "ADMIN_TOKEN": ""}
    )


@pytest.fixture()
def client(app):
    return app.test_client()


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Create files (text or bytes) below a folder and return the folder."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def write_unlistable_folder(folder: Path) -> str:
    """Create folders below folder, the deepest of them with a file, until one is too deep to
    list (its path is longer than the system allows, which stops root too); return its id."""
    name = "k" * 250
    path_max = os.pathconf(folder, "PC_PATH_MAX")
    depth = next(d for d in range(1, 100) if len(str(folder)) + (len(name) + 1) * d >= path_max)
    fd = os.open(folder, os.O_RDONLY)
    try:
        # Relative to an open folder: the full path is too long for mkdir and open.
        for _ in range(depth + 1):
            os.mkdir(name, dir_fd=fd)
            deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        os.close(os.open("b.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    finally:
        os.close(fd)
    return "/".join([name] * depth) + "/"


@pytest.fixture(scope="module")
def gunicorn_server(seed_index: Path, seeds_copy: Path):
    """Start the real gunicorn server (2 workers) on a free loopback port; yield its URL.

    One server serves a whole test module: its tests must leave it as they found it.
    """
    yield from serve(seed_index, seeds_copy)


def serve(index_dir: Path, seeds_dir: Path, extra_env: dict[str, str] | None = None):
    """Run gunicorn over an index until the generator is closed; yield its base URL."""
    with gunicorn(index_dir, seeds_dir, extra_env=extra_env) as url:
        yield url


def http_request(
    url: str,
    target: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, Message, bytes]:
    """Send one request to a server exactly as given (Host header included); no redirects.

    Return the status, the headers and the body.
    """
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def damage_index(index_dir: Path, damage: str) -> None:
    """Break a built index as a disk or a careless hand can: "current" or "segment"."""
    if damage == "current":
        (index_dir / generations.CURRENT).write_bytes(b"\xff\xfe")
    else:
        for segment in generations.require_generation(index_dir).glob("*.trm"):
            segment.write_bytes(bytes(segment.stat().st_size))


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster of 3 nodes on loopback, this process attached (skipped without
    Ray); checks at the end that none of its processes is left."""
    from tests.ray_cluster import local_cluster

    with local_cluster() as cluster:
        yield cluster
