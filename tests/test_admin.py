"""The admin page: token login, CSRF, rate limit and background jobs over a real index."""

import contextlib
import gc
import hashlib
import hmac
import http.cookiejar
import json
import re
import stat
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from indexer.analysis.analyzers import AnalysisUnavailable
from indexer.service import jobs
from indexer.store.lock import LOCK_NAME, writer_lock
from indexer.writing.build import build_index
from tests.conftest import damage_index, http_request, leaks_segment_file, serve, write_files
from webui import ConfigError, admin, create_app
from webui.admin_state import STATE_FILE
from webui.secret_key import KEY_FILE, shared_secret_key

TOKEN = "oikea-tunnus-7f3a"
EVIL = "<script>x</script>.pdf"


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    seeds = write_files(
        tmp_path / "seeds",
        {
            "a.txt": "Ensimmäinen\n\nVATE kokoontui.",
            "b.md": "# Toinen\n\nSoite ja hyvinvointialue.",
            "c.txt": "",
            EVIL: b"%PDF-1.4",
        },
    )
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    return seeds, index_dir


@pytest.fixture()
def admin_client(folders: tuple[Path, Path]):
    seeds, index_dir = folders
    app = create_app(
        {"TESTING": True, "SEEDS_DIR": seeds, "INDEX_DIR": index_dir, "ADMIN_TOKEN": TOKEN}
    )
    return app.test_client()


@pytest.fixture(autouse=True)
def join_job_threads():
    """Let no job thread outlive its test."""
    yield
    for thread in threading.enumerate():
        if thread.name == jobs.THREAD_NAME:
            thread.join(timeout=20)


def log_in(client) -> str:
    """Log in and return the CSRF token of the admin page."""
    r = client.post("/admin/login", data={"token": TOKEN})
    assert (r.status_code, r.headers["Location"]) == (303, "/admin")
    return csrf_of(client.get("/admin").get_data(as_text=True))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def wait_for_job(index_dir: Path) -> jobs.Job:
    """Return the job once it has finished; fail after 20 seconds."""
    deadline = time.monotonic() + 20
    while True:
        job = jobs.read(index_dir)
        if job is not None and job.state != "running":
            return job
        assert time.monotonic() < deadline, f"job still running: {job}"
        time.sleep(0.05)


def test_without_a_token_every_admin_url_is_404(client, seed_index: Path) -> None:
    assert client.get("/admin").status_code == 404
    assert client.get("/admin/login").status_code == 404
    for path in ["/admin/login", "/admin/logout", "/admin/rebuild", "/admin/update"]:
        assert client.post(path, data={"token": ""}).status_code == 404
    assert jobs.read(seed_index) is None


def test_a_wrong_token_is_refused_and_opens_no_session(admin_client) -> None:
    r = admin_client.post("/admin/login", data={"token": "arvaus"})
    assert r.status_code == 401
    assert "Väärä ylläpitotunnus." in r.get_data(as_text=True)
    assert admin_client.get_cookie("session") is None
    r = admin_client.get("/admin")
    assert (r.status_code, r.headers["Location"]) == (303, "/admin/login")


def test_the_right_token_shows_the_index_and_its_skipped_files(admin_client) -> None:
    log_in(admin_client)
    cookie = admin_client.get_cookie("session")
    assert (cookie.http_only, cookie.same_site) == (True, "Lax")
    r = admin_client.get("/admin")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<dd id="documents">2</dd>' in html
    assert "Ohitetut tiedostot (2)" in html
    assert '<td class="path">c.txt</td><td>Tyhjä tiedosto (empty file)</td>' in html
    assert "&lt;script&gt;x&lt;/script&gt;.pdf" in html
    assert "<script>" not in html
    assert TOKEN not in html
    assert 'http-equiv="refresh"' not in html


