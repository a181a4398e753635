"""The threaded worker leaves a new connection to a less busy worker."""

import os
import socket

import pytest
from gunicorn.config import Config

from webui import balanced_worker
from webui.balanced_worker import BalancedThreadWorker


@pytest.fixture
def listener():
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture
def worker():
    """Make workers of a server with this many workers, holding connections; each records
    the connections it takes instead of handing them to its threads."""
    made: list[BalancedThreadWorker] = []

    def make(workers: int, in_progress: int, kept_alive: int = 0) -> BalancedThreadWorker:
        cfg = Config()
        cfg.set("workers", workers)
        taking = BalancedThreadWorker(1, os.getppid(), [], None, 30, cfg, None)
        made.append(taking)
        taking.nr_conns = in_progress + kept_alive
        taking.keepalived_conns.extend([object()] * kept_alive)
        taking.taken = []
        taking.enqueue_req = taking.taken.append
        return taking

    yield make
    for taking in made:
        taking.tmp.close()
        for conn in taking.taken:
            conn.sock.close()


@pytest.mark.parametrize(
    ("workers", "in_progress", "kept_alive", "wait"),
    [
        (2, 0, 0, None),
        (2, 0, 5, None),
        (2, 3, 5, 3 * balanced_worker.WAIT_PER_REQUEST),
        (4, 30, 0, balanced_worker.MAX_WAIT),
        # Alone, a worker has nobody to leave a connection to.
        (1, 30, 0, None),
    ],
)
def test_a_busier_worker_waits_before_taking_a_connection(
    listener, worker, monkeypatch, workers, in_progress, kept_alive, wait
):
    waits = []
    monkeypatch.setattr(balanced_worker.time, "sleep", waits.append)
    client = socket.create_connection(listener.getsockname())
    taking = worker(workers, in_progress, kept_alive)
    taking.accept(listener)
    assert waits == ([] if wait is None else [pytest.approx(wait)])
    assert len(taking.taken) == 1 and taking.nr_conns == in_progress + kept_alive + 1
    client.close()


def test_a_connection_another_worker_took_meanwhile_is_no_error(listener, worker, monkeypatch):
    monkeypatch.setattr(balanced_worker.time, "sleep", lambda seconds: None)
    taking = worker(2, 3)
    taking.accept(listener)
    assert taking.taken == [] and taking.nr_conns == 3
