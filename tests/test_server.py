"""The real production server: gunicorn on a loopback port, queried over HTTP."""

import contextlib
import json
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SECURITY_HEADERS, damage_index, http_request, serve


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_gunicorn_serves_search_page_api_and_health(gunicorn_server: str) -> None:
    status, body = get(gunicorn_server + "/api/search?q=VATE")
    assert status == 200
    data = json.loads(body)
    assert [h["path"] for h in data["hits"]] == [
        "seeds/000_a240cdab87ab5ecb.txt",
        "seeds/001_8cb112da170294d9.txt",
    ]
    assert all("<mark>" in h["snippet"] for h in data["hits"])

    status, body = get(gunicorn_server + "/?q=" + urllib.parse.quote("sote-uudistus"))
    assert status == 200
    assert "<mark>" in body.decode()

    status, body = get(gunicorn_server + "/healthz")
    assert (status, json.loads(body)["documents"]) == (200, 5)


@pytest.mark.parametrize("path", ["/api/search?q=*a", "/api/search?page=0&q=VATE"])
def test_gunicorn_answers_bad_requests_with_400(gunicorn_server: str, path: str) -> None:
    status, body = get(gunicorn_server + path)
    assert status == 400
    assert "error" in json.loads(body)


def test_slow_clients_do_not_stall_the_health_check(seed_index: Path, seeds_copy: Path) -> None:
    with contextlib.closing(serve(seed_index, seeds_copy)) as server:
        url = next(server)
        parts = urllib.parse.urlsplit(url)
        slow = []
        try:
            # Each sends half a request and waits, as a slowloris client does.
            for _ in range(10):
                sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
                sock.sendall(b"GET /?q=VATE HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                slow.append(sock)
            time.sleep(0.5)
            status, _, body = http_request(url, "/healthz", timeout=5)
        finally:
            for sock in slow:
                sock.close()
    assert (status, json.loads(body)["status"]) == (200, "ok")


@pytest.mark.parametrize(
    "target", ["/", "/?q=VATE", "/?q=*a", "/nowhere", "/api/search?q=*a", "/static/style.css"]
)
def test_every_answer_carries_the_security_headers(gunicorn_server: str, target: str) -> None:
    _, headers, _ = http_request(gunicorn_server, target)
    assert {name: headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS


@pytest.mark.parametrize(
    "method, target, status",
    [
        ("POST", "/api/search?q=VATE", 405),
        ("DELETE", "/healthz", 405),
        ("GET", "/api/nowhere", 404),
        ("GET", "/api", 404),
    ],
)
def test_api_and_health_errors_are_json(
    gunicorn_server: str, method: str, target: str, status: int
) -> None:
    got, headers, body = http_request(gunicorn_server, target, method)
    assert (got, headers["Content-Type"]) == (status, "application/json")
    assert json.loads(body)["error"]
    if status == 405:
        assert sorted(headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]


@pytest.mark.parametrize(
    "target, headers, status",
    [
        ("/api/search?q=" + "a" * 6000, {}, 414),
        ("/api/search?q=VATE", {"X-Big": "a" * 10_000}, 431),
        ("/api/search?q=VATE", {f"X-Many-{n}": "a" for n in range(110)}, 431),
    ],
)
def test_overlong_requests_get_the_apps_json(
    gunicorn_server: str, target: str, headers: dict[str, str], status: int
) -> None:
    got, response_headers, body = http_request(gunicorn_server, target, headers=headers)
    assert (got, response_headers["Content-Type"]) == (status, "application/json")
    assert json.loads(body)["error"]
    assert response_headers["X-Content-Type-Options"] == "nosniff"


def test_an_overlong_url_for_a_page_gets_an_error_page(gunicorn_server: str) -> None:
    status, headers, body = http_request(gunicorn_server, "/?q=" + "a" * 6000)
    assert (status, headers["Content-Type"]) == (414, "text/html; charset=utf-8")
    assert "Osoite on liian pitkä." in body.decode()


def test_a_request_line_over_gunicorns_limit_is_still_refused(gunicorn_server: str) -> None:
    # Past 8190 bytes gunicorn itself refuses the line, before the app could answer.
    status, _, _ = http_request(gunicorn_server, "/api/search?q=" + "a" * 9000)
    assert status == 414


@pytest.mark.parametrize(
    "target, location",
    [
        ("/doc//x", "/doc/x"),
        ("/doc//000_a240cdab87ab5ecb.txt?q=VATE", "/doc/000_a240cdab87ab5ecb.txt?q=VATE"),
        ("/doc//evil.example/x", "/doc/evil.example/x"),
    ],
)
def test_redirects_do_not_repeat_a_hostile_host(
    gunicorn_server: str, target: str, location: str
) -> None:
    status, headers, _ = http_request(gunicorn_server, target, headers={"Host": "evil.example"})
    assert (status, headers["Location"]) == (308, location)


@pytest.mark.parametrize("damage", ["current", "segment"])
def test_a_damaged_index_is_503_not_500(
    seed_index: Path, seeds_copy: Path, tmp_path: Path, damage: str
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    with contextlib.closing(serve(index_dir, seeds_copy)) as server:
        url = next(server)
        damage_index(index_dir, damage)
        status, headers, body = http_request(url, "/healthz")
        assert (status, headers["Content-Type"]) == (503, "application/json")
        assert json.loads(body)["status"] == "unavailable"
        if damage == "current":
            # The search side turns a damaged segment into the same answer (IndexUnreadable).
            status, _, body = http_request(url, "/?q=VATE")
            assert status == 503
            assert "Hakemisto on vioittunut" in body.decode()
            status, _, body = http_request(url, "/api/search?q=VATE")
            assert (status, list(json.loads(body))) == (503, ["error"])
