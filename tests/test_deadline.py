"""The hard time limit: it stops pure-Python work in any thread, and nothing arrives late."""

import threading
import time
from pathlib import Path

import pytest

from indexer.common.deadline import OutOfTime, time_limit
from indexer.search import searching as search_module
from indexer.search.query import QueryError
from indexer.search.searching import search
from indexer.search.suggestions import suggest
from indexer.store import searchers


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_past_its_limit_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(OutOfTime), time_limit(0.1):
        spin(5)
    assert time.monotonic() - started < 1


def test_a_block_in_time_is_left_alone_and_nothing_arrives_after_it() -> None:
    for _ in range(50):
        with time_limit(0.001):
            pass
    # A limit that fired as its block ended must not surface later.
    spin(0.05)


def test_the_limit_stops_work_in_a_worker_thread() -> None:
    outcome: list[str] = []

    def work() -> None:
        try:
            with time_limit(0.1):
                spin(5)
            outcome.append("finished")
        except OutOfTime:
            outcome.append("stopped")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=3)
    assert outcome == ["stopped"]


def test_a_search_out_of_time_is_refused_and_its_searcher_not_lent_again(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process reads a generation's suggestion lists in a thread when it first opens it,
    # borrowing a searcher meanwhile: read them first, so that every search here gets `before`.
    suggest(seed_index, "ra", wait=True)
    with searchers.live_searcher(seed_index) as (_, before):
        pass
    monkeypatch.setattr(search_module, "HARD_SECONDS", 0.0)
    # The watchdog looks every 0.1 s: a search of the seeds can finish between two looks, so
    # searches are repeated until one is caught (at most a few seconds of them).
    with pytest.raises(QueryError, match="needed more than 0 s of work"):
        for _ in range(5000):
            search(seed_index, "VATE")
    monkeypatch.undo()
    assert search(seed_index, "VATE").total == 2
    assert before.is_closed
    with searchers.live_searcher(seed_index) as (_, after):
        assert after is not before


def test_a_block_that_waits_is_stopped_by_the_wall_limit_only() -> None:
    # Waiting uses no CPU: a query queued behind others is not stopped for their work.
    with time_limit(0.05, wall_seconds=5):
        time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(OutOfTime), time_limit(0.05, wall_seconds=0.1):
        for _ in range(100):
            time.sleep(0.01)
    assert time.monotonic() - started < 1
