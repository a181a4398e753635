"""Shared fixtures: a real index built from the seeds in a temporary folder."""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from indexer.build import build_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


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


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def gunicorn_server(seed_index: Path, seeds_copy: Path):
    """Start the real gunicorn server (2 workers) on a free loopback port; yield its URL."""
    yield from serve(seed_index, seeds_copy)


def serve(index_dir: Path, seeds_dir: Path, extra_env: dict[str, str] | None = None):
    """Run gunicorn over an index until the generator is closed; yield its base URL."""
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    env = {
        **os.environ,
        "SOTEHAKU_INDEX_DIR": str(index_dir),
        "SOTEHAKU_SEEDS_DIR": str(seeds_dir),
        **(extra_env or {}),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "webui:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(log.read().decode(errors="replace")) from None
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=15)
