"""The admin state under damage, locks and floods: a 503 with Retry-After, never a 500; a
damaged file recreated; failed logins counted by address, network and in all."""

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from indexer.writing.build import build_index
from tests.conftest import write_files
from webui import admin, admin_state, create_app
from webui.admin_state import STATE_FILE, AdminState, Limits

TOKEN = "oikea-tunnus-7f3a"


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Ensimmäinen\n\nVATE kokoontui."})
    build_index(seeds, tmp_path / "index")
    return tmp_path / "index"


def make_client(index_dir: Path):
    app = create_app(
        {
            "TESTING": True,
            "SEEDS_DIR": index_dir.parent / "seeds",
            "INDEX_DIR": index_dir,
            "ADMIN_TOKEN": TOKEN,
        }
    )
    return app.test_client()


def log_in(client, token: str = TOKEN, address: str = "127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    return client.post("/admin/login", data={"token": token}, environ_base=environ)


def test_a_damaged_state_file_is_recreated_and_the_login_works(index_dir: Path) -> None:
    client = make_client(index_dir)
    assert log_in(client).status_code == 303
    (index_dir / STATE_FILE).write_bytes(b"this is no database " * 400)
    again = make_client(index_dir)
    assert log_in(again).status_code == 303
    assert again.get("/admin").status_code == 200
    # The sessions went with the damaged file.
    assert client.get("/admin").status_code == 303
    with closing(sqlite3.connect(index_dir / STATE_FILE)) as db:
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_locked_state_is_a_503_and_sessions_are_still_read(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin_state, "BUSY_SECONDS", 0.2, raising=False)
    client = make_client(index_dir)
    assert log_in(client).status_code == 303
    with closing(sqlite3.connect(index_dir / STATE_FILE, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        other = make_client(index_dir)
        r = log_in(other)
        assert (r.status_code, r.headers["Retry-After"]) == (503, "5")
        assert "Ylläpitosivu ei ole nyt käytettävissä" in r.get_data(as_text=True)
        # Reading a session waits for no writer.
        assert client.get("/admin").status_code == 200
        holder.execute("ROLLBACK")
    assert log_in(other).status_code == 303


def test_a_state_that_cannot_be_mended_is_a_503_and_healthz_says_so(index_dir: Path) -> None:
    client = make_client(index_dir)
    assert client.get("/healthz").get_json()["admin"] == "ok"
    path = index_dir / STATE_FILE
    path.unlink()
    path.mkdir()
    r = log_in(client)
    assert (r.status_code, r.headers["Retry-After"]) == (503, "5")
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["admin"]) == (200, "unavailable")
    path.rmdir()
    assert log_in(client).status_code == 303
    assert client.get("/healthz").get_json()["admin"] == "ok"


def test_a_state_file_of_the_first_layout_is_replaced(index_dir: Path) -> None:
    with closing(sqlite3.connect(index_dir / STATE_FILE)) as db:
        db.executescript(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, expires REAL NOT NULL);"
            "CREATE TABLE failures (client TEXT NOT NULL, at REAL NOT NULL);"
        )
    client = make_client(index_dir)
    assert log_in(client, "arvaus").status_code == 401
    assert log_in(client).status_code == 303


@pytest.mark.parametrize(
    ("network", "outside"),
    [
        (["2001:db8:1:2::" + format(n, "x") for n in range(1, 12)], "2001:db8:1:3::1"),
        ([f"127.0.{n}.{n}" for n in range(1, 12)], "192.0.2.1"),
        ([f"::ffff:127.0.0.{n}" for n in range(1, 12)], "::1"),
    ],
)
def test_failed_logins_count_by_network(index_dir: Path, network: list[str], outside: str):
    client = make_client(index_dir)
    statuses = [log_in(client, "arvaus", address).status_code for address in network]
    assert statuses == [401] * admin.NETWORK_FAILURES + [429]
    assert log_in(client, TOKEN, network[-1]).status_code == 429
    assert log_in(client, "arvaus", outside).status_code == 401


def test_failed_logins_count_in_all_and_their_rows_are_capped(index_dir: Path) -> None:
    client = make_client(index_dir)
    statuses = [
        log_in(client, "arvaus", f"10.0.{n // 250}.{n % 250}").status_code for n in range(150)
    ]
    assert statuses == [401] * admin.ALL_FAILURES + [429] * (150 - admin.ALL_FAILURES)
    assert log_in(client, TOKEN, "192.0.2.7").status_code == 429
    with closing(sqlite3.connect(index_dir / STATE_FILE)) as db:
        assert db.execute("SELECT count(*) FROM failures").fetchone() == (admin.ALL_FAILURES,)


def test_failures_expire_after_the_window(index_dir: Path, monkeypatch: pytest.MonkeyPatch):
    state = AdminState(index_dir, 60, Limits(address=2, network=5, everyone=9, window=300))
    assert [state.try_login("10.0.0.1") for _ in range(3)] == [True, True, False]
    later = time.time() + 301
    monkeypatch.setattr(admin_state.time, "time", lambda: later)
    assert state.try_login("10.0.0.2") is True
    with closing(sqlite3.connect(index_dir / STATE_FILE)) as db:
        assert db.execute("SELECT client FROM failures").fetchall() == [("10.0.0.2",)]
    assert state.try_login("10.0.0.1") is True
