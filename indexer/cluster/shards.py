"""Which shard holds a document, and where a cluster generation keeps each shard."""

import hashlib
from pathlib import Path

from indexer.store import generations

# A cluster generation's meta.json says how many shards it has; a single index's has no such key.
SHARDS_KEY = "shards"


def shard_of(doc_id: str, shards: int) -> int:
    """Return the shard of a document id: a hash that is the same in every process and Python
    version (Python's hash() of a str is salted per process).

    >>> shard_of("asiakirjat/poytakirja.txt", 4)
    1
    """
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


class Selector:
    """The ids of one shard, as a picklable predicate for build_index(only=...)."""

    def __init__(self, shard: int, shards: int) -> None:
        self.shard = shard
        self.shards = shards

    def __call__(self, doc_id: str) -> bool:
        return shard_of(doc_id, self.shards) == self.shard


def shard_dir(gen: Path, shard: int) -> Path:
    """Return the index folder of one shard of a cluster generation."""
    return gen / f"shard-{shard:02d}"


def shard_count(gen: Path) -> int | None:
    """Return how many shards a generation has, None for a single index's generation."""
    count = generations.read_meta(gen).get(SHARDS_KEY)
    return count if isinstance(count, int) and count > 0 else None
