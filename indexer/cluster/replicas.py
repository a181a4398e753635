"""A shard's searcher as a Ray actor: one search at a time on one replica of one shard.

The actor keeps a searcher open on each generation it was asked about, at most two: the one
being served and the one being rolled out beside it (rolling.py), so no query of the old
generation fails while the new one opens. A restarted actor (its node died) opens them again
on its first call.
"""

import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.cluster import pairs, shards, similar, statistics
from indexer.cluster.order import file_id
from indexer.common.deadline import OutOfTime, time_limit
from indexer.search import facets, suggestions
from indexer.search.case_history import case_history
from indexer.search.document_view import get_document
from indexer.search.filters import Filters
from indexer.search.hits import hits_of
from indexer.search.matching import query_of
from indexer.search.query import QueryError
from indexer.search.results import Hit
from indexer.search.searching import (
    HARD_SECONDS,
    SEARCH_SECONDS,
    browsed,
    count_matches,
    is_plain_words,
    prepare,
    rank,
    too_long,
)
from indexer.search.suggestions import Suggestion

# Generations a replica keeps open: the live one and the one rolled out beside it.
OPEN_GENERATIONS = 2
# What a replica runs for the coordinator on its shard's index folder, by name: the
# single-machine functions, which read a shard folder as a whole index.
READERS = {
    "case_history": case_history,
}


# (score, document number, day ordinal for date order, file id, place): place is the (file
# id, document number) of the version of a decision in another shard whose place this one
# took (pairs.py), else None; order.py orders them.
Entry = tuple[float, int, int, str, tuple[str, int] | None]


@dataclass
class Refused:
    """A query the shard refused, as its message's template and values: an exception pickled
    across Ray would lose them, and the web layer translates the template."""

    template: str
    params: dict[str, Any]


@dataclass
class ShardAnswer:
    """One shard's ranked entries of a query (or of browsing) before their hits are read."""

    generation: str
    total: int
    mode: str
    partial: bool
    notices: list
    # The shard's first `keep` (Entry), a file's units together (search/grouping.py).
    entries: list["Entry"]
    more: dict[int, int]
    counts: dict[str, list[dict]] | None
    suggestion: str | None
    # The hits of the first entries, when asked for with the ranking (a first page).
    hits: list[Hit] | None = None
    # Decision keys and languages of the entries that have one, by document number, in an
    # index of decisions in both languages (cluster/pairs.py).
    pairs: "pairs.Keys" = field(default_factory=dict)
    # Every matched unit with a decision key, when the corpus holds decisions in both
    # languages (pairs.py).
    versions: list["pairs.Version"] = field(default_factory=list)
    # The answer by any of the words, when the query is of plain words and this shard has no
    # document with all of them (ShardSearcher.rank).
    instead: "ShardAnswer | Refused | None" = None


