"""The worker process that runs a function under a time limit, with real processes."""

import json
import os
import pickle
import threading
import time

import pytest

from indexer.common import killable
from indexer.common.killable import KillableProcess, ProcessDied, TimedOut


@pytest.fixture()
def worker():
    worker = KillableProcess("time")
    yield worker
    worker.close()


def test_a_call_returns_the_functions_value(worker: KillableProcess) -> None:
    assert worker.call(divmod, (17, 5), 5) == (3, 2)
    assert worker.call(os.getpid, (), 5) != os.getpid()


def test_a_slow_call_is_stopped_and_the_next_one_runs(worker: KillableProcess) -> None:
    first = worker.call(os.getpid, (), 5)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        worker.call(time.sleep, (30,), 0.2)
    assert time.monotonic() - started < 10
    second = worker.call(os.getpid, (), 5)
    assert second != first
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)


def test_an_error_in_the_worker_is_raised_with_its_traceback(worker: KillableProcess) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        worker.call(json.loads, ("{",), 5)
    assert "In the worker process:\nTraceback" in caught.value.__notes__[0]


def test_a_worker_that_dies_is_reported_and_replaced(worker: KillableProcess) -> None:
    with pytest.raises(ProcessDied, match="exit code 3"):
        worker.call(os._exit, (3,), 5)
    assert worker.call(divmod, (7, 2), 5) == (3, 1)


@pytest.mark.parametrize("size", [1, 10_000_000])
def test_a_worker_killed_while_idle_is_replaced(worker: KillableProcess, size: int) -> None:
    first = worker.call(os.getpid, (), 5)
    os.kill(first, 9)
    time.sleep(0.1)
    assert worker.call(len, (b"x" * size,), 5) == size
    assert worker.call(os.getpid, (), 5) != first


def test_map_answers_in_order_and_stops_only_the_slow_call(worker: KillableProcess) -> None:
    calls = [(0.0,), (30.0,), (0.0,), (0.0,)]
    outcomes = list(worker.map(time.sleep, calls, 0.5))
    assert [type(o) for o in outcomes] == [type(None), TimedOut, type(None), type(None)]


def test_map_goes_on_in_a_new_worker_after_one_dies(worker: KillableProcess) -> None:
    own = worker.call(os.getpid, (), 5)
    # Signal 0 only checks that this test's process exists; signal 9 ends the worker.
    calls = [(os.getpid(), 0), (own, 9), (os.getpid(), 0)]
    outcomes = list(worker.map(os.kill, calls, 5))
    assert outcomes[0] is None and outcomes[2] is None
    assert str(outcomes[1]) == "the worker process ended with exit code -9"
    assert worker.call(os.getpid, (), 5) != own


def test_a_map_left_early_leaves_no_stale_answers(worker: KillableProcess) -> None:
    for value in worker.map(divmod, [(n, 1) for n in range(1000)], 5):
        if value == (10, 0):
            break
    assert worker.call(divmod, (7, 2), 5) == (3, 1)


def test_a_worker_with_a_memory_limit_cannot_pass_it() -> None:
    worker = KillableProcess("time", memory_mb=lambda: 300)
    try:
        first = worker.call(os.getpid, (), 10)
        assert len(worker.call(bytes, (10_000_000,), 10)) == 10_000_000
        with pytest.raises(MemoryError):
            worker.call(bytes, (400 * 1024 * 1024,), 10)
        # The failed allocation is freed: the same worker goes on.
        assert len(worker.call(bytes, (10_000_000,), 10)) == 10_000_000
        assert worker.call(os.getpid, (), 10) == first
    finally:
        worker.close()


def test_an_answer_that_has_begun_to_arrive_is_not_late() -> None:
    # A large answer comes in several reads; its caller may have kept it waiting past the
    # call's deadline, which the worker met when it began to write.
    read_end, write_end = os.pipe()
    message = killable._framed("x" * 100_000)
    os.write(write_end, message[:1000])
    rest = threading.Timer(0.3, os.write, (write_end, message[1000:]))
    rest.start()
    with os.fdopen(read_end, "rb") as stream:
        replies = killable._Replies(stream)
        assert pickle.loads(replies.take(time.monotonic() - 1)) == "x" * 100_000
        replies.close()
    rest.join()
    os.close(write_end)
