"""What the coordinator asks of each shard: the hits of how many of its first entries a first
page's ranking reads, and a replica's one entry point for the coordinator's calls."""

from math import comb

import pytest

from indexer.cluster import merging
from indexer.cluster.replicas import ShardSearcher


def _more_than(held: int, keep: int, shards: int) -> float:
    """The chance that some shard holds more than `held` of `keep` entries (union bound)."""
    p = 1 / shards
    tail = sum(comb(keep, j) * p**j * (1 - p) ** (keep - j) for j in range(held + 1, keep + 1))
    return tail * shards


@pytest.mark.parametrize("keep", [1, 5, 10, 20, 50])
@pytest.mark.parametrize("shards", [2, 3, 4, 8, 16])
def test_a_shard_reads_the_fewest_hits_that_seldom_need_a_second_call(
    keep: int, shards: int
) -> None:
    held = merging.hits_per_shard(keep, shards)
    assert 0 < held <= keep
    assert _more_than(held, keep, shards) < merging.SECOND_CALLS
    # One fewer would need a second call more often than that.
    assert _more_than(held - 1, keep, shards) >= merging.SECOND_CALLS


def test_a_first_page_of_ten_over_four_shards_reads_24_snippets_not_40() -> None:
    assert merging.hits_per_shard(10, 4) == 6
    assert merging.hits_per_shard(10, 1) == 10


def test_a_replica_runs_only_its_public_methods_for_the_coordinator(tmp_path) -> None:
    replica = ShardSearcher(str(tmp_path), 0)
    for method in ("_drop", "_searcher", "call"):
        with pytest.raises(ValueError, match="Not a replica's method"):
            replica.call((method, "generation"))
    assert replica.call(("memory_mb",)) > 0