def test_logging_out_ends_the_session(admin_client) -> None:
    csrf = log_in(admin_client)
    assert admin_client.post("/admin/logout", data={}).status_code == 400
    r = admin_client.post("/admin/logout", data={"csrf": csrf})
    assert (r.status_code, r.headers["Location"]) == (303, "/admin/login")
    assert admin_client.get("/admin").status_code == 303


@pytest.mark.parametrize("form", [{}, {"csrf": "väärä"}, {"csrf": ""}])
def test_actions_without_the_right_csrf_token_start_nothing(
    admin_client, folders: tuple[Path, Path], form: dict[str, str]
) -> None:
    log_in(admin_client)
    for action in ["rebuild", "update"]:
        r = admin_client.post(f"/admin/{action}", data=form)
        assert r.status_code == 400
        assert "tarkistustunniste puuttuu tai on väärä" in r.get_data(as_text=True)
    assert jobs.read(folders[1]) is None


def test_actions_need_a_session(admin_client, folders: tuple[Path, Path]) -> None:
    r = admin_client.post("/admin/rebuild", data={"csrf": "x"})
    assert (r.status_code, r.headers["Location"]) == (303, "/admin/login")
    assert jobs.read(folders[1]) is None


def test_an_action_while_a_writer_runs_is_409(admin_client, folders: tuple[Path, Path]) -> None:
    csrf = log_in(admin_client)
    index_dir = folders[1]
    with writer_lock(index_dir):
        page = admin_client.get("/admin").get_data(as_text=True)
        assert "parhaillaan muualla" in page
        assert 'http-equiv="refresh"' in page
        for action in ["rebuild", "update"]:
            r = admin_client.post(f"/admin/{action}", data={"csrf": csrf})
            assert r.status_code == 409
            assert "on jo käynnissä" in r.get_data(as_text=True)
    assert jobs.read(index_dir) is None


