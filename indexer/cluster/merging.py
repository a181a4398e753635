"""The shards' answers merged into the one a single index gives: the best entries of all of
them in the sort order, facet counts added up, and the most common did-you-mean."""

from collections import Counter
from dataclasses import replace
from functools import cache
from math import comb
from typing import Any

from indexer.cluster.order import order_key
from indexer.cluster.replicas import Entry, ShardAnswer
from indexer.search import facets
from indexer.search.filters import Filters
from indexer.search.results import Hit

# A first page's hits whose snippets a second call to their shards reads: their share of
# queries, at most, when the page's entries are spread over the shards at random
# (hits_per_shard). Two in a hundred keep such calls out of a p95.
SECOND_CALLS = 0.02


def best(answers: list[ShardAnswer], sort: str, keep: int) -> list[tuple[int, float, int]]:
    """Return (shard, score, document number) of the first `keep` entries of all shards.

    A shard's entries come in blocks, the units of one file together where the best of them
    ranks (search/grouping.py): the blocks of all shards are merged by their first units, in
    the order of one index's result (order.py), whichever replica answered.
    """
    blocks: list[tuple[tuple, int, list[Entry]]] = []
    for shard, answer in enumerate(answers):
        for entry in answer.entries:
            if blocks and blocks[-1][1] == shard and blocks[-1][2][-1][3] == entry[3]:
                blocks[-1][2].append(entry)
            else:
                blocks.append((_key(sort, entry), shard, [entry]))
    blocks.sort(key=lambda block: (block[0], block[1]))
    merged = [(shard, e[0], e[1]) for _, shard, block in blocks for e in block]
    return merged[:keep]


def _key(sort: str, entry: Entry) -> tuple:
    """Return an entry's place in the result: a decision's version put in the place of its
    version in another shard (pairs.py) has that one's."""
    score, docnum, day, file_id, place = entry
    if place is not None:
        file_id, docnum = place
    return order_key(sort, score, docnum, day, file_id)


# Worked out once for each page size and shard count: at a page of 100, 3 ms a search.
@cache
def hits_per_shard(keep: int, shards: int) -> int:
    """Return how many of its first entries each shard reads the hits of with a first page's
    ranking of `keep`: the fewest for which some shard holds more of the page's entries in
    under SECOND_CALLS of queries, when entries fall in shards at random with 1/shards each
    (a hash of the id places documents). The other shards' snippets are not read for
    nothing: each shard reading `keep` made 40 snippets for 10 hits with 4 shards."""
    if shards <= 1:
        return keep
    p = 1 / shards
    for held in range(keep):
        # The chance that a shard holds more than `held`, for any of them (union bound).
        tail = sum(comb(keep, j) * p**j * (1 - p) ** (keep - j) for j in range(held + 1, keep + 1))
        if tail * shards < SECOND_CALLS:
            return held
    return keep


def hits(answers: list[ShardAnswer], chosen: list[tuple[int, float, int]]) -> list[Hit | None]:
    """Return the chosen entries' hits from those the shards sent with their rankings, each
    with its entry's score (a decision's version put in the place of a better ranked one in
    another language keeps that one's score, as in one index); None for those not sent."""
    by_entry = {
        (shard, docnum): hit
        for shard, answer in enumerate(answers)
        for (_, docnum, *_), hit in zip(answer.entries, answer.hits or (), strict=False)
    }
    found = [by_entry.get((shard, docnum)) for shard, _, docnum in chosen]
    return [
        hit if hit is None else replace(hit, score=round(score, 4))
        for hit, (_, score, _) in zip(found, chosen, strict=True)
    ]


def facet_counts(
    answers: list[ShardAnswer], filters: Filters
) -> dict[str, list[dict[str, Any]]] | None:
    """Return the facets' counts of all shards, listed as one index lists them."""
    if any(answer.counts is None for answer in answers):
        return None
    tallies: dict[str, Counter[str]] = {}
    for answer in answers:
        for facet, values in (answer.counts or {}).items():
            tally = tallies.setdefault(facet, Counter())
            for item in values:
                # A chosen value a shard lists at 0 is listed again at the end if all do.
                if item["count"]:
                    tally[item["value"]] += item["count"]
    return facets.listed(tallies, filters, facets.MAX_FACET_VALUES)


def suggestion(answers: list[ShardAnswer]) -> str | None:
    """Return the correction most shards suggest (the first shard's among as many)."""
    offered = Counter(a.suggestion for a in answers if a.suggestion)
    return offered.most_common(1)[0][0] if offered else None


def notices(answers: list[ShardAnswer]) -> list:
    """Return each shard's notices once, in shard order."""
    seen: dict[str, Any] = {}
    for answer in answers:
        for notice in answer.notices:
            seen.setdefault(str(notice), notice)
    return list(seen.values())
