"""Searching the live index: a query's matches collected within a time budget, ranked,
filtered and counted, and one page of them as hits with snippets; browsing without a query."""

import heapq
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import collectors, query
from whoosh.searching import Searcher

from indexer.analysis import swedish
from indexer.common.deadline import OutOfTime, time_limit
from indexer.common.messages import Message
from indexer.search import facets, language_pairs, spelling
from indexer.search.agenda_minutes import collapse_agenda_minutes
from indexer.search.decision_terms import case_query, decision_clauses
from indexer.search.filters import Filters, parse_sort
from indexer.search.grouping import group_by_file
from indexer.search.hits import hits_of
from indexer.search.query import OPERATORS, QueryError, parse
from indexer.search.ranking import CachedBM25F, rank_termwise, termwise_scores
from indexer.search.results import SearchResult
from indexer.search.wildcards import Expansions, expand_wildcards
from indexer.store import searchers
from indexer.store.schema import holds_swedish
from indexer.store.units import has_sections

MAX_LIMIT = 100
# Hits per page unless asked otherwise: the CLI's, the API's and the search page's first size.
DEFAULT_LIMIT = 10
# Collecting and ranking the matches of one query stops after this long; the page then says
# that the results are partial. A query that has used HARD_SECONDS of CPU time (Whoosh can
# match for long without finding anything), or ten times as long on the clock, is stopped and
# refused. CPU time, so that on a busy server a query is not stopped for waiting its turn.
SEARCH_SECONDS = 0.4
HARD_SECONDS = 0.8


# A formal section's score and that of a minutes file's first pages are multiplied by this:
# they hold the same words in every meeting (legality, attendance, signatures), and a matter's
# section says more. Below 1/3 a matter that matches one word of a query outranks them.
BOILERPLATE_WEIGHT = 0.3

_WEIGHTING = CachedBM25F()


class _PageCollector(collectors.ScoredCollector):
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
class _Found:
    q: query.Query
    total: int
    ranked: list[tuple[float, int]]
    partial: bool
    notices: list[str] = field(default_factory=list)
    # Every match's score, when the search was asked to keep them all.
    scores: dict[int, float] | None = None


def _find(
    searcher: Searcher,
    text: str,
    *,
    any_word: bool,
    keep: int,
    deadline: float,
    known: Expansions,
    keep_all: bool = False,
) -> _Found:
    parsed = parse(
        searcher.schema, text, any_word=any_word, swedish=holds_swedish(searcher.reader())
    )
    q, notices = expand_wildcards(parsed, searcher.reader(), known)
    clauses = decision_clauses(searcher.schema, text)
    if clauses:
        q = query.Or([q, *clauses])
    if keep_all:
        scores = termwise_scores(searcher, q, _WEIGHTING)
        if scores is not None:
            return _Found(q, len(scores), [], False, notices, scores)
        collector = _PageCollector(keep, deadline, keep_all=True)
        searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
        return _Found(q, collector.total, [], collector.timed_out, notices, collector.scores)
    termwise = rank_termwise(searcher, q, _WEIGHTING, keep)
    if termwise is not None:
        total, ranked = termwise
        return _Found(q, total, ranked, False, notices)
    collector = _PageCollector(keep, deadline)
    searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
    return _Found(q, collector.total, collector.ranked(), collector.timed_out, notices)


