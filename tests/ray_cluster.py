"""A real local Ray cluster for the cluster tests: a head and worker nodes on loopback, each
holding every shard's files (the shards are folders of this machine), and no process of it
left behind when it stops."""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from indexer.cluster.connect import NAMESPACE
from indexer.cluster.placement import shard_resource

# Shards the test indexes have, and replicas of each: 4 searcher actors on 3 nodes.
SHARDS = 2
REPLICAS = 2
NODES = 3
# Ray's object store is shared memory: the tests pass small objects.
OBJECT_STORE_BYTES = 80 * 1024 * 1024


def ray_or_skip() -> Any:
    """Return the ray module, or skip the test saying how to install it."""
    # ray.init() turns a loopback address into the machine's, where nothing listens: unless
    # Ray takes this for a one-machine platform (read when ray is first imported).
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    return pytest.importorskip(
        "ray", reason="Ray is not installed: pip install -e '.[cluster]' (make test does)"
    )


def node_args(shards: int = SHARDS) -> dict[str, Any]:
    """Return a node's settings: one core, loopback, and every shard's resource."""
    return {
        "num_cpus": 1,
        # Without it Ray binds and advertises the machine's address, not loopback.
        "node_ip_address": "127.0.0.1",
        "include_dashboard": False,
        "object_store_memory": OBJECT_STORE_BYTES,
        "resources": {shard_resource(k): 1 for k in range(shards)},
    }


def _descendants(roots: set[int]) -> set[int]:
    children: dict[int, set[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, set()).add(int(entry))
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Return the processes of `pids` that still run (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def session_processes(temp_dir: str) -> set[int]:
    """Return Ray's processes of a cluster: its daemons, whose command lines name the
    cluster's folder, and every process they started (workers, agents)."""
    roots = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if temp_dir.encode() in cmdline:
                roots.add(int(entry))
    return _descendants(roots)


@contextmanager
def local_cluster(nodes: int = NODES, shards: int = SHARDS) -> Iterator[Any]:
    """Start a head and nodes - 1 workers, attach this process; stop all on exit and fail if
    a process of theirs is still running 15 s later."""
    ray = ray_or_skip()
    from ray.cluster_utils import Cluster

    # Short: Ray's socket paths below it must stay under 108 characters.
    temp_dir = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    # Ray's sessions and its address file go below it, not in the machine's /tmp/ray.
    os.environ["RAY_TMPDIR"] = temp_dir
    cluster = Cluster(initialize_head=True, head_node_args=node_args(shards))
    try:
        for _ in range(nodes - 1):
            cluster.add_node(**node_args(shards))
        ray.init(
            address=cluster.address,
            namespace=NAMESPACE,
            logging_level="ERROR",
            log_to_driver=False,
        )
        yield cluster
    finally:
        started = session_processes(temp_dir)
        # Found by the folder in their command lines: a change of Ray's would find none.
        assert started, f"No Ray process names {temp_dir}"
        ray.shutdown()
        cluster.shutdown()
        deadline = time.monotonic() + 15
        while alive(started) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = alive(started)
        shutil.rmtree(temp_dir, ignore_errors=True)
        del os.environ["RAY_TMPDIR"]
        assert not left, f"Ray processes left running: {sorted(left)}"
