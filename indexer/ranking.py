"""BM25F as Whoosh scores it, with each document's length part computed once per open reader.

Whoosh's BM25F looks each matched document's field length up through five calls (searcher,
reader, per-document reader, column, file) for every term it scores: two thirds of the time
of a query that matches thousands of documents. The length part of BM25,
K1 * ((1 - B) + B * length / average length), depends only on the document, so it is computed
for every document of a segment on the first query and kept while the reader stays open (the
store keeps readers open per generation).
"""

import weakref
from typing import Any

from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

# Length parts by reader, then by (field, B, K1, average length); gone with the reader.
_norms: weakref.WeakKeyDictionary[IndexReader, dict[tuple, list[float]]] = (
    weakref.WeakKeyDictionary()
)


def _length_norms(reader: Any, fieldname: str, B: float, K1: float, avgfl: float) -> list[float]:
    cache = _norms.setdefault(reader, {})
    key = (fieldname, B, K1, avgfl)
    norms = cache.get(key)
    if norms is None:
        by_byte = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
        norms = cache[key] = [by_byte[b] for b in _length_bytes(reader, fieldname)]
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
