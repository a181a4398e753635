"""The production recipe in deploy/, as shipped: Debian's nginx on loopback with the site file
rendered from its template, in front of gunicorn started by the systemd unit's own command
line, and the units checked by systemd-analyze."""

import contextlib
import http.client
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import ROOT, SECURITY_HEADERS
from tests.server import free_port

DEPLOY = ROOT / "deploy"
STATIC = ROOT / "webui" / "static"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# A client address the admin page is opened to, and one that floods: both loopback, on this
# machine, and apart from the 127.0.0.1 of the other tests, since nginx's limits count per
# address.
ADMIN_ADDRESS, FLOOD_ADDRESS, SLOW_ADDRESS = "127.0.0.2", "127.0.0.3", "127.0.0.4"
ALERTS_ADDRESS = "127.0.0.5"

needs_nginx = pytest.mark.skipif(
    not (Path(NGINX).exists() and shutil.which("openssl")),
    reason="Debian's nginx and openssl are not installed (make test installs them as root)",
)


def render(template: str, **values: str) -> str:
    """Fill in a deploy/ template with deploy/render.py, as docs/production.md's steps do."""
    args = [f"{name}={value}" for name, value in values.items()]
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "render.py"), str(DEPLOY / template), *args],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def unit_settings(unit: str) -> dict[str, list[str]]:
    """Read a unit file's [Service] section: each key with its values, in order."""
    found: dict[str, list[str]] = {}
    section = None
    for line in unit.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def unit_environment(service: dict[str, list[str]]) -> dict[str, str]:
    """Return the environment systemd gives the service: its file, then its own lines."""
    env: dict[str, str] = {}
    for path in service.get("EnvironmentFile", []):
        for line in Path(path.removeprefix("-")).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip()
    for line in service.get("Environment", []):
        env.update(pair.split("=", 1) for pair in shlex.split(line))
    return env


@dataclass
class Deployment:
    folder: Path
    https_port: int
    http_port: int
    upstream: str
    certificate: Path
    gunicorn_log: Path

    def request(
        self,
        target: str,
        method: str = "GET",
        source: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> tuple[int, Message, bytes]:
        """Send one request to nginx over HTTPS, from a given loopback address."""
        conn = connection or self.https(source)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            if connection is None:
                conn.close()

    def https(self, source: str = "127.0.0.1") -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=self.certificate)
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=10, context=context, source_address=(source, 0)
        )

    def tls_socket(self, source: str) -> ssl.SSLSocket:
        context = ssl.create_default_context(cafile=self.certificate)
        raw = socket.create_connection(
            ("127.0.0.1", self.https_port), timeout=10, source_address=(source, 0)
        )
        return context.wrap_socket(raw, server_hostname="127.0.0.1")


MAIN_CONFIG = """\
# Debian's nginx.conf, reduced to what a test on loopback needs; the site is the shipped one.
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/sotehaku.conf;
}}
"""


