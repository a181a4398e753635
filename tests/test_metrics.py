"""/metrics and the request log through Flask's test client: who may read the metrics, what
the index folder's gauges say, and what a log line holds and leaves out."""

import io
import json
import logging
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from indexer.service import runs
from indexer.service.logs import JsonFormatter
from tests.conftest import write_files
from webui import create_app

OUTSIDE = {"REMOTE_ADDR": "192.0.2.7"}  # TEST-NET-1: an address that is not this machine


def samples(body: bytes) -> dict[tuple[str, tuple], float]:
    """Parse Prometheus's text format into {(sample name, sorted labels): value}."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def make_app(index_dir: Path, seeds: Path, **config: object):
    return create_app({"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": seeds, **config})


@pytest.mark.parametrize(
    "setting, environ, status",
    [
        ("loopback", {}, 200),
        ("loopback", {"REMOTE_ADDR": "::1"}, 200),
        ("loopback", OUTSIDE, 403),
        ("on", OUTSIDE, 200),
        ("off", {}, 404),
    ],
)
def test_who_may_read_the_metrics(
    seed_index: Path, seeds_copy: Path, setting: str, environ: dict, status: int
) -> None:
    client = make_app(seed_index, seeds_copy, METRICS=setting).test_client()
    assert client.get("/metrics", environ_base=environ).status_code == status


def test_a_bad_metrics_setting_stops_the_app(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOTEHAKU_METRICS", "public")
    with pytest.raises(ValueError, match="SOTEHAKU_METRICS must be one of loopback, on, off"):
        create_app({"TESTING": True, "INDEX_DIR": seed_index})


def test_requests_and_search_latency_are_counted(client) -> None:
    before = samples(client.get("/metrics").data)
    client.get("/api/search?q=VATE")
    client.get("/api/search?q=*a")
    client.get("/?q=VATE")
    client.get("/nowhere")
    after = samples(client.get("/metrics").data)

    def more(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    counted = "sotehaku_http_requests_total"
    assert more(counted, endpoint="api.api_search", status="200") == 1
    assert more(counted, endpoint="api.api_search", status="400") == 1
    assert more(counted, endpoint="pages.index", status="200") == 1
    assert more(counted, endpoint="unmatched", status="404") == 1
    assert more(counted, endpoint="metrics.metrics", status="200") == 1
    # A refused query ran no search: only answered searches are timed.
    timed = "sotehaku_search_duration_seconds_count"
    assert (more(timed, endpoint="api.api_search"), more(timed, endpoint="pages.index")) == (1, 1)


def test_the_index_gauges_come_from_the_index_folder(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"a.txt": "Otsikko\n\nVATE", "b.txt": "", "c.txt": "", "d.doc": "x"},
    )
    index_dir = tmp_path / "index"
    runs.build(seeds, index_dir)
    (seeds / "a.txt").unlink()
    with pytest.raises(FileNotFoundError):
        runs.update(tmp_path / "gone", index_dir)
    got = samples(make_app(index_dir, seeds).test_client().get("/metrics").data)
    gen = (index_dir / "CURRENT").read_text().strip()
    analyzer = json.loads((index_dir / gen / "meta.json").read_text())["analyzer"]
    assert got[("sotehaku_index_up", ())] == 1
    assert got[("sotehaku_index_documents", ())] == 1
    assert got[("sotehaku_index_generation_info", (("analyzer", analyzer), ("generation", gen)))]
    assert got[("sotehaku_skipped_files", (("reason", "empty"),))] == 2
    assert got[("sotehaku_skipped_files", (("reason", "unsupported_type"),))] == 1
    assert got[("sotehaku_last_run_success", (("action", "build"),))] == 1
    assert got[("sotehaku_last_run_success", (("action", "update"),))] == 0
    assert got[("sotehaku_index_built_timestamp_seconds", ())] > 1.7e9
    assert got[("sotehaku_last_run_timestamp_seconds", (("action", "update"),))] > 1.7e9


def test_without_an_index_the_metrics_say_it_is_down(tmp_path: Path) -> None:
    got = samples(make_app(tmp_path / "none", tmp_path).test_client().get("/metrics").data)
    from_index = {
        key: v
        for key, v in got.items()
        if not key[0].startswith(("sotehaku_http", "sotehaku_search"))
    }
    assert from_index == {("sotehaku_index_up", ()): 0}


def test_the_query_is_logged_only_when_the_setting_says_so(
    seed_index: Path, seeds_copy: Path
) -> None:
    for setting, logged in ((False, False), (True, True)):
        client = make_app(seed_index, seeds_copy, LOG_QUERIES=setting).test_client()
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("sotehaku.request")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            client.get("/api/search?q=Meik%C3%A4l%C3%A4inen+OR+VATE")
            client.get("/nowhere?q=Meik%C3%A4l%C3%A4inen")
        finally:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
        search_line, missing_line = (json.loads(line) for line in stream.getvalue().splitlines())
        assert {k: v for k, v in search_line.items() if k not in ("time", "duration_ms")} == {
            "level": "info",
            "logger": "sotehaku.request",
            "pid": search_line["pid"],
            "message": "GET /api/search 200",
            "method": "GET",
            "path": "/api/search",
            "endpoint": "api.api_search",
            "status": 200,
            "hits": 2,
            **({"query": "Meikäläinen OR VATE"} if logged else {}),
        }
        assert search_line["duration_ms"] > 0
        assert "Meik" not in json.dumps(missing_line)
        assert ("Meik" in stream.getvalue()) is logged


def test_a_traceback_goes_to_the_log_only(
    client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug in the search")

    monkeypatch.setattr("webui.search_args.search_index", broken)
    response = client.get("/api/search?q=VATE")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "bug in the search" not in response.get_data(as_text=True)
    record = next(r for r in caplog.records if r.exc_info)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Unhandled error"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert line["exception"].endswith("RuntimeError: bug in the search")
