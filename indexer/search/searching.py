"""Searching the live index: a query's matches collected within a time budget, ranked,
filtered and counted, and one page of them as hits with snippets; browsing without a query."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh import query
from whoosh.searching import Searcher

from indexer.analysis import swedish
from indexer.common.deadline import OutOfTime, time_limit
from indexer.common.messages import Message
from indexer.search import facets, language_pairs, spelling
from indexer.search.agenda_minutes import collapse_agenda_minutes
from indexer.search.decision_terms import case_query
from indexer.search.filters import Filters, parse_sort
from indexer.search.grouping import group_by_file
from indexer.search.hits import hits_of
from indexer.search.matching import Found, find
from indexer.search.query import OPERATORS, QueryError
from indexer.search.results import SearchResult
from indexer.search.wildcards import Expansions
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


@dataclass
class Ranked:
    """One searcher's answer to a query before its hits are read: the ranked (score, document
    number) of the first `keep` results, and what the page says about all of them."""

    q: query.Query
    total: int
    mode: str
    partial: bool
    notices: list
    ranked: list[tuple[float, int]]
    # How many more sections of a hit's meeting the result holds, by document number.
    more: dict[int, int]
    counts: dict[str, list[dict]] | None
    suggestion: str | None


def prepare(searcher: Searcher, filters: Filters, sort: str, with_facets: bool) -> tuple:
    """Return (grouped, paired, facet columns or None) for rank(): what a searcher reads once
    per segment for every later query, not this query's work, so outside its time limits."""
    # Sections are grouped by their file over the whole result (grouping.py).
    grouped = has_sections(searcher.reader())
    # A decision in both languages is shown once over the whole result, too.
    # (A cluster's shard searcher tells whether the whole corpus holds Swedish.)
    paired = language_pairs.has_pair_keys(searcher.reader()) and holds_swedish(searcher)
    keep_all = filters.active() or sort != "relevance" or with_facets or grouped or paired
    cols = facets.columns(searcher) if keep_all else None
    # The Swedish dictionary that tells a query's language loads once a process.
    if holds_swedish(searcher):
        swedish.dictionary()
    return grouped, paired, cols


def rank(
    searcher: Searcher,
    text: str,
    prepared: tuple,
    *,
    keep: int,
    filters: Filters,
    sort: str,
    with_facets: bool,
    suggest: bool,
    facet_values: int | None = facets.MAX_FACET_VALUES,
    any_word: bool = False,
    fallback: bool = True,
    language: str | None = None,
    decisions: Callable[[list[tuple[float, int]]], list[tuple[float, int]]] | None = None,
) -> Ranked:
    """Find a query's matches and rank the first `keep`, within SEARCH_SECONDS; call it inside
    time_limit(HARD_SECONDS). facet_values=None counts every value of a facet (a shard's
    counts, added up with the other shards' before the most common are kept); any_word asks
    for any of the words from the start, fallback=False never falls back to them (a shard
    does what the whole corpus's counts decide); of a decision found in both languages, the
    hit is the version in `language` (the reader's, "fi" or "sv"; language_pairs.py), or as
    `decisions` makes them one (a cluster's shard: cluster/pairs.py)."""
    grouped, paired, cols = prepared
    keep_all = cols is not None
    counts = None
    suggestion = None
    more: dict[int, int] = {}
    deadline = time.perf_counter() + SEARCH_SECONDS
    mode = "all"
    known: Expansions = {}

    def run(any_word: bool) -> Found:
        found = find(
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
                if decisions is not None:
                    ranked = decisions(ranked)
                elif pairs is not None:
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

    found = run(any_word=any_word)
    if any_word:
        mode = "any"
    elif fallback and found.total == 0 and not found.partial and is_plain_words(text):
        found = run(any_word=True)
        mode = "any"
    if cols is not None and with_facets:
        counts = facets.count(cols, list(found.scores or ()), filters, facet_values)
    if suggest and not found.partial:
        suggestion = spelling.suggestion(
            searcher,
            text,
            found.total if mode == "all" else 0,
            lambda corrected: count_matches(searcher, corrected, filters, cols, deadline),
            filters,
        )
    notices = found.notices
    if found.partial:
        notices = [*notices, Message("The search took too long; the results are incomplete.")]
    return Ranked(
        found.q, found.total, mode, found.partial, notices, found.ranked, more, counts, suggestion
    )


def too_long() -> QueryError:
    """Return the error of a query stopped at HARD_SECONDS."""
    return QueryError(
        "The query needed more than %(seconds)s s of work and was stopped. Make it more "
        "specific: fewer very common words, or a rarer word with them.",
        seconds=format(HARD_SECONDS, "g"),
    )


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
    check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    try:
        with searchers.live_searcher(index_dir) as (_, searcher):
            prepared = prepare(searcher, filters, sort, with_facets)
            with time_limit(HARD_SECONDS):
                found = rank(
                    searcher,
                    text,
                    prepared,
                    keep=keep,
                    filters=filters,
                    sort=sort,
                    with_facets=with_facets,
                    suggest=suggest,
                    language=language,
                )
                page_of = found.ranked[(page - 1) * limit : keep]
                hits = collapse_agenda_minutes(hits_of(searcher, found.q, page_of, found.more))
    except OutOfTime:
        raise too_long() from None
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return SearchResult(
        text,
        found.total,
        page,
        found.mode,
        took_ms,
        found.partial,
        found.notices,
        hits,
        limit,
        found.counts,
        found.suggestion,
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
    check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    with searchers.live_searcher(index_dir) as (_, searcher):
        cols = facets.columns(searcher)
        files = browsed(searcher, cols, sections, case)
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


def browsed(searcher: Searcher, cols: facets.Columns, sections: bool, case: str) -> list[int]:
    """Return the document numbers browsing lists before its filters: files, or the sections
    of decision documents without their formalities, or only those of a case."""
    if sections or case:
        files = [d for d in cols.live if cols.section[d] and not cols.boilerplate[d]]
        if case:
            q = case_query(case)
            in_case = set(q.docs(searcher)) if "case" in searcher.schema else set()
            files = [d for d in files if d in in_case]
        return files
    # Files, not their sections' units.
    return [d for d in cols.live if not cols.section[d]] if any(cols.section) else cols.live


def check_page(page: int, limit: int) -> None:
    if page < 1:
        raise QueryError("The page number must be 1 or more.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError("The limit must be between 1 and %(count)s.", count=MAX_LIMIT)


def count_matches(
    searcher: Searcher,
    text: str,
    filters: Filters,
    cols: facets.Columns | None,
    deadline: float,
) -> int:
    """Return how many documents a query finds with the filters; 0 for a failing query."""
    try:
        found = find(
            searcher, text, any_word=False, keep=1, deadline=deadline, known={}, keep_all=True
        )
    except QueryError:
        return 0
    if found.partial:
        return 0
    if cols is None or not filters.active():
        return found.total
    return len(facets.narrow(cols, list(found.scores or ()), filters))


def is_plain_words(text: str) -> bool:
    """Tell whether a query is just several words, with no operator or group to respect."""
    words = text.split()
    return (
        len(words) > 1 and not OPERATORS.intersection(words) and not any(c in text for c in '"()')
    )
