"""Finding a query's matches in one searcher: every match counted, the best kept or every
score kept, within a deadline."""

import heapq
import time
from dataclasses import dataclass, field

from whoosh import collectors, query
from whoosh.searching import Searcher

from indexer.search.decision_terms import decision_clauses
from indexer.search.query import parse
from indexer.search.ranking import CachedBM25F, rank_termwise, termwise_scores
from indexer.search.wildcards import Expansions, expand_wildcards
from indexer.store.schema import holds_swedish

_WEIGHTING = CachedBM25F()


class PageCollector(collectors.ScoredCollector):
    """Count every match and keep the best-scored ones, in one pass, until a deadline.

    Whoosh's TopCollector skips blocks that cannot reach the top, and then needs a second
    search to count the matches; this scores each match once and counts as it goes.
    """

    def __init__(self, limit: int, deadline: float, *, keep_all: bool = False) -> None:
        super().__init__(replace=0)
        self.limit = limit
        self.deadline = deadline
        self.total = 0
        self.timed_out = False
        # Every match's score by document number, for filters, facets and date order.
        self.scores: dict[int, float] | None = {} if keep_all else None

    def collect_matches(self) -> None:
        # Called once per segment: one that starts past the deadline is not searched at all.
        if self.timed_out or time.perf_counter() > self.deadline:
            self.timed_out = True
            return
        matcher = self.matcher
        items, limit, offset, scores = self.items, self.limit, self.offset, self.scores
        while matcher.is_active():
            if scores is not None:
                scores[offset + matcher.id()] = matcher.score()
            else:
                # Lower document numbers first among equal scores, as Whoosh orders them.
                entry = (matcher.score(), -(offset + matcher.id()))
                if len(items) < limit:
                    heapq.heappush(items, entry)
                elif entry > items[0]:
                    heapq.heapreplace(items, entry)
            self.total += 1
            matcher.next()
            # A phrase or AND may pass many documents between two matches.
            if time.perf_counter() > self.deadline:
                self.timed_out = True
                return
            if self.total % 256 == 0:
                # Drop the sub-matchers that have run out, as Whoosh's collectors do.
                matcher = self.matcher = matcher.replace(0)

    def ranked(self) -> list[tuple[float, int]]:
        """Return (score, document number) of the kept matches, best first."""
        return [(score, -neg) for score, neg in sorted(self.items, reverse=True)]


@dataclass
class Found:
    q: query.Query
    total: int
    ranked: list[tuple[float, int]]
    partial: bool
    notices: list[str] = field(default_factory=list)
    # Every match's score, when the search was asked to keep them all.
    scores: dict[int, float] | None = None


def query_of(
    searcher: Searcher, text: str, *, any_word: bool, known: Expansions | None = None
) -> tuple[query.Query, list]:
    """Return the query a text stands for in this searcher's index (its wildcards expanded to
    the index's words), and what was left out of it, in words for a user."""
    parsed = parse(searcher.schema, text, any_word=any_word, swedish=holds_swedish(searcher))
    # A cluster's shard searcher expands wildcards from the whole corpus's words.
    q, notices = expand_wildcards(
        parsed,
        searcher.reader(),
        {} if known is None else known,
        getattr(searcher, "prefix_words", None),
    )
    clauses = decision_clauses(searcher.schema, text)
    if clauses:
        q = query.Or([q, *clauses])
    return q, notices


def find(
    searcher: Searcher,
    text: str,
    *,
    any_word: bool,
    keep: int,
    deadline: float,
    known: Expansions,
    keep_all: bool = False,
) -> Found:
    q, notices = query_of(searcher, text, any_word=any_word, known=known)
    if keep_all:
        scores = termwise_scores(searcher, q, _WEIGHTING)
        if scores is not None:
            return Found(q, len(scores), [], False, notices, scores)
        collector = PageCollector(keep, deadline, keep_all=True)
        searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
        return Found(q, collector.total, [], collector.timed_out, notices, collector.scores)
    termwise = rank_termwise(searcher, q, _WEIGHTING, keep)
    if termwise is not None:
        total, ranked = termwise
        return Found(q, total, ranked, False, notices)
    collector = PageCollector(keep, deadline)
    searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
    return Found(q, collector.total, collector.ranked(), collector.timed_out, notices)
