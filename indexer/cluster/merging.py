"""The shards' answers merged into the one a single index gives: the best entries of all of
them in the sort order, facet counts added up, and the most common did-you-mean."""

import heapq
from collections import Counter
from typing import Any

from indexer.cluster.replicas import ShardAnswer
from indexer.search import facets
from indexer.search.filters import Filters
from indexer.search.results import Hit

# An undated document's day (facets._UNDATED): after every dated one in either date order.
_UNDATED = 0


def best(answers: list[ShardAnswer], sort: str, keep: int) -> list[tuple[int, float, int]]:
    """Return (shard, score, document number) of the first `keep` entries of all shards.

    Equal scores (or dates) go by file id, then by document number in the file's shard: the
    order of one index's document numbers, and the same whichever replica answered.
    """
    sign = -1 if sort == "newest" else 1

    def key(item: tuple[int, tuple[float, int, int, str]]) -> tuple:
        shard, (score, docnum, day, file_id) = item
        if sort == "relevance":
            return (-score, file_id, docnum)
        return (day == _UNDATED, sign * day, -score, file_id, docnum)

    entries = ((shard, e) for shard, answer in enumerate(answers) for e in answer.entries)
    return [(shard, e[0], e[1]) for shard, e in heapq.nsmallest(keep, entries, key=key)]


def hits(answers: list[ShardAnswer], chosen: list[tuple[int, float, int]]) -> list[Hit]:
    """Return the chosen entries' hits from those the shards sent with their rankings."""
    by_entry = {
        (shard, docnum): hit
        for shard, answer in enumerate(answers)
        for (_, docnum, _, _), hit in zip(answer.entries, answer.hits or (), strict=False)
    }
    return [by_entry[(shard, docnum)] for shard, _, docnum in chosen]


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