@pytest.fixture(scope="module")
def deployment(
    seed_index: Path, seeds_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """gunicorn as the rendered unit runs it, and nginx with the rendered site in front."""
    folder = tmp_path_factory.mktemp("deploy")
    index_dir = folder / "index"
    shutil.copytree(seed_index, index_dir)
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    env_file = folder / "sotehaku.env"
    env_file.write_text(
        (DEPLOY / "sotehaku.env.example")
        .read_text()
        .replace("SOTEHAKU_ADMIN_TOKEN=\n", f"SOTEHAKU_ADMIN_TOKEN={secrets.token_urlsafe(24)}\n")
    )
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    upstream = f"127.0.0.1:{app_port}"
    unit = render(
        "systemd/sotehaku.service.in",
        VENV=str(Path(sys.executable).parent.parent),
        INDEX_DIR=str(index_dir),
        SEEDS_DIR=str(seeds_copy),
        CONFIG_FILE=str(env_file),
        BIND=upstream,
        WORKERS="2",
    )
    (folder / "sotehaku.conf").write_text(
        render(
            "nginx/sotehaku.conf.in",
            UPSTREAM=upstream,
            HTTP_LISTEN=f"127.0.0.1:{http_port}",
            HTTPS_LISTEN=f"127.0.0.1:{https_port}",
            SERVER_NAME="127.0.0.1",
            PUBLIC_URL=f"https://127.0.0.1:{https_port}",
            TLS_CERTIFICATE=str(certificate),
            TLS_CERTIFICATE_KEY=str(key),
            STATIC_DIR=str(STATIC),
            ADMIN_ALLOW=ADMIN_ADDRESS,
        )
    )
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(MAIN_CONFIG.format(user=user, folder=folder))

    service = unit_settings(unit)
    gunicorn_log = folder / "gunicorn.log"
    with open(gunicorn_log, "wb") as out:
        app = subprocess.Popen(
            shlex.split(service["ExecStart"][0]),
            cwd=service["WorkingDirectory"][0],
            env={**os.environ, **unit_environment(service)},
            stdout=out,
            stderr=out,
        )
    nginx_log = folder / "nginx.out"
    with open(nginx_log, "wb") as out:
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
            stdout=out,
            stderr=out,
        )
    deployment = Deployment(folder, https_port, http_port, upstream, certificate, gunicorn_log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if deployment.request("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if app.poll() is not None or nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(gunicorn_log.read_text() + nginx_log.read_text())
            time.sleep(0.1)
        yield deployment
    finally:
        nginx.send_signal(signal.SIGQUIT)
        app.terminate()
        for proc in (nginx, app):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def gunicorn_requests(deployment: Deployment) -> list[dict]:
    lines = [json.loads(line) for line in deployment.gunicorn_log.read_text().splitlines()]
    return [line for line in lines if line["logger"] == "sotehaku.request"]


@needs_nginx
def test_search_goes_through_nginx_with_the_apps_headers(deployment: Deployment) -> None:
    status, headers, body = deployment.request("/?q=VATE")
    assert (status, "<mark>VATE</mark>" in body.decode()) == (200, True)
    assert {name: headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    status, _, body = deployment.request("/api/search?q=VATE")
    assert (status, json.loads(body)["total"]) == (200, 2)
    # The app's own limits still answer, in the app's JSON, not nginx's page.
    status, headers, body = deployment.request("/api/search?q=" + "a" * 6000)
    assert (status, headers["Content-Type"], list(json.loads(body))) == (
        414,
        "application/json",
        ["error"],
    )


@needs_nginx
def test_static_files_are_served_by_nginx(deployment: Deployment) -> None:
    status, headers, body = deployment.request("/static/style.css")
    assert (status, body) == (200, (STATIC / "style.css").read_bytes())
    assert headers["Content-Type"] == "text/css"
    assert headers["Cache-Control"] == "max-age=3600"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert not [line for line in gunicorn_requests(deployment) if line["path"].startswith("/st")]


@needs_nginx
def test_plain_http_is_sent_to_https(deployment: Deployment) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", deployment.http_port, timeout=10)
    conn.request("GET", "/?q=VATE")
    response = conn.getresponse()
    assert (response.status, response.headers["Location"]) == (
        301,
        f"https://127.0.0.1:{deployment.https_port}/?q=VATE",
    )
    conn.close()


@needs_nginx
def test_metrics_and_admin_are_kept_inside(deployment: Deployment) -> None:
    assert deployment.request("/metrics")[0] == 404
    conn = http.client.HTTPConnection(*deployment.upstream.split(":"), timeout=10)
    conn.request("GET", "/metrics")
    assert conn.getresponse().status == 200
    conn.close()
    assert deployment.request("/admin/login")[0] == 403
    status, _, body = deployment.request("/admin/login", source=ADMIN_ADDRESS)
    assert (status, 'name="token"' in body.decode()) == (200, True)
    # The login's cookie is for HTTPS only, as the env file says behind nginx.
    token = dict(
        line.split("=", 1)
        for line in (deployment.folder / "sotehaku.env").read_text().split()
        if line.startswith("SOTEHAKU_ADMIN_TOKEN=")
    )["SOTEHAKU_ADMIN_TOKEN"]
    status, headers, _ = deployment.request(
        "/admin/login",
        "POST",
        source=ADMIN_ADDRESS,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=f"token={token}".encode(),
    )
    assert (status, "Secure" in headers["Set-Cookie"]) == (303, True)


@needs_nginx
def test_slow_clients_do_not_stall_the_server(deployment: Deployment) -> None:
    # 2 workers x 32 threads: about 64 slow clients straight on gunicorn stall it. Through
    # nginx, neither half-sent headers nor half-sent bodies reach it.
    slow = []
    try:
        for _ in range(100):
            sock = deployment.tls_socket(SLOW_ADDRESS)
            sock.sendall(b"GET /?q=VATE HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(sock)
        for _ in range(40):
            sock = deployment.tls_socket(SLOW_ADDRESS)
            sock.sendall(
                b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nq="
            )
            slow.append(sock)
        time.sleep(0.5)
        started = time.monotonic()
        status, _, body = deployment.request("/api/search?q=VATE")
        took = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()
    assert (status, json.loads(body)["total"]) == (200, 2)
    assert took < 2.0


@needs_nginx
def test_a_flood_from_one_address_gets_429(deployment: Deployment) -> None:
    with contextlib.closing(deployment.https(FLOOD_ADDRESS)) as conn:
        statuses = [deployment.request("/nowhere", connection=conn)[0] for _ in range(80)]
    # A burst of 40 beyond the first; a few more pass as the rate refills.
    assert statuses[:41] == [404] * 41
    assert statuses[-1] == 429
    # Other addresses are not held back.
    assert deployment.request("/nowhere")[0] == 404


@needs_nginx
def test_the_alert_form_is_held_to_a_few_requests_a_minute(deployment: Deployment) -> None:
    with contextlib.closing(deployment.https(ALERTS_ADDRESS)) as conn:
        statuses = [
            deployment.request("/alerts/subscribe", "POST", body=b"", connection=conn)[0]
            for _ in range(8)
        ]
    # Past nginx to the app (alerts are off there: 404), a burst of 5 beyond the first.
    assert statuses == [404] * 6 + [429] * 2
    assert deployment.request("/nowhere", source=ALERTS_ADDRESS)[0] == 404


def test_the_templates_refuse_a_missing_or_unknown_value(tmp_path: Path) -> None:
    script = [
        sys.executable,
        str(DEPLOY / "render.py"),
        str(DEPLOY / "systemd/sotehaku.service.in"),
    ]
    missing = subprocess.run([*script, "VENV=/opt/x"], capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stderr.endswith(
        "no value for BIND, CONFIG_FILE, INDEX_DIR, SEEDS_DIR, WORKERS\n"
    )
    values = ["BIND=1", "CONFIG_FILE=2", "INDEX_DIR=3", "SEEDS_DIR=4", "WORKERS=5", "VENV=6"]
    unknown = subprocess.run([*script, *values, "PORT=8"], capture_output=True, text=True)
    assert (unknown.returncode, unknown.stderr.endswith("the template has no PORT\n")) == (1, True)


def rendered_units(folder: Path) -> dict[str, str]:
    values = {
        "VENV": str(Path(sys.executable).parent.parent),
        "INDEX_DIR": "/var/lib/sotehaku/index",
        "SEEDS_DIR": "/srv/sotehaku/seeds",
        "CONFIG_FILE": str(folder / "sotehaku.env"),
    }
    return {
        "sotehaku.service": render(
            "systemd/sotehaku.service.in", **values, BIND="127.0.0.1:8000", WORKERS="2"
        ),
        "sotehaku-watch.service": render("systemd/sotehaku-watch.service.in", **values),
        "sotehaku-alerts.service": render("systemd/sotehaku-alerts.service.in", **values),
    }


def test_the_units_run_sandboxed_as_sotehaku_writing_the_index_only(tmp_path: Path) -> None:
    for name, unit in rendered_units(tmp_path).items():
        service = unit_settings(unit)
        assert (service["User"], service["Group"]) == (["sotehaku"], ["sotehaku"]), name
        assert service["ProtectSystem"] == ["strict"], name
        assert service["ReadWritePaths"] == ["/var/lib/sotehaku/index"], name
        assert service["KillMode"] == ["mixed"], name
    watcher = unit_settings(rendered_units(tmp_path)["sotehaku-watch.service"])
    assert watcher["ExecStart"] == [f"{Path(sys.executable).parent}/sotehaku watch"]
    assert watcher["PrivateNetwork"] == ["true"]
    alerts = unit_settings(rendered_units(tmp_path)["sotehaku-alerts.service"])
    assert alerts["ExecStart"] == [f"{Path(sys.executable).parent}/sotehaku alerts"]
    assert alerts["Type"] == ["oneshot"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    (tmp_path / "sotehaku.env").write_text((DEPLOY / "sotehaku.env.example").read_text())
    for name, unit in rendered_units(tmp_path).items():
        (tmp_path / name).write_text(unit)
    # The timer as shipped: it has nothing to fill in, and starts the service of its name.
    shutil.copy(DEPLOY / "systemd/sotehaku-alerts.timer", tmp_path)
    done = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            "--man=no",
            *sorted(str(p) for p in tmp_path.glob("*.service")),
            str(tmp_path / "sotehaku-alerts.timer"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")
