"""Facets and date order: each document's year, source, format and language ("fi" or "sv",
detected when it was indexed), and a decision document's decision maker, organisation and
kind, read from columns.

A document's source is the first folder of its id below the seeds folder
("etela-pohjanmaa/2021/poytakirja.txt" -> "etela-pohjanmaa"; a file directly in the seeds
folder has none) and its format is its file suffix in lower case ("PDF" -> "pdf"). The
decision facets are those of documents.decisions ("Tarkastuslautakunta", "Lapuan kaupunki",
"pöytäkirja"); other documents have none.

Counting facets by loading each hit's stored fields would unpickle every matched document: a
second at 100,000 matches. Instead each segment's columns (date, source, format) are read once,
into one Python list per facet over the searcher's document numbers, and kept for every later
query of that segment (a segment's documents never change; only their deletions do, and those
are left out by the query that found the documents). Counting is then a Counter over list
lookups, a few milliseconds at 100,000 matches.
"""

import heapq
import sys
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from whoosh.columns import NumericColumn, RefBytesColumn

from indexer.search.filters import FACETS, Filters
from indexer.search.ranking import best_documents
from indexer.store.searchers import segments_key
from indexer.store.units import boilerplate_flags, section_flags

# The facets read from a column of strings of the same name.
_STRING_FACETS = FACETS[1:]
_DECISION_FACETS = FACETS[4:]
# A facet lists at most this many values, the most common; the year facet lists every year.
MAX_FACET_VALUES = 30
# An undated document's day: after every dated one when sorting oldest first.
_UNDATED = 0


@dataclass
class Columns:
    """Each document's facet values, indexed by the searcher's document numbers."""

    day: list[int]  # date.toordinal(), _UNDATED for none
    year: list[str]  # "" for undated
    source: list[str] | None  # None: the index was built before sources were recorded
    format: list[str] | None
    language: list[str] | None  # None: built before languages were recorded
    decision_maker: list[str] | None  # None: built before decisions were recognised
    organisation: list[str] | None
    kind: list[str] | None
    # Each unit's file id (store/units.py), None in an index from before sections were
    # units; whether it is a section's unit.
    file: list[str] | None = None
    section: list[bool] = field(default_factory=list)
    # The key of a decision in either language (documents/same_decision.py), "" for other
    # units; None in an index from before it was recorded.
    pair: list[str] | None = None
    # Whether it is a formal section's unit or a sectioned file's own (store/units.py).
    boilerplate: list[bool] = field(default_factory=list)
    # Document numbers that are not deleted, for browsing without a query.
    live: list[int] = field(default_factory=list)
    # Each document's values of FACETS as a number into `combos`: the facets of a result
    # are counted in one pass over its documents instead of one pass per facet.
    combo: list[int] = field(default_factory=list)
    combos: list[tuple[str | None, ...]] = field(default_factory=list)

    def values(self, facet: str) -> list[str] | None:
        return getattr(self, facet)


# Segments' columns by (segment folder, segment id), the most recently used last.
_SEGMENTS_KEPT = 64
_segments: OrderedDict[tuple, Columns] = OrderedDict()
# Whole searchers' columns by their segments and deletions: a few generations.
_SEARCHERS_KEPT = 8
_searchers: OrderedDict[tuple, Columns] = OrderedDict()
_lock = threading.Lock()


def columns(searcher: Any) -> Columns:
    """Return the facet columns of every document the searcher sees, cached per segment."""
    leaves = searcher.subsearchers if not searcher.is_atomic() else [(searcher, 0)]
    readers = [sub.reader() for sub, _ in leaves]
    key = segments_key(searcher)
    with _lock:
        found = _searchers.get(key)
        if found is not None:
            _searchers.move_to_end(key)
            return found
    parts = [_segment_columns(r) for r in readers]
    whole = Columns(
        day=[d for p in parts for d in p.day],
        year=[y for p in parts for y in p.year],
        **{f: _joined([p.values(f) for p in parts]) for f in _STRING_FACETS},
        file=_joined([p.file for p in parts]),
        pair=_joined([p.pair for p in parts]),
        section=[flag for p in parts for flag in p.section],
        boilerplate=[flag for p in parts for flag in p.boilerplate],
    )
    for reader, (_, offset) in zip(readers, leaves, strict=True):
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        whole.live.extend(offset + d for d in range(reader.doc_count_all()) if d not in deleted)
    numbers: dict[tuple[str | None, ...], int] = {}
    none = [None] * len(whole.year)
    whole.combo = [
        numbers.setdefault(values, len(numbers))
        for values in zip(*(whole.values(f) or none for f in FACETS), strict=True)
    ]
    whole.combos = list(numbers)
    with _lock:
        _searchers[key] = whole
        while len(_searchers) > _SEARCHERS_KEPT:
            _searchers.popitem(last=False)
    return whole


