"""Suggestions while typing: index words and document titles that start with what was typed.

Walking the index's terms for each keystroke would read thousands of terms for a two-letter
prefix. Instead the words (base forms of title and body, with the number of documents each is
in) and the titles are read once per generation into sorted lists; a prefix is then two
binary searches, and the most frequent of a long range are found in a list ordered by
frequency: well under a millisecond. Reading the lists takes seconds at 100,000 documents, so
a request that finds them missing starts reading them in a thread of their own and gets no
suggestions until they are there.
"""

import bisect
import heapq
import logging
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.common.text import visible
from indexer.store import searchers
from indexer.store.searchers import segments_key

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 10
MIN_PREFIX_CHARS = 2
MAX_PREFIX_CHARS = 100
FIELDS = ("title", "body", "title_sv", "body_sv")
# Ranges of at most this many words are ranked whole; longer ones from the frequency order.
_SCAN_RANGE = 2_000
# Generations whose vocabularies are kept.
_KEPT = 4


@dataclass(frozen=True)
class Suggestion:
    """A word or a title to offer, and in how many documents it is."""

    text: str
    kind: str  # "word" or "title"
    count: int


@dataclass
class _Vocabulary:
    by_word: dict[str, int]
    words: list[str]  # sorted
    counts: list[int]  # documents per word, as words
    by_count: list[int]  # indexes into words, the most frequent first
    titles: list[str]  # lower case, sorted, one entry per distinct title
    shown: list[str]  # the titles as written, as titles
    title_counts: list[int]


_cache: OrderedDict[tuple, _Vocabulary] = OrderedDict()
_lock = threading.Lock()


def suggest(
    index_dir: Path, prefix: str, limit: int = MAX_SUGGESTIONS, *, wait: bool = False
) -> list[Suggestion] | None:
    """Return up to `limit` words and titles of the live index starting with the prefix, the
    most frequent first (a word before a title of as many documents); none for a prefix
    shorter than MIN_PREFIX_CHARS. None while the generation's lists are still being read,
    unless `wait` says to read them now."""
    typed = " ".join(prefix.lower().split())[:MAX_PREFIX_CHARS]
    if len(typed) < MIN_PREFIX_CHARS:
        return []
    with searchers.live_searcher(index_dir) as (_, searcher):
        key = segments_key(searcher)
        vocabulary = _cached(key)
        if vocabulary is None:
            if not wait:
                _start_reading(index_dir, key)
                return None
            vocabulary = _remember(key, _read(searcher.reader()))
    return _matches(vocabulary, typed, limit)


def vocabulary_counts(searcher: Any) -> dict[str, int] | None:
    """Return the documents per index word of the searcher's generation, if already read."""
    vocabulary = _cached(segments_key(searcher))
    return vocabulary.by_word if vocabulary is not None else None


def _matches(vocabulary: "_Vocabulary", typed: str, limit: int) -> list[Suggestion]:
    found = [Suggestion(w, "word", n) for w, n in _top_words(vocabulary, typed, limit)]
    lo = bisect.bisect_left(vocabulary.titles, typed)
    hi = bisect.bisect_left(vocabulary.titles, typed + "\U0010ffff", lo)
    titles = heapq.nsmallest(limit, range(lo, hi), key=lambda i: -vocabulary.title_counts[i])
    words = {s.text for s in found}
    found += [
        Suggestion(vocabulary.shown[i], "title", vocabulary.title_counts[i])
        for i in titles
        if vocabulary.titles[i] not in words
    ]
    found.sort(key=lambda s: (-s.count, s.kind != "word", s.text.lower()))
    return found[:limit]


def _top_words(vocabulary: _Vocabulary, typed: str, limit: int) -> list[tuple[str, int]]:
    words, counts = vocabulary.words, vocabulary.counts
    lo = bisect.bisect_left(words, typed)
    hi = bisect.bisect_left(words, typed + "\U0010ffff", lo)
    if hi - lo <= _SCAN_RANGE:
        best = heapq.nsmallest(limit, range(lo, hi), key=lambda i: (-counts[i], words[i]))
    else:
        # A long range holds a large share of the words: its most frequent come early in
        # the frequency order.
        best = []
        for i in vocabulary.by_count:
            if lo <= i < hi:
                best.append(i)
                if len(best) == limit:
                    break
    return [(words[i], counts[i]) for i in best]


_reading: set[tuple] = set()


def _cached(key: tuple) -> "_Vocabulary | None":
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _remember(key: tuple, vocabulary: "_Vocabulary") -> "_Vocabulary":
    with _lock:
        _cache[key] = vocabulary
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return vocabulary


def _start_reading(index_dir: Path, key: tuple) -> None:
    with _lock:
        if key in _reading:
            return
        _reading.add(key)

    def read() -> None:
        try:
            with searchers.live_searcher(index_dir) as (_, searcher):
                if segments_key(searcher) == key:
                    _remember(key, _read(searcher.reader()))
        except Exception:
            # Suggestions are a convenience: the search itself reports a broken index.
            log.exception("The suggestion lists could not be read")
        finally:
            with _lock:
                _reading.discard(key)

    threading.Thread(target=read, name="sotehaku-suggest", daemon=True).start()


def _read(reader: Any) -> _Vocabulary:
    counts: dict[str, int] = {}
    # Segment by segment: merging the segments' terms (a MultiReader) is five times slower.
    for leaf, _ in reader.leaf_readers():
        in_leaf: dict[str, int] = {}
        for fieldname in FIELDS:
            if fieldname not in leaf.schema:
                continue
            for btext, info in leaf.iter_field(fieldname):
                text = btext.decode("utf-8")
                # "=" marks an exact written form (analysis/analyzers.py); not a word to offer.
                if text[:1].isalpha():
                    in_leaf[text] = max(in_leaf.get(text, 0), info.doc_frequency())
        for text, n in in_leaf.items():
            counts[text] = counts.get(text, 0) + n
    words = sorted(counts)
    word_counts = [counts[w] for w in words]
    by_count = sorted(range(len(words)), key=lambda i: -word_counts[i])
    titles: Counter[str] = Counter()
    written: dict[str, str] = {}
    for _, stored in reader.iter_docs():
        # A zero-width character would make a title that looks like another differ from it.
        title = " ".join(visible(str(stored.get("title") or "")).split())
        if title:
            lower = title.lower()
            titles[lower] += 1
            written.setdefault(lower, title)
    ordered = sorted(titles)
    return _Vocabulary(
        by_word=counts,
        words=words,
        counts=word_counts,
        by_count=by_count,
        titles=ordered,
        shown=[written[t] for t in ordered],
        title_counts=[titles[t] for t in ordered],
    )
