"""BM25F as Whoosh scores it, with each document's length part computed once per segment.

Whoosh's BM25F looks each matched document's field length up through five calls (searcher,
reader, per-document reader, column, file) for every term it scores: two thirds of the time
of a query that matches thousands of documents. The length part of BM25,
K1 * ((1 - B) + B * length / average length), depends only on the document, so it is computed
for every document of a segment on the first query and kept for every searcher of the
segment (a segment's lengths never change; the average changes with each commit).
"""

import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from indexer.codec.blocks import BlockMatcher

# Length parts by (segment folder, segment, field, B, K1, average length), the most recently
# used last. A few generations' worth; a rebuild's new segments push the old ones out.
_NORMS_KEPT = 32
_norms: OrderedDict[tuple, list[float]] = OrderedDict()
_norms_lock = threading.Lock()


def _length_norms(reader: Any, fieldname: str, B: float, K1: float, avgfl: float) -> list[float]:
    key = (reader._storage.folder, reader._segment.segment_id(), fieldname, B, K1, avgfl)
    with _norms_lock:
        norms = _norms.get(key)
        if norms is not None:
            _norms.move_to_end(key)
            return norms
    by_byte = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
    norms = [by_byte[b] for b in _length_bytes(reader, fieldname)]
    with _norms_lock:
        _norms[key] = norms
        while len(_norms) > _NORMS_KEPT:
            _norms.popitem(last=False)
    return norms


def _length_bytes(reader: Any, fieldname: str) -> bytes:
    """Return a segment's field lengths, one byte a document, as Whoosh 2.7's W3 codec stores
    them (a column of unsigned bytes per field); Whoosh-Reloaded is pinned to 2.7.5."""
    perdoc: W3PerDocReader = reader._perdoc
    column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    count = reader.doc_count_all()
    if column is None:
        return bytes(count)
    stored = column._dbfile.get(column._basepos, column._count)
    # Documents after the last one with the field have no byte written: length 0.
    return stored + bytes(count - len(stored))


