"""The worker process that runs a function under a time limit, with real processes."""

import json
import os
import time

import pytest

from indexer.timelimit import TimedOut, Worker, WorkerDied


@pytest.fixture()
def worker():
    worker = Worker("time")
    yield worker
    worker.close()


def test_a_call_returns_the_functions_value(worker: Worker) -> None:
    assert worker.call(divmod, (17, 5), 5) == (3, 2)
    assert worker.call(os.getpid, (), 5) != os.getpid()


def test_a_slow_call_is_stopped_and_the_next_one_runs(worker: Worker) -> None:
    first = worker.call(os.getpid, (), 5)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        worker.call(time.sleep, (30,), 0.2)
    assert time.monotonic() - started < 10
    second = worker.call(os.getpid, (), 5)
    assert second != first
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)


def test_an_error_in_the_worker_is_raised_with_its_traceback(worker: Worker) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        worker.call(json.loads, ("{",), 5)
    assert "In the worker process:\nTraceback" in caught.value.__notes__[0]


def test_a_worker_that_dies_is_reported_and_replaced(worker: Worker) -> None:
    with pytest.raises(WorkerDied, match="exit code 3"):
        worker.call(os._exit, (3,), 5)
    assert worker.call(divmod, (7, 2), 5) == (3, 1)


@pytest.mark.parametrize("size", [1, 10_000_000])
def test_a_worker_killed_from_outside_is_reported_and_replaced(worker: Worker, size: int) -> None:
    os.kill(worker.call(os.getpid, (), 5), 9)
    time.sleep(0.1)
    with pytest.raises(WorkerDied, match="exit code -9"):
        worker.call(len, (b"x" * size,), 5)
    assert worker.call(len, (b"x" * size,), 5) == size