class ShardSearcher:
    """The searcher of one replica of one shard (a Ray actor's class; max_concurrency=1,
    since a Whoosh searcher is not safe for two threads)."""

    def __init__(self, index_dir: str, shard: int) -> None:
        self.index_dir = Path(index_dir)
        self.shard = shard
        self._open: OrderedDict[str, Any] = OrderedDict()
        self._lists: dict[str, Any] = {}

    def _searcher(self, generation: str) -> Any:
        searcher = self._open.get(generation)
        if searcher is None:
            gen = self.index_dir / generation
            stats = statistics.load(gen)
            searcher = statistics.open_corpus_searcher(shards.shard_dir(gen, self.shard), stats)
            self._open[generation] = searcher
            while len(self._open) > OPEN_GENERATIONS:
                name, old = self._open.popitem(last=False)
                self._lists.pop(name, None)
                old.close()
        self._open.move_to_end(generation)
        return searcher

    def _suggestion_lists(self, generation: str) -> Any:
        """Return the suggestion lists of a generation: the whole corpus's words with their
        counts (from its statistics, so every shard offers the words one index would) and
        this shard's titles."""
        searcher = self._searcher(generation)
        lists = self._lists.get(generation)
        if lists is None:
            frequencies = searcher.statistics.doc_frequencies
            fields = [frequencies.get(f, {}) for f in suggestions.FIELDS]
            lists = self._lists[generation] = suggestions.vocabulary(searcher, fields)
            # What did-you-mean looks candidates up in (suggestions.vocabulary_counts).
            searcher.word_counts = lists.by_word
        return lists

    def call(self, request: tuple) -> Any:
        """Run one of this class's public methods: request is (method, generation, its other
        arguments). The coordinator's calls come this way, their arguments in one tuple: Ray
        handles each argument of a call apart, and a search's nine cost a millisecond more
        than one tuple on each call to each shard."""
        method, *args = request
        if method.startswith("_") or method == "call":
            raise ValueError(f"Not a replica's method: {method}")
        return getattr(self, method)(*args)

    def open(self, generation: str) -> int:
        """Open a generation beside the one served; return its shard's document count.

        Also reads what the first search would (the facet columns, the Swedish dictionary)
        and the suggestion lists: seconds on a busy node, which a query's attempt must not
        wait for.
        """
        searcher = self._searcher(generation)
        prepare(searcher, Filters(), "newest", True)
        self._suggestion_lists(generation)
        return searcher.doc_count()

    def memory_mb(self) -> float:
        """Return this replica's resident memory in MB (Linux), for the benchmark."""
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)

    def node(self) -> str:
        """Return the Ray node this replica runs on."""
        import ray

        return ray.get_runtime_context().get_node_id()

    def rank(
        self,
        generation: str,
        text: str,
        keep: int,
        filters: Filters,
        sort: str,
        with_facets: bool,
        suggest: bool,
        any_word: bool,
        hits_for: int = 0,
        language: str | None = None,
        decided: pairs.Decided | None = None,
    ) -> ShardAnswer | Refused:
        """Rank a query's first `keep` matches in this shard with the corpus's statistics;
        read the hits of the first `hits_for` of them too (a first page's hits are mostly
        among them: a second call to the shards would cost more than the snippets). `decided` is
        what the coordinator decided for the decisions whose versions are in several shards
        (pairs.py).

        A query of plain words that no document of this shard has all of is ranked by any of
        them as well (ShardAnswer.instead): one index falls back to that when none of the
        corpus has, and a second call to every shard cost as much as the first.
        """
        searcher = self._searcher(generation)
        collapse = None
        try:
            prepared = prepare(searcher, filters, sort, with_facets)
            paired, cols = prepared[1], prepared[2]
            if paired and cols is not None and cols.pair is not None and cols.language:
                collapse = pairs.Collapse(searcher, cols, sort, language, decided)
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
                    facet_values=None,
                    any_word=any_word,
                    fallback=False,
                    language=language,
                    decisions=collapse,
                )
                hits = None
                if hits_for:
                    hits = hits_of(searcher, found.q, found.ranked[:hits_for], found.more)
        except QueryError as e:
            return Refused(e.message.template, e.message.params)
        except OutOfTime:
            # Stopped anywhere in Whoosh: the searcher is not used again.
            self._drop(generation)
            error = too_long()
            return Refused(error.message.template, error.message.params)
        days = cols.day if cols is not None else None
        # A hit's id is its unit's file id: its stored fields are not read again.
        read = [hit.id for hit in hits or ()]
        entries = []
        for n, (score, d) in enumerate(found.ranked):
            place = collapse.place(d) if collapse is not None else None
            day = place[2] if place else days[d] if days else 0
            at = (place[3], place[1]) if place else None
            entries.append(
                (score, d, day, read[n] if n < len(read) else file_id(searcher, cols, d), at)
            )
        answer = ShardAnswer(
            generation,
            found.total,
            found.mode,
            found.partial,
            found.notices,
            entries,
            {d: n for d, n in found.more.items() if n},
            found.counts,
            found.suggestion,
            hits,
            pairs.entry_keys(cols, found.ranked) if paired else {},
            collapse.versions if collapse is not None else [],
        )
        if not any_word and found.total == 0 and not found.partial and is_plain_words(text):
            answer.instead = self.rank(
                generation,
                text,
                keep,
                filters,
                sort,
                with_facets,
                suggest,
                True,
                hits_for,
                language,
                decided,
            )
        return answer

    def count(self, generation: str, text: str, filters: Filters) -> int:
        """Return how many of this shard's documents a query finds with the filters (a
        did-you-mean correction's count over the corpus, added up by the coordinator)."""
        searcher = self._searcher(generation)
        prepared = prepare(searcher, filters, "relevance", False)
        deadline = time.perf_counter() + SEARCH_SECONDS
        try:
            with time_limit(HARD_SECONDS):
                return count_matches(searcher, text, filters, prepared[2], deadline)
        except OutOfTime:
            self._drop(generation)
            return 0

    def browse(
        self,
        generation: str,
        keep: int,
        filters: Filters,
        order: str,
        sections: bool = False,
        case: str = "",
    ) -> ShardAnswer | Refused:
        """Return the shard's first `keep` documents in date order, with every facet count."""
        searcher = self._searcher(generation)
        cols = facets.columns(searcher)
        try:
            files = browsed(searcher, cols, sections, case)
        except QueryError as e:
            return Refused(e.message.template, e.message.params)
        matched = facets.narrow(cols, files, filters)
        ranked = facets.top(cols, matched, {}, order, keep)
        counts = facets.count(cols, files, filters, None)
        entries = [(score, d, cols.day[d], file_id(searcher, cols, d), None) for score, d in ranked]
        return ShardAnswer(generation, len(matched), "browse", False, [], entries, {}, counts, None)

    def hits(
        self,
        generation: str,
        text: str | None,
        mode: str,
        entries: list[tuple[float, int]],
        more: dict[int, int],
    ) -> list[Hit]:
        """Return the hits of some of this shard's entries, with their snippets."""
        searcher = self._searcher(generation)
        q = None
        if text is not None:
            q, _ = query_of(searcher, text, any_word=mode == "any")
        return hits_of(searcher, q, entries, more)

    def suggest(self, generation: str, prefix: str, limit: int) -> list[Suggestion]:
        """Return the corpus's words and this shard's titles that start with a prefix, the
        most frequent first (suggestions.suggest)."""
        return suggestions.matches(self._suggestion_lists(generation), prefix, limit)

    def examples(self, generation: str, count: int) -> list[str]:
        """Return example words of the whole corpus (suggestions.examples)."""
        stats = self._searcher(generation).statistics
        # Statistics kept before live documents were counted give every one.
        documents = getattr(stats, "doc_count", 0) or stats.doc_count_all
        return suggestions.frequent_words(self._suggestion_lists(generation), documents, count)

    def counterparts(self, generation: str, wanted: dict[str, str]) -> dict[str, dict]:
        """Return the versions in another language this shard holds of decisions whose other
        shards lack them (key -> the language the reader has)."""
        return pairs.counterparts(self._searcher(generation), wanted)

    def document(
        self, generation: str, doc_id: str, text: str, part: int, page: int | None
    ) -> tuple[Any, dict[str, tuple[str, str]]] | Refused:
        """Return a document's page (document_view.get_document, None when this shard does
        not hold it) and the keys of it and its sections whose other version is elsewhere."""
        folder = shards.shard_dir(self.index_dir / generation, self.shard)
        try:
            view = get_document(folder, doc_id, text, part, page)
        except QueryError as e:
            return Refused(e.message.template, e.message.params)
        if view is None:
            return None, {}
        return view, pairs.document_keys(self._searcher(generation), doc_id)

    def term_weights(self, generation: str, doc_id: str) -> Any:
        """Return a document's field and words' weights, None when this shard lacks it."""
        return similar.term_weights(self._searcher(generation), doc_id)

    def frequencies(
        self, generation: str, field: str, words: list[str]
    ) -> tuple[int, dict[str, float]]:
        """Return this shard's documents and the frequencies of the words it has."""
        return similar.frequencies(self._searcher(generation), field, words)

    def similar(
        self, generation: str, field: str, terms: list, doc_id: str, limit: int
    ) -> list[similar.Found]:
        """Return this shard's documents most like the key terms of another."""
        return similar.matches(self._searcher(generation), field, terms, doc_id, limit)

    def read(self, generation: str, reader: str, *args: Any) -> Any:
        """Run one of READERS on this shard's index folder of a generation."""
        folder = shards.shard_dir(self.index_dir / generation, self.shard)
        try:
            return READERS[reader](folder, *args)
        except QueryError as e:
            return Refused(e.message.template, e.message.params)

    def _drop(self, generation: str) -> None:
        searcher = self._open.pop(generation, None)
        self._lists.pop(generation, None)
        if searcher is not None:
            searcher.close()