class CachedBM25F(scoring.BM25F):
    """Whoosh's BM25F, scoring faster; scores equal BM25F's up to float rounding."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        # Only a segment's own searcher has the lengths at hand; Whoosh scores the matches
        # of each segment with its own.
        if not searcher.schema[fieldname].scorable or not searcher.is_atomic():
            return super().scorer(searcher, fieldname, text, qf=qf)
        B = self._field_B.get(fieldname, self.B)
        return _CachedBM25FScorer(searcher, fieldname, text, B, self.K1, qf=qf)

    def factors(self, searcher: Any, fieldname: str, text: bytes) -> tuple[float, list[float]]:
        """Return what a term's scores are made of, as the scorer makes them: its idf * (K1 + 1)
        and each document's length part. For a segment's searcher and a scorable field only.

        Without the scorer's own set-up (a third term lookup, its best possible score), which
        is most of the cost of a rare word, and a wildcard is many of them.
        """
        parent = searcher.get_parent()
        B = self._field_B.get(fieldname, self.B)
        avgfl = parent.avg_field_length(fieldname) or 1
        parts = _length_norms(searcher.reader(), fieldname, B, self.K1, avgfl)
        return parent.idf(fieldname, text) * (self.K1 + 1), parts


class _CachedBM25FScorer(scoring.BM25FScorer):
    def __init__(
        self, searcher: Any, fieldname: str, text: bytes, B: float, K1: float, qf: int = 1
    ) -> None:
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self._top = self.idf * (K1 + 1)
        self._length_parts = _length_norms(searcher.reader(), fieldname, B, K1, self.avgfl)

    def score(self, matcher: Any) -> float:
        weight = matcher.weight()
        return self._top * weight / (weight + self._length_parts[matcher.id()])


# Term-at-a-time ranking of queries made of words, ORs and ANDs.
#
# Whoosh matches a query document at a time: for each match it walks a tree of matcher objects,
# a few Python calls per node. A query of one word over title and body that matches 15,000
# documents spends most of its time there. Reading each word's postings block by block and
# adding up scores in a dict does the same sums with far fewer calls, for the queries people
# type most; phrases and everything else keep Whoosh's matchers.

# Postings of all the words of a query above which term at a time is not tried: a dict per word
# grows with its postings, and a document-at-a-time search can stop at its deadline.
MAX_TERMWISE_POSTINGS = 300_000

Scores = dict[int, float]


class _NotTermwise(Exception):
    """The query has a part that term-at-a-time ranking does not handle."""


def rank_termwise(
    searcher: Any, q: Any, weighting: CachedBM25F, keep: int
) -> tuple[int, list[tuple[float, int]]] | None:
    """Return the number of matches and the best `keep` (score, document number), best first,
    with the scores Whoosh's matchers would give; None when the query is not one of words,
    ORs, ANDs and ANDNOTs or reads too many postings."""
    scores = termwise_scores(searcher, q, weighting)
    if scores is None:
        return None
    return len(scores), [(scores[d], d) for d in best_documents(scores, scores, keep)]


def best_documents(scores: Mapping[int, float], docnums: Iterable[int], keep: int) -> list[int]:
    """Return the `keep` document numbers of the highest scores, best first, the lower number
    first among equal scores, as Whoosh orders them; every number must have a score."""
    # nlargest keeps the earlier of equal items, and its key is a C method: sorting by a
    # tuple made in a lambda took twice as long for a common word's 4,000 matches.
    return heapq.nlargest(keep, sorted(docnums), key=scores.__getitem__)


def termwise_scores(searcher: Any, q: Any, weighting: CachedBM25F) -> Scores | None:
    """Return the score of every document the query matches, by the searcher's document
    numbers; None where rank_termwise would return None."""
    try:
        if _postings_count(searcher, q) > MAX_TERMWISE_POSTINGS:
            return None
        scores: Scores = {}
        for sub, offset in _leaf_searchers(searcher):
            found = _scores(sub, q, weighting)
            scores.update({offset + d: score for d, score in found.items()} if offset else found)
    except _NotTermwise:
        return None
    return scores


def _leaf_searchers(searcher: Any) -> list[tuple[Any, int]]:
    return searcher.subsearchers if not searcher.is_atomic() else [(searcher, 0)]


def _postings_count(searcher: Any, q: Any) -> int:
    if isinstance(q, query.Term):
        return searcher.doc_frequency(q.fieldname, q.text)
    if q is query.NullQuery:
        return 0
    if isinstance(q, query.And | query.Or | query.AndNot | query.AndMaybe | query.Not):
        return sum(_postings_count(searcher, child) for child in q.children())
    raise _NotTermwise


def _scores(sub: Any, q: Any, weighting: CachedBM25F) -> Scores:
    """Return the scores of the documents that a query matches in one segment."""
    if isinstance(q, query.Term):
        return _term_scores(sub, q, weighting)
    if q is query.NullQuery:
        return {}
    if type(q) in (query.Or, query.And) and len(q.subqueries) == 1:
        # Whoosh matches a compound of one query as that query, leaving out its boost.
        return _scores(sub, q.subqueries[0], weighting)
    if type(q) is query.Or and not q.minmatch and not q.scale:
        if any(isinstance(child, query.Not) for child in q.subqueries):
            raise _NotTermwise
        return _boosted(_summed([_scores(sub, c, weighting) for c in q.subqueries]), q.boost)
    if type(q) is query.And and q.subqueries:
        wanted = [c for c in q.subqueries if not isinstance(c, query.Not)]
        unwanted = [c.query for c in q.subqueries if isinstance(c, query.Not)]
        if not wanted:
            raise _NotTermwise
        parts = sorted((_scores(sub, child, weighting) for child in wanted), key=len)
        excluded = set().union(*(_scores(sub, child, weighting) for child in unwanted))
        first, rest = parts[0], parts[1:]
        # Whoosh matches a NOT inside an AND as every other document, each scoring 1.
        bonus = float(len(unwanted))
        both = {
            docnum: score + sum(part[docnum] for part in rest) + bonus
            for docnum, score in first.items()
            if docnum not in excluded and all(docnum in part for part in rest)
        }
        return _boosted(both, q.boost)
    if type(q) is query.AndNot:
        excluded = _scores(sub, q.b, weighting)
        return {d: s for d, s in _scores(sub, q.a, weighting).items() if d not in excluded}
    if type(q) is query.AndMaybe:
        maybe = _scores(sub, q.b, weighting)
        return {d: s + maybe.get(d, 0.0) for d, s in _scores(sub, q.a, weighting).items()}
    raise _NotTermwise


def _summed(parts: list[Scores]) -> Scores:
    """Return each document's scores added up, in the parts' order, as Whoosh's OR adds them.

    A word's body postings are most of an OR's documents: those are taken as they are, and
    only the documents of the other parts are added up in Python.
    """
    if not parts:
        return {}
    if len(parts) == 2:
        # a + b == b + a in floats: the smaller part is added into the larger.
        small, large = sorted(parts, key=len)
        get = large.get
        large.update({d: score + get(d, 0.0) for d, score in small.items()})
        return large
    largest = max(range(len(parts)), key=lambda i: len(parts[i]))
    # The parts are this query's own: the largest one becomes the sum.
    summed = parts[largest]
    others = [part for i, part in enumerate(parts) if i != largest]
    for docnum in {d for part in others for d in part}:
        # The same order of additions as one pass over the parts, so the same float.
        total = 0.0
        for part in parts:
            score = part.get(docnum)
            if score is not None:
                total += score
        summed[docnum] = total
    return summed


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}


def _term_scores(sub: Any, q: Any, weighting: CachedBM25F) -> Scores:
    schema = sub.schema
    if q.fieldname not in schema:
        return {}
    text = schema[q.fieldname].to_bytes(q.text)
    reader = sub.reader()
    try:
        # One term lookup: asking whether the term is there first was a second one, a tenth
        # of the time of a wildcard's many rare words.
        postings = reader.postings(q.fieldname, text)
    except TermNotFound:
        return {}
    if not schema[q.fieldname].scorable or not sub.is_atomic():
        raise _NotTermwise
    top, parts = weighting.factors(sub, q.fieldname, text)
    top *= q.boost
    scores: Scores = {}
    deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
    # One comprehension a block: a loop of statements took three times as long.
    for ids, weights in _blocks(postings):
        scores.update({d: top * w / (w + parts[d]) for d, w in zip(ids, weights, strict=True)})
    if deleted:
        return {d: score for d, score in scores.items() if d not in deleted}
    return scores


def _blocks(postings: Any) -> Any:
    """Yield (document numbers, weights) of a term's postings, a block at a time.

    Reads the blocks of Whoosh 2.7's W3 leaf matcher and the lists of inlined postings
    directly (Whoosh-Reloaded is pinned); other matchers are read one posting at a time.
    Deleted documents are the caller's.
    """
    if isinstance(postings, FilterMatcher):
        postings = postings.child
    if type(postings) in (W3LeafMatcher, BlockMatcher):
        while postings.is_active():
            postings.id()
            postings.weight()
            yield postings._ids, postings._weights
            postings._next_block()
        return
    if type(postings) is ListMatcher and postings._weights and not postings._all_weights:
        # A term's postings inlined in its entry: all in memory already.
        start = postings._i
        yield postings._ids[start:], postings._weights[start:]
        return
    ids, weights = [], []
    while postings.is_active():
        ids.append(postings.id())
        weights.append(postings.weight())
        postings.next()
    yield ids, weights
