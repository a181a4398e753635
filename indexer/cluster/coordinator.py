"""The coordinator in each web process: a call fanned out to one replica of every shard, the
other replica tried on a failure or a timeout, all on one generation.

Rolling out a generation: when CURRENT names a new one, every replica opens it beside the old
one, and only then does the coordinator send queries to it; a query is sent with its
generation's name and every shard answers on that one, so no answer mixes generations.
"""

import contextlib
import itertools
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer.cluster import connect, placement, shards
from indexer.cluster.replicas import Refused
from indexer.common import settings
from indexer.search.query import QueryError
from indexer.store import generations

# A replica that has not answered in this long is given up for the other replica: a search
# stops itself sooner (searching.HARD_SECONDS of CPU), unless the replica or its node hangs.
ATTEMPT_SECONDS = 4.0
# Opening a new generation: every replica opens its shard's searcher and statistics.
OPEN_SECONDS = 120.0
# A generation of fewer shards than the one before leaves replicas of shards it has not: they
# are ended this long after the switch, when every web process has had its chance to switch
# too and no search of the old generation is still running (one stops itself in seconds).
RETIRE_SECONDS = 60.0


class ShardUnavailable(generations.IndexUnreadable):
    """No replica of a shard answered: the page says the index cannot be read now."""


class Coordinator:
    """The replicas of one index folder's shards, and the generation they serve."""

    def __init__(self, index_dir: Path, address: str, replicas_count: int) -> None:
        self.index_dir = index_dir
        self.ray = connect.attach(address)
        self.replicas_count = replicas_count
        self.generation: str | None = None
        self.replicas: list[list[Any]] = []
        self._roll_lock = threading.Lock()
        # The replica of every shard opening a new generation while the old one is served.
        self._opening: int | None = None
        # Which replica of a shard is asked first, in turn, so that both share the load.
        self._turn = itertools.count()

    def live(self) -> str:
        """Return the generation to query: CURRENT's, once every replica has it open."""
        gen = generations.require_generation(self.index_dir)
        if gen.name == self.generation:
            return gen.name
        # One request rolls the new generation out; the others go on with the old one.
        if self.generation is not None and not self._roll_lock.acquire(blocking=False):
            return self.generation
        if self.generation is None:
            self._roll_lock.acquire()
        try:
            if gen.name != self.generation:
                self._roll(gen)
        finally:
            self._roll_lock.release()
        return self.generation  # type: ignore[return-value]

    def _roll(self, gen: Path) -> None:
        count = shards.shard_count(gen)
        if count is None:
            raise generations.IndexUnreadable(
                f"The index in {self.index_dir} was built for one machine: build it for the "
                "cluster with 'sotehaku build --cluster ADDRESS'."
            )
        before = len(self.replicas)
        if before != count:
            self.replicas = placement.replicas(self.ray, self.index_dir, count, self.replicas_count)
        opened: set[int] = set()
        if self.generation is None:
            # Nothing is served yet: every replica opens it at once.
            opened = self._open(gen.name, range(self.replicas_count))
        else:
            # A replica opening a generation answers no search meanwhile (one call at a
            # time, and opening reads the suggestion lists: seconds on a busy node), so the
            # replicas of a shard open it in turn, and searches of the generation served go
            # to the one not opening (call()).
            for replica in range(self.replicas_count):
                self._opening = replica
                try:
                    opened |= self._open(gen.name, [replica])
                finally:
                    self._opening = None
        if len(opened) < count:
            raise ShardUnavailable(
                f"Shards {sorted(set(range(count)) - opened)} of {gen.name} cannot be opened."
            )
        self.generation = gen.name
        if before > count:
            self._retire(count, before)

    def _open(self, generation: str, which: Iterable[int]) -> set[int]:
        """Have the given replicas of every shard open a generation; return the shards that
        one of them opened within OPEN_SECONDS."""
        refs = [
            (k, replicas[r].open.remote(generation))
            for r in which
            for k, replicas in enumerate(self.replicas)
        ]
        opened = set()
        for k, ref in refs:
            try:
                self.ray.get(ref, timeout=OPEN_SECONDS)
                opened.add(k)
            except self.ray.exceptions.RayError:
                # A replica that cannot open it now opens it on its first query; a shard
                # that no replica could open keeps the old generation live.
                continue
        return opened

    def _retire(self, count: int, before: int) -> None:
        """End, after RETIRE_SECONDS, the replicas of the shards `count` to `before` - 1 that
        the live generation no longer has (every web process's coordinator asks; ending an
        ended actor does nothing). Without this they would hold their old searchers forever:
        they are detached."""

        def stop() -> None:
            # Unless a generation of more shards came meanwhile and wants them again.
            with self._roll_lock:
                if len(self.replicas) <= count:
                    placement.stop(self.ray, self.index_dir, before, self.replicas_count, count)

        timer = threading.Timer(RETIRE_SECONDS, stop)
        timer.daemon = True
        timer.start()

    def call_all(
        self, generation: str, method: str, args: tuple, seconds: float = ATTEMPT_SECONDS
    ) -> list[Any]:
        """Call a replica method on every shard; return the answers in shard order."""
        return self.call(generation, method, {k: args for k in range(len(self.replicas))}, seconds)

    def call(
        self, generation: str, method: str, args: dict[int, tuple], seconds: float = ATTEMPT_SECONDS
    ) -> list[Any]:
        """Call a replica method on the shards given, each with its arguments; return the
        answers in the order of `args`. A shard whose replica fails or does not answer within
        `seconds` is asked again on another replica; ShardUnavailable when none answers.
        """
        ray = self.ray
        first = next(self._turn)
        pending: dict[Any, tuple[int, list[int], float]] = {}

        def send(shard: int, tried: list[int]) -> None:
            order = [(first + i) % self.replicas_count for i in range(self.replicas_count)]
            # A replica opening a new generation is asked last: it answers only after.
            order.sort(key=lambda r: r == self._opening)
            untried = [r for r in order if r not in tried]
            if not untried:
                raise ShardUnavailable(
                    f"No replica of shard {shard} answered; searching is unavailable for now."
                )
            replica = untried[0]
            handle = self.replicas[shard][replica]
            ref = handle.call.remote((method, generation, *args[shard]))
            pending[ref] = (shard, [*tried, replica], time.monotonic() + seconds)

        for shard in args:
            send(shard, [])
        answers: dict[int, Any] = {}
        while pending:
            soonest = min(due for _, _, due in pending.values())
            # Every answer is needed: one wait for all of them (or the soonest deadline) and
            # one get, not one of each per shard, which cost a millisecond a shard.
            ready, _ = ray.wait(
                list(pending),
                num_returns=len(pending),
                timeout=max(0.0, soonest - time.monotonic()),
            )
            try:
                values = ray.get(ready)
            except ray.exceptions.RayError:
                values = None  # a replica failed: its shard is asked again below
            for n, ref in enumerate(ready):
                shard, tried, _ = pending.pop(ref)
                try:
                    answers[shard] = values[n] if values is not None else ray.get(ref)
                except ray.exceptions.RayError:
                    send(shard, tried)
            now = time.monotonic()
            for ref, (shard, tried, due) in list(pending.items()):
                if due <= now:
                    del pending[ref]
                    # Best effort: a replica stuck on its node may never see the cancel.
                    with contextlib.suppress(Exception):
                        ray.cancel(ref)
                    send(shard, tried)
        for answer in answers.values():
            if isinstance(answer, Refused):
                raise QueryError(answer.template, **answer.params)
        return [answers[shard] for shard in args]


_lock = threading.Lock()
_coordinators: dict[Path, Coordinator] = {}


def coordinator(index_dir: Path) -> Coordinator:
    """Return this process's coordinator of an index folder, attaching to the cluster at
    $SOTEHAKU_CLUSTER on first use (after a gunicorn worker's fork)."""
    key = index_dir.absolute()
    with _lock:
        found = _coordinators.get(key)
        if found is None:
            address = settings.cluster()
            if address is None:
                raise connect.ClusterUnavailable("SOTEHAKU_CLUSTER is not set.")
            found = _coordinators[key] = Coordinator(key, address, settings.replicas())
    return found