def _joined(lists: list[list[str] | None]) -> list[str] | None:
    if any(values is None for values in lists):
        return None
    return [v for values in lists for v in values]  # type: ignore[union-attr]


def _segment_columns(reader: Any) -> Columns:
    key = (reader._storage.folder, reader._segment.segment_id())
    with _lock:
        found = _segments.get(key)
        if found is not None:
            _segments.move_to_end(key)
            return found
    count = reader.doc_count_all()
    day, year = _days(reader, count)
    found = Columns(
        day=day,
        year=year,
        **{f: _strings(reader, f, count) for f in _STRING_FACETS},
        file=_strings(reader, "file", count),
        pair=_strings(reader, "pair", count),
        section=section_flags(reader),
        boilerplate=boilerplate_flags(reader),
    )
    with _lock:
        _segments[key] = found
        while len(_segments) > _SEGMENTS_KEPT:
            _segments.popitem(last=False)
    return found


# Read a whole column's stored numbers at once: Whoosh's column readers read each document's
# value with a call of their own, 1.5 s for the three columns of 100,000 documents, which the
# first faceted search after a switch waited for.
_MICROSECONDS_A_DAY = 86_400_000_000
_LAST_DAY = date.max.toordinal()


def _days(reader: Any, count: int) -> tuple[list[int], list[str]]:
    """Return each document's day (an ordinal, _UNDATED for none) and year ("" for none)."""
    day = [_UNDATED] * count
    year = [""] * count
    if not reader.has_column("date"):
        return day, year
    # Raw longs: converting each one through the field would make a datetime per document.
    raw = reader.column_reader("date", translate=False)
    missing = raw.default_value() if hasattr(raw, "default_value") else None
    values = _numbers(raw)
    if values is None:
        values = list(raw)
    years: dict[int, str] = {}
    for docnum, value in enumerate(values):
        if value and value != missing:
            # Whoosh stores a datetime as microseconds since datetime.min, day 1.
            ordinal = value // _MICROSECONDS_A_DAY + 1
            if 1 <= ordinal <= _LAST_DAY:
                day[docnum] = ordinal
                found = years.get(ordinal)
                if found is None:
                    found = years[ordinal] = str(date.fromordinal(ordinal).year)
                year[docnum] = found
    return day, year


def _numbers(raw: Any) -> array | None:
    """Return a numeric column's values read in one piece (Whoosh 2.7's NumericColumn, big-
    endian, documents past the last value take the default), or None for another reader."""
    if type(raw) is not NumericColumn.Reader:
        return None
    values = array(raw._typecode)
    values.frombytes(raw._dbfile.get(raw._basepos, raw._count * raw._fixedlen))
    if sys.byteorder == "little":
        values.byteswap()
    values.extend([raw._default] * (raw._doccount - raw._count))
    return values


def _strings(reader: Any, fieldname: str, count: int) -> list[str] | None:
    if fieldname not in reader.schema:
        return None
    if not reader.has_column(fieldname):
        return [""] * count
    raw = reader.column_reader(fieldname, translate=False)
    if type(raw) is RefBytesColumn.Reader:
        # One str object per distinct value, each document's reference read in one piece.
        uniques = [value.decode("utf-8") for value in raw._uniques]
        refs = array(raw._typecode)
        refs.frombytes(raw._dbfile.get(raw._basepos, raw._doccount * raw._itemsize))
        if sys.byteorder == "little":
            refs.byteswap()
        return [uniques[ref] for ref in refs]
    # Few distinct values: share one str object for each.
    known: dict[bytes, str] = {}
    values = []
    for value in raw:
        text = known.get(value)
        if text is None:
            text = known[value] = value.decode("utf-8")
        values.append(text)
    return values


