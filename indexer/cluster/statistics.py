"""Whole-corpus term statistics, and a searcher that scores a shard's documents with them.

BM25F scores a term with its idf, log(N / (df + 1)) + 1, and a field's average length, both
over the whole index. A shard's own counts would rank its documents as if it were the corpus
(79% of top 10s equal to one index's in the measurements of issue 21); with the sums of every
shard's counts the scores are those of one index, float for float.
"""

import bisect
import itertools
import math
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.searching import Searcher

from indexer.store import searchers

FILE = "statistics.pickle"


@dataclass
class Statistics:
    """Documents per term of each scorable field, each field's total length, and documents
    (deleted ones too, as Whoosh's idf counts them, and without them)."""

    doc_count_all: int = 0
    # Documents not deleted (an update's deletions stay in doc_count_all until a merge).
    doc_count: int = 0
    field_lengths: dict[str, int] = field(default_factory=dict)
    # field name -> term (bytes, as Whoosh stores it) -> documents holding it
    doc_frequencies: dict[str, dict[bytes, int]] = field(default_factory=dict)

    def add(self, other: "Statistics") -> None:
        """Add another shard's counts to these."""
        self.doc_count_all += other.doc_count_all
        self.doc_count += other.doc_count
        lengths = Counter(self.field_lengths)
        lengths.update(other.field_lengths)
        self.field_lengths = dict(lengths)
        for name, terms in other.doc_frequencies.items():
            mine = self.doc_frequencies.setdefault(name, {})
            get = mine.get
            mine.update({term: get(term, 0) + n for term, n in terms.items()})

    def terms(self) -> int:
        return sum(len(terms) for terms in self.doc_frequencies.values())

    def prefix_words(
        self, fieldname: str, head: str, limit: int
    ) -> tuple[list[tuple[bytes, int]], bool]:
        """Return the first `limit` words of a field in the whole corpus that start with
        head, in order, with their document frequencies, and whether those are all of them
        (search/wildcards.py's PrefixWords): the words one index would expand a wildcard to.
        A shard's own words were another set where a wildcard matched more than
        MAX_WILDCARD_TERMS of them ("rahoitus*" at 345,536 news rows: scores 65.5 and 76.1)."""
        words = self._sorted_words(fieldname)
        prefix = head.encode("utf-8")
        start = bisect.bisect_left(words, prefix)
        found = []
        for word in itertools.islice(words, start, start + limit + 1):
            if not word.startswith(prefix):
                break
            found.append(word)
        complete = len(found) <= limit
        frequencies = self.doc_frequencies.get(fieldname, {})
        return [(w, frequencies[w]) for w in found[:limit]], complete

    def _sorted_words(self, fieldname: str) -> list[bytes]:
        # Sorted once per field and generation (half a second for 500,000 words), on first use.
        cache = self.__dict__.setdefault("_sorted", {})
        if fieldname not in cache:
            cache[fieldname] = sorted(self.doc_frequencies.get(fieldname, ()))
        return cache[fieldname]


def of_index(index_dir: Path) -> Statistics:
    """Return the statistics of the live generation of an index folder (a shard's)."""
    with searchers.live_searcher(index_dir, fresh=True) as (_, searcher):
        reader = searcher.reader()
        stats = Statistics(doc_count_all=reader.doc_count_all(), doc_count=reader.doc_count())
        for name, fieldtype in searcher.schema.items():
            if not fieldtype.scorable:
                continue
            stats.field_lengths[name] = reader.field_length(name)
            stats.doc_frequencies[name] = {
                term: info.doc_frequency() for term, info in reader.iter_field(name)
            }
    return stats


def merged(parts: list[Statistics]) -> Statistics:
    """Return the whole corpus's statistics from every shard's."""
    total = Statistics()
    for part in parts:
        total.add(part)
    return total


def save(gen: Path, stats: Statistics) -> None:
    with open(gen / FILE, "wb") as f:
        pickle.dump(stats, f, protocol=pickle.HIGHEST_PROTOCOL)


def load(gen: Path) -> Statistics:
    """Return the statistics a cluster build kept with its generation (written by this
    library's own build, so unpickling it runs nothing that was not ours)."""
    with open(gen / FILE, "rb") as f:
        return pickle.load(f)


class CorpusSearcher(Searcher):
    """A Whoosh searcher on one shard whose idf and average field lengths are the corpus's.

    Whoosh's weightings ask the top searcher (get_parent()) for both, so the segments'
    sub-searchers score with these too; everything else (postings, lengths of each document,
    stored fields) is the shard's own.
    """

    def __init__(self, reader: Any, statistics: Statistics, **kwargs: Any) -> None:
        super().__init__(reader, **kwargs)
        self.statistics = statistics

    def _subsearcher(self, reader: Any) -> Searcher:
        # Whoosh makes a segment's searcher of the parent's class; a plain one asks this one.
        return Searcher(reader, fromindex=self._ix, weighting=self.weighting, parent=self)

    def idf(self, fieldname: str, text: bytes) -> float:
        cache = self._idf_cache
        term = (fieldname, text)
        value = cache.get(term)
        if value is None:
            stats = self.statistics
            df = stats.doc_frequencies.get(fieldname, {}).get(text, 0)
            # Whoosh's WeightingModel.idf, with the corpus's counts.
            value = cache[term] = math.log(stats.doc_count_all / (df + 1)) + 1
        return value

    def prefix_words(
        self, fieldname: str, head: str, limit: int
    ) -> tuple[list[tuple[bytes, int]], bool]:
        """A wildcard's words from the whole corpus (Statistics.prefix_words)."""
        return self.statistics.prefix_words(fieldname, head, limit)

    def field_length(self, fieldname: str) -> int:
        # Whether the corpus holds Swedish documents (store.schema.holds_swedish) decides
        # how every shard parses a query: the corpus's answer, not the shard's.
        return self.statistics.field_lengths.get(fieldname, 0)

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float | None:
        if not self.schema[fieldname].scorable:
            return default
        stats = self.statistics
        return stats.field_lengths.get(fieldname, 0) / (stats.doc_count_all or 1)


def open_corpus_searcher(index_dir: Path, statistics: Statistics) -> CorpusSearcher:
    """Open a searcher on an index folder's live generation scoring with these statistics,
    with every file open: the generation may be deleted while the searcher serves."""
    gen, ix = searchers.open_current(index_dir)
    searcher = CorpusSearcher(ix.reader(), statistics, fromindex=ix)
    searchers.open_lazy_files(searcher)
    return searcher