def search(
    index_dir: Path,
    text: str,
    *,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    sort: str = "relevance",
    with_facets: bool = False,
    suggest: bool = False,
    language: str | None = None,
) -> SearchResult:
    """Run a query on the live index and return one page of ranked hits.

    All words are required; when that finds nothing, documents with any of the words are
    ranked instead and the result says so with mode "any". A query that runs out of its time
    budget returns what it found so far, flagged partial. Filters narrow the matches (the
    total counts what passes them), sort orders them by date instead of score, with_facets
    counts the facets of the whole filtered result, and suggest looks for a corrected query
    that finds more. Of a decision found in both languages, the hit is the version in
    `language` (the reader's, "fi" or "sv"; language_pairs.py).
    """
    _check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    counts = None
    suggestion = None
    more: dict[int, int] = {}
    try:
        with searchers.live_searcher(index_dir) as (_, searcher):
            # Sections are grouped by their file over the whole result (grouping.py).
            grouped = has_sections(searcher.reader())
            # A decision in both languages is shown once over the whole result, too.
            paired = language_pairs.has_pairs(searcher.reader())
            keep_all = filters.active() or sort != "relevance" or with_facets or grouped or paired
            # Read once per segment for every later query (facets.py): not this query's
            # work, so outside its time limits.
            cols = facets.columns(searcher) if keep_all else None
            # The Swedish dictionary that tells a query's language loads once a process.
            if holds_swedish(searcher.reader()):
                swedish.dictionary()
            deadline = time.perf_counter() + SEARCH_SECONDS
            with time_limit(HARD_SECONDS):
                mode = "all"
                known: Expansions = {}

                def run(any_word: bool) -> _Found:
                    found = _find(
                        searcher,
                        text,
                        any_word=any_word,
                        keep=keep,
                        deadline=deadline,
                        known=known,
                        keep_all=keep_all,
                    )
                    if cols is not None:
                        scores = found.scores or {}
                        matched = facets.narrow(cols, list(scores), filters)
                        found.total = len(matched)
                        sectioned = grouped and cols.file is not None
                        pairs = cols.pair if paired and cols.language is not None else None
                        if sectioned or pairs is not None:
                            if sectioned:
                                boilerplate = cols.boilerplate
                                for d in matched:
                                    if boilerplate[d]:
                                        scores[d] *= BOILERPLATE_WEIGHT
                            ranked = facets.top(cols, matched, scores, sort, len(matched))
                            if pairs is not None:
                                ranked = language_pairs.one_per_decision(
                                    ranked, pairs, cols.language or (), language
                                )
                            if sectioned:
                                ranked, grouped_more = group_by_file(ranked, cols.file)
                                more.clear()
                                more.update(grouped_more)
                            found.total = len(ranked)
                            found.ranked = ranked[:keep]
                        else:
                            found.ranked = facets.top(cols, matched, scores, sort, keep)
                    return found

                found = run(any_word=False)
                if found.total == 0 and not found.partial and _is_plain_words(text):
                    found = run(any_word=True)
                    mode = "any"
                if cols is not None and with_facets:
                    counts = facets.count(cols, list(found.scores or ()), filters)
                if suggest and not found.partial:
                    suggestion = spelling.suggestion(
                        searcher,
                        text,
                        found.total if mode == "all" else 0,
                        lambda corrected: _count(searcher, corrected, filters, cols, deadline),
                        filters,
                    )
                hits = hits_of(searcher, found.q, found.ranked[(page - 1) * limit : keep], more)
                hits = collapse_agenda_minutes(hits)
    except OutOfTime:
        raise QueryError(
            "The query needed more than %(seconds)s s of work and was stopped. Make it more "
            "specific: fewer very common words, or a rarer word with them.",
            seconds=format(HARD_SECONDS, "g"),
        ) from None
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    notices = found.notices
    if found.partial:
        notices = [*notices, Message("The search took too long; the results are incomplete.")]
    return SearchResult(
        text,
        found.total,
        page,
        mode,
        took_ms,
        found.partial,
        notices,
        hits,
        limit,
        counts,
        suggestion,
        sort,
    )


def browse(
    index_dir: Path,
    *,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    sort: str = "newest",
    sections: bool = False,
    case: str = "",
) -> SearchResult:
    """Return one page of every document that passes the filters, newest first unless asked
    otherwise, with the facets of all of them: what a search page shows before a query.

    sections: list the sections of decision documents instead of files, leaving out the
    formalities of every meeting (what a feed that follows a decision maker lists); case:
    only the sections of that case (raises QueryError when it is not a case number).
    """
    _check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    with searchers.live_searcher(index_dir) as (_, searcher):
        cols = facets.columns(searcher)
        if sections or case:
            files = [d for d in cols.live if cols.section[d] and not cols.boilerplate[d]]
            if case:
                q = case_query(case)
                in_case = set(q.docs(searcher)) if "case" in searcher.schema else set()
                files = [d for d in files if d in in_case]
        else:
            # Files, not their sections' units.
            files = (
                [d for d in cols.live if not cols.section[d]] if any(cols.section) else cols.live
            )
        matched = facets.narrow(cols, files, filters)
        # No query, so no relevance: the newest first.
        order = "newest" if sort == "relevance" else sort
        ranked = facets.top(cols, matched, {}, order, keep)
        counts = facets.count(cols, files, filters)
        hits = hits_of(searcher, None, ranked[(page - 1) * limit :])
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return SearchResult(
        "", len(matched), page, "browse", took_ms, False, [], hits, limit, counts, None, sort
    )


def _check_page(page: int, limit: int) -> None:
    if page < 1:
        raise QueryError("The page number must be 1 or more.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError("The limit must be between 1 and %(count)s.", count=MAX_LIMIT)


def _count(
    searcher: Searcher,
    text: str,
    filters: Filters,
    cols: facets.Columns | None,
    deadline: float,
) -> int:
    """Return how many documents a query finds with the filters; 0 for a failing query."""
    try:
        found = _find(
            searcher, text, any_word=False, keep=1, deadline=deadline, known={}, keep_all=True
        )
    except QueryError:
        return 0
    if found.partial:
        return 0
    if cols is None or not filters.active():
        return found.total
    return len(facets.narrow(cols, list(found.scores or ()), filters))


def _is_plain_words(text: str) -> bool:
    """Tell whether a query is just several words, with no operator or group to respect."""
    words = text.split()
    return (
        len(words) > 1 and not OPERATORS.intersection(words) and not any(c in text for c in '"()')
    )