def available(cols: Columns) -> tuple[str, ...]:
    """Return the facets this index can count (old indexes lack source, format, language); the
    decision facets only where some document has them, as an archive of news has none."""
    return tuple(
        f
        for n, f in enumerate(FACETS)
        if cols.values(f) is not None
        and (f not in _DECISION_FACETS or any(values[n] for values in cols.combos))
    )


def narrow(
    cols: Columns, docnums: Iterable[int], filters: Filters, *, except_facet: str = ""
) -> list[int]:
    """Return the document numbers that pass the filters, leaving out one facet's if asked;
    a filter on a facet the index lacks lets nothing through."""
    docs = docnums if isinstance(docnums, list) else list(docnums)
    low = filters.date_from.toordinal() if filters.date_from else None
    high = filters.date_to.toordinal() if filters.date_to else None
    if low is not None or high is not None:
        day = cols.day
        low, high = low or 1, high or date.max.toordinal()
        docs = [d for d in docs if low <= day[d] <= high]
    for facet in FACETS:
        wanted = filters.selected(facet)
        if not wanted or facet == except_facet:
            continue
        values = cols.values(facet)
        if values is None:
            return []
        docs = [d for d in docs if values[d] in wanted]
    return docs


def count(
    cols: Columns,
    docnums: list[int],
    filters: Filters,
    max_values: int | None = MAX_FACET_VALUES,
) -> dict[str, list[dict[str, Any]]]:
    """Return each facet's values and counts over the documents that pass the filters.

    A facet's own filter is left out of its counts, so that its other values show how many
    documents choosing them too would add: each count is what choosing just that value (with
    the other facets' choices) finds. max_values=None lists every value (a shard's counts).
    """
    tallies = _unfiltered_tallies(cols, narrow(cols, docnums, filters), filters)
    result: dict[str, Counter[str]] = {}
    for facet in available(cols):
        tally = tallies.get(facet)
        if tally is None:
            counted = narrow(cols, docnums, filters, except_facet=facet)
            values = cols.values(facet)
            tally = Counter(map(values.__getitem__, counted))  # type: ignore[union-attr]
        result[facet] = tally
    return listed(result, filters, max_values)


def listed(
    tallies: Mapping[str, Counter[str]], filters: Filters, max_values: int | None
) -> dict[str, list[dict[str, Any]]]:
    """Return facet tallies as listed: years newest first, other values the most common first
    (at most max_values of them), each chosen value kept at 0 so that it can be unchosen."""
    result: dict[str, list[dict[str, Any]]] = {}
    for facet, tally in tallies.items():
        tally.pop("", None)
        if facet == "year":
            ordered = sorted(tally.items(), reverse=True)
        else:
            ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
            ordered = ordered[:max_values]
        for value in sorted(filters.selected(facet) - set(tally)):
            ordered.append((value, 0))
        result[facet] = [{"value": value, "count": n} for value, n in ordered]
    return result


def _unfiltered_tallies(
    cols: Columns, passed: list[int], filters: Filters
) -> dict[str, Counter[str]]:
    """Return the value counts, over the documents that passed, of the facets with nothing
    chosen (those count the same documents), from one pass over the documents."""
    facets = [f for f in available(cols) if not filters.selected(f)]
    tallies: dict[str, Counter[str]] = {f: Counter() for f in facets}
    places = [(tallies[f], FACETS.index(f)) for f in facets]
    combos = cols.combos
    for number, n in Counter(map(cols.combo.__getitem__, passed)).items():
        values = combos[number]
        for tally, place in places:
            tally[values[place]] += n  # type: ignore[index]
    return tallies


def top(
    cols: Columns, docnums: list[int], scores: Mapping[int, float], sort: str, keep: int
) -> list[tuple[float, int]]:
    """Return the first `keep` (score, document number) in the sort order; undated documents
    come last in either date order, and equal dates go by score."""
    if sort == "relevance":
        # Browsing has no scores: the index's order.
        best = best_documents(scores, docnums, keep) if scores else heapq.nsmallest(keep, docnums)
    else:
        day = cols.day
        sign = -1 if sort == "newest" else 1

        def key(d: int) -> tuple[int, int, float, int]:
            undated = day[d] == _UNDATED
            return (undated, sign * day[d], -scores.get(d, 0.0), d)

        best = heapq.nsmallest(keep, docnums, key=key)
    return [(scores.get(d, 0.0), d) for d in best]