def test_rebuild_runs_in_the_background(admin_client, folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    csrf = log_in(admin_client)
    write_files(seeds, {"d.txt": "Kolmas\n\nMaakunta."})
    r = admin_client.post("/admin/rebuild", data={"csrf": csrf})
    assert (r.status_code, r.headers["Location"]) == (303, "/admin")
    job = wait_for_job(index_dir)
    assert (job.action, job.state, job.documents, job.skipped) == ("rebuild", "succeeded", 3, 2)
    assert (job.stage, job.done, job.total) == ("index", 3, 3)
    assert job.message.startswith("Index built: 3 documents, 2 skipped,")
    html = admin_client.get("/admin").get_data(as_text=True)
    assert "Hakemisto rakennettu: 3 asiakirjaa, 2 ohitettu," in html
    assert '<dd id="documents">3</dd>' in html
    assert "Uudelleenrakennus – valmis" in html


def test_update_picks_up_an_added_file(admin_client, folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    csrf = log_in(admin_client)
    write_files(seeds, {"d.txt": "Kolmas\n\nMaakunta."})
    r = admin_client.post("/admin/update", data={"csrf": csrf})
    assert r.status_code == 303
    job = wait_for_job(index_dir)
    assert (job.action, job.state, job.documents) == ("update", "succeeded", 3)
    assert job.message.startswith("Index updated: 1 added, 0 changed, 0 removed,")
    html = admin_client.get("/admin").get_data(as_text=True)
    assert '<dd id="documents">3</dd>' in html
    assert "Hakemisto päivitetty: 1 lisätty, 0 muuttunut, 0 poistettu," in html


def test_a_failed_job_says_why(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SEEDS_DIR": folders[0],
            "INDEX_DIR": tmp_path / "empty",
            "ADMIN_TOKEN": TOKEN,
        }
    )
    client = app.test_client()
    csrf = log_in(client)
    assert "Hakemistoa ei ole vielä rakennettu" in client.get("/admin").get_data(as_text=True)
    assert client.post("/admin/update", data={"csrf": csrf}).status_code == 303
    job = wait_for_job(tmp_path / "empty")
    assert (job.state, job.message) == (
        "failed",
        "The index has not been built yet: build it first.",
    )
    html = client.get("/admin").get_data(as_text=True)
    assert "Päivitys – epäonnistui" in html
    assert "Hakemistoa ei ole vielä rakennettu: rakenna se ensin." in html


def test_a_running_job_whose_process_died_shows_as_interrupted(
    admin_client, folders: tuple[Path, Path]
) -> None:
    index_dir = folders[1]
    job = {"action": "rebuild", "state": "running", "started_at": "2025-01-01T00:00:00+00:00"}
    (index_dir / jobs.JOB_FILE).write_text(json.dumps(job), encoding="utf-8")
    log_in(admin_client)
    html = admin_client.get("/admin").get_data(as_text=True)
    assert "Uudelleenrakennus – keskeytyi" in html
    assert 'http-equiv="refresh"' not in html
    # UTC midnight is two in the morning in Helsinki, written as a Finn writes it.
    assert "Aloitettu 1.1.2025 klo 02.00" in html
    html = admin_client.get("/admin?lang=sv").get_data(as_text=True)
    assert "1.1.2025 kl. 02.00" in html


def test_the_sixth_failed_login_is_429(admin_client) -> None:
    for _ in range(5):
        assert admin_client.post("/admin/login", data={"token": "arvaus"}).status_code == 401
    r = admin_client.post("/admin/login", data={"token": TOKEN})
    assert r.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in r.get_data(as_text=True)
    assert admin_client.get_cookie("session") is None


def test_a_writer_that_starts_after_the_check_fails_the_job(
    monkeypatch: pytest.MonkeyPatch, folders: tuple[Path, Path]
) -> None:
    seeds, index_dir = folders
    real = jobs.is_locked

    def writer_lock_looks_free(index_dir: Path, name: str = LOCK_NAME) -> bool:
        return name != LOCK_NAME and real(index_dir, name)

    # The CLI takes the writer lock just after the view looked: the check saw it free.
    monkeypatch.setattr(jobs, "is_locked", writer_lock_looks_free)
    with writer_lock(index_dir):
        jobs.start("rebuild", seeds, index_dir, 10_000).join(timeout=20)
    job = jobs.read(index_dir)
    assert (job.state, job.message) == ("failed", jobs.BUSY_MESSAGE)


def test_an_index_this_machine_cannot_open_still_offers_a_rebuild(
    admin_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(index_dir: Path):
        raise AnalysisUnavailable("Voikko puuttuu.")

    monkeypatch.setattr(admin, "index_stats", unavailable)
    log_in(admin_client)
    html = admin_client.get("/admin").get_data(as_text=True)
    assert "Voikko puuttuu. Rakenna hakemisto uudelleen." in html
    assert '<button type="submit">Rakenna hakemisto uudelleen</button>' in html


def test_gunicorn_workers_share_the_session_and_the_job(folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    server = serve(index_dir, seeds, {"SOTEHAKU_ADMIN_TOKEN": TOKEN})
    url = next(server)
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def fetch(path: str, form: dict[str, str] | None = None) -> str:
            data = urllib.parse.urlencode(form).encode() if form is not None else None
            with opener.open(url + path, data, timeout=10) as r:
                assert r.url == url + "/admin"
                return r.read().decode()

        csrf = csrf_of(fetch("/admin/login", {"token": TOKEN}))
        fetch("/admin/rebuild", {"csrf": csrf})
        job = wait_for_job(index_dir)
        assert (job.state, job.documents) == ("succeeded", 2)
        # Each request may land in either worker: both must know the session and the outcome.
        for _ in range(6):
            assert "Uudelleenrakennus – valmis" in fetch("/admin")
    finally:
        server.close()


@pytest.mark.parametrize("token", ["1234", " ", "a" * 15, "  " + "b" * 15 + "\n"])
def test_a_short_admin_token_is_refused_at_start(tmp_path: Path, token: str) -> None:
    with pytest.raises(ConfigError, match="SOTEHAKU_ADMIN_TOKEN is too short.* at least 16"):
        create_app({"INDEX_DIR": tmp_path, "ADMIN_TOKEN": token})


def test_gunicorn_will_not_serve_a_short_admin_token(folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    with pytest.raises(RuntimeError, match="SOTEHAKU_ADMIN_TOKEN is too short"):
        next(serve(index_dir, seeds, {"SOTEHAKU_ADMIN_TOKEN": "1234"}))


def test_the_session_key_is_random_private_and_kept_in_the_index_folder(tmp_path: Path) -> None:
    config = {"INDEX_DIR": tmp_path / "a", "ADMIN_TOKEN": TOKEN}
    key = create_app(config).secret_key
    assert re.fullmatch("[0-9a-f]{64}", key)
    assert create_app(config).secret_key == key
    assert create_app({**config, "INDEX_DIR": tmp_path / "b"}).secret_key != key
    for name in [KEY_FILE, STATE_FILE]:
        assert stat.S_IMODE((tmp_path / "a" / name).stat().st_mode) == 0o600, name
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted([KEY_FILE, STATE_FILE])


def test_a_configured_secret_key_is_used_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOTEHAKU_SECRET_KEY", "k" * 32)
    app = create_app({"INDEX_DIR": tmp_path / "index", "ADMIN_TOKEN": TOKEN})
    assert app.secret_key == "k" * 32
    assert not (tmp_path / "index" / KEY_FILE).exists()
    monkeypatch.setenv("SOTEHAKU_SECRET_KEY", "lyhyt")
    with pytest.raises(ConfigError, match="SOTEHAKU_SECRET_KEY is too short"):
        create_app({"INDEX_DIR": tmp_path / "index", "ADMIN_TOKEN": TOKEN})


def test_workers_starting_at_once_agree_on_the_session_key(tmp_path: Path) -> None:
    start = threading.Barrier(16)

    def first_start(_: int) -> str:
        start.wait()
        return shared_secret_key(tmp_path / "index")

    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(first_start, range(16)))
    assert len(keys) == 1
    assert [p.name for p in (tmp_path / "index").iterdir()] == [KEY_FILE]


def test_the_secure_cookie_setting_marks_the_session_cookie(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOTEHAKU_SESSION_COOKIE_SECURE", "true")
    seeds, index_dir = folders
    app = create_app({"SEEDS_DIR": seeds, "INDEX_DIR": index_dir, "ADMIN_TOKEN": TOKEN})
    client = app.test_client()
    client.post("/admin/login", data={"token": TOKEN}, base_url="https://localhost")
    assert client.get_cookie("session", domain="localhost").secure is True
    monkeypatch.setenv("SOTEHAKU_SESSION_COOKIE_SECURE", "kyllä")
    with pytest.raises(ConfigError, match="must be true or false"):
        create_app({"INDEX_DIR": index_dir, "ADMIN_TOKEN": TOKEN})


def test_a_time_zone_that_does_not_exist_stops_the_start(folders: tuple[Path, Path]) -> None:
    with pytest.raises(ConfigError, match="SOTEHAKU_TIMEZONE must be a time zone"):
        create_app({"INDEX_DIR": folders[1], "TIMEZONE": "Europe/Tampere"})


@pytest.mark.parametrize("damage", ["current", pytest.param("segment", marks=leaks_segment_file)])
def test_a_damaged_index_shows_on_the_admin_page_and_a_rebuild_mends_it(
    admin_client, folders: tuple[Path, Path], damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = folders[1]
    damage_index(index_dir, damage)
    csrf = log_in(admin_client)
    r = admin_client.get("/admin")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Hakemisto on vioittunut" in html
    assert '<button type="submit">Rakenna hakemisto uudelleen</button>' in html
    assert admin_client.post("/admin/rebuild", data={"csrf": csrf}).status_code == 303
    assert wait_for_job(index_dir).state == "succeeded"
    assert '<dd id="documents">2</dd>' in admin_client.get("/admin").get_data(as_text=True)
    assert admin_client.get("/healthz").get_json()["documents"] == 2
    caplog.clear()  # the logged errors' tracebacks hold Whoosh's leaked files
    gc.collect()


def form(fields: dict[str, str], cookie: str | None = None) -> dict:
    """Return http_request's arguments for posting a form, with a session cookie if given."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    return {"method": "POST", "headers": headers, "body": urllib.parse.urlencode(fields).encode()}


def forged_cookie() -> str:
    """Make the cookie that a guessed token used to be enough for, without logging in.

    Sessions were signed with a key derived from the token alone, so whoever guessed the
    token offline made an admin cookie and the login's rate limit never applied.
    """
    derived = hashlib.sha256(b"sotehaku-session\0" + TOKEN.encode()).hexdigest()
    forger = Flask("forger")
    forger.secret_key = derived
    fingerprint = hmac.new(
        derived.encode(), b"sotehaku-admin\0" + TOKEN.encode(), hashlib.sha256
    ).hexdigest()
    signer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return "session=" + signer.dumps({"admin": fingerprint, "csrf": "x", "sid": "x"})


def test_gunicorn_honours_only_sessions_that_are_logged_in(folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    with contextlib.closing(serve(index_dir, seeds, {"SOTEHAKU_ADMIN_TOKEN": TOKEN})) as server:
        url = next(server)
        forged = {"headers": {"Cookie": forged_cookie()}}
        status, headers, _ = http_request(url, "/admin", **forged)
        assert (status, headers["Location"]) == (303, "/admin/login")

        login = form({"token": TOKEN})
        login["headers"]["Host"] = "evil.example"
        status, headers, _ = http_request(url, "/admin/login", **login)
        assert (status, headers["Location"]) == (303, "/admin")
        cookie = headers["Set-Cookie"].split(";")[0]
        admin_page = {"headers": {"Cookie": cookie}}
        for _ in range(6):
            status, _, body = http_request(url, "/admin", **admin_page)
            assert status == 200
        csrf = csrf_of(body.decode())
        status, _, _ = http_request(url, "/admin/logout", **form({"csrf": csrf}, cookie))
        assert status == 303
        # A copy of the cookie, replayed: whichever worker answers must refuse it.
        for _ in range(8):
            status, headers, _ = http_request(url, "/admin", **admin_page)
            assert (status, headers["Location"]) == (303, "/admin/login")
        status, headers, _ = http_request(url, "/admin/rebuild", **form({"csrf": csrf}, cookie))
        assert (status, headers["Location"]) == (303, "/admin/login")
    assert jobs.read(index_dir) is None


def test_the_failed_login_limit_holds_in_every_worker(folders: tuple[Path, Path]) -> None:
    seeds, index_dir = folders
    start = threading.Barrier(40)

    def guess(n: int) -> int:
        attempt = form({"token": "arvaus"})
        # The address is the connection's: headers a client sends cannot make it another one.
        attempt["headers"].update({"X-Forwarded-For": f"10.0.0.{n}", "X-Real-IP": "10.1.1.1"})
        start.wait()
        return http_request(url, "/admin/login", **attempt)[0]

    with contextlib.closing(serve(index_dir, seeds, {"SOTEHAKU_ADMIN_TOKEN": TOKEN})) as server:
        url = next(server)
        # At once, so that both workers answer some of them.
        with ThreadPoolExecutor(40) as pool:
            statuses = sorted(pool.map(guess, range(40)))
        assert statuses == [401] * 5 + [429] * 35
        assert http_request(url, "/admin/login", **form({"token": TOKEN}))[0] == 429
