"""gunicorn's threaded worker, taking a new connection later the busier it is.

Every worker waits on the one listening socket, and the first to wake takes a connection.
A kept-alive connection (nginx's to its upstream, a browser's, a benchmark client's) then
stays with that worker, so they pile up on one: of the benchmark's 8 clients a worker held
7 and 6 in two runs of three, its core queued their requests while the other core idled, and
the p95 latency was 80 and 69 ms, against 45 ms at 4 and 4 (100,000 documents, 2 workers).
Both workers are woken for a connection; the one with more requests in progress waits a
little before taking it, so that an idler one takes it first: 4 and 4 in ten runs of thirteen,
5 and 3 in the other three. Nothing waits with one worker.
"""

import time

from gunicorn.workers.gthread import ThreadWorker

# A worker waits this long per request it is working on before taking a connection, up to
# MAX_WAIT. Short, because the thread that takes connections waits for the time: a worker
# still takes 200 new connections a second at the longest wait, and a connection left to an
# idle worker is taken at once.
WAIT_PER_REQUEST = 0.001
MAX_WAIT = 0.005


class BalancedThreadWorker(ThreadWorker):
    """A gthread worker that leaves a new connection to a less busy worker."""

    def requests_in_progress(self) -> int:
        """Return how many of this worker's connections are not waiting for a request."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def accept(self, listener: object) -> None:
        busy = self.requests_in_progress()
        if self.cfg.workers > 1 and busy > 0:
            time.sleep(min(MAX_WAIT, WAIT_PER_REQUEST * busy))
        # Another worker may have taken the connection meanwhile: gunicorn's accept() then
        # takes nothing (EAGAIN), as when two workers wake for one connection.
        super().accept(listener)
