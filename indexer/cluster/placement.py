"""Where each shard replica runs: a detached, named Ray actor per replica, on a node that
holds the shard's files.

A node says which shards it holds on its disk with one custom resource per shard,
`sotehaku-shard-<k>`, of 1 (deploy/kubernetes/raycluster.yaml; tests/conftest.py): each
replica asks for all of it, so two replicas of a shard never share a node, and a replica
whose node dies is restarted by Ray on another node holding the shard (max_restarts=-1).
"""

import hashlib
from pathlib import Path
from typing import Any

from indexer.cluster import connect
from indexer.cluster.replicas import ShardSearcher

RESOURCE_PREFIX = "sotehaku-shard-"


def shard_resource(shard: int) -> str:
    """Return the custom resource of the nodes that hold a shard's files."""
    return f"{RESOURCE_PREFIX}{shard}"


def actor_name(index_dir: Path, shard: int, replica: int) -> str:
    """Return the name of one replica's actor: one set per index folder on a cluster."""
    key = hashlib.blake2b(str(index_dir.absolute()).encode(), digest_size=6).hexdigest()
    return f"{key}-shard-{shard}-replica-{replica}"


def replicas(ray: Any, index_dir: Path, shards: int, count: int) -> list[list[Any]]:
    """Return the actor handles of every replica of every shard, starting those that are not
    running (any process may: a name is taken once, and get_if_exists returns its holder)."""
    remote = ray.remote(ShardSearcher)
    return [
        [
            remote.options(
                name=actor_name(index_dir, shard, replica),
                namespace=connect.NAMESPACE,
                lifetime="detached",
                get_if_exists=True,
                max_restarts=-1,
                # A Whoosh searcher is not safe for two threads: one search at a time.
                max_concurrency=1,
                # Searching waits on disk and memory more than on a core; the build's tasks
                # ask for the cores.
                num_cpus=0,
                resources={shard_resource(shard): 1},
            ).remote(str(index_dir.absolute()), shard)
            for replica in range(count)
        ]
        for shard in range(shards)
    ]


def stop(ray: Any, index_dir: Path, shards: int, count: int, first: int = 0) -> None:
    """End the replica actors of an index folder's shards `first` to `shards` - 1, every
    one by default (they are detached: nothing else does)."""
    for shard in range(first, shards):
        for replica in range(count):
            try:
                handle = ray.get_actor(actor_name(index_dir, shard, replica), connect.NAMESPACE)
            except ValueError:
                continue
            ray.kill(handle, no_restart=True)
