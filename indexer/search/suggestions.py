"""Suggestions while typing: index words and document titles that start with what was typed.

Walking the index's terms for each keystroke would read thousands of terms for a two-letter
prefix. Instead the words (base forms of title and body, with the number of documents each is
in) and the titles are read once per generation into sorted lists; a prefix is then two
binary searches, and the most frequent of a long range are found in a list ordered by
frequency: well under a millisecond. Reading the lists takes seconds at 100,000 documents, so
it starts in a thread of its own as soon as a process opens a generation (or a new commit of
one); a request that comes before it is done gets the lists of the commit before, or, right
after a start, no suggestions and `None`, which says to ask again.

Words are offered as written (written.py: "sote-keskus", not the term "sotekeskus"), without
function words, and for the last word of several ("talousarvio tul" offers "talousarvio
tulot"); titles match the whole text typed.
"""

import bisect
import heapq
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.analysis.analyzers import morphology_of
from indexer.common.text import visible
from indexer.search.written import is_function_word, written_form
from indexer.store import searchers
from indexer.store.generations import IndexMissing
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
# Lexicon words this long or shorter are acronyms, after which a compound takes a hyphen.
_ACRONYM_CHARS = 5
# Characters of the query language that may come before the word being typed.
_OPENERS = '"('


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
    acronyms: frozenset[str]
    # Written forms of the words suggested so far (most never are).
    written: dict[str, str]

    def written_form(self, word: str) -> str:
        found = self.written.get(word)
        if found is None:
            found = self.written[word] = written_form(word, self.by_word, self.acronyms)
        return found


_cache: OrderedDict[tuple, _Vocabulary] = OrderedDict()
# The newest lists read of each index folder, offered while a newer commit's are read.
_newest: dict[Path, _Vocabulary] = {}
_lock = threading.Lock()


def suggest(
    index_dir: Path, prefix: str, limit: int = MAX_SUGGESTIONS, *, wait: bool = False
) -> list[Suggestion] | None:
    """Return up to `limit` words and titles of the live index starting with the prefix, the
    most frequent first (a word before a title of as many documents); none for a prefix
    shorter than MIN_PREFIX_CHARS. None while the generation's lists are still being read,
    unless `wait` says to read them now."""
    typed = " ".join(prefix.split())[:MAX_PREFIX_CHARS]
    if len(typed) < MIN_PREFIX_CHARS:
        return []
    with searchers.live_searcher(index_dir) as (_, searcher):
        key = segments_key(searcher)
        vocabulary = _cached(key)
        if vocabulary is None:
            if not wait:
                with _lock:
                    reading = key in _reading
                    vocabulary = _newest.get(index_dir.resolve())
                if not reading:
                    warm(index_dir)
                if vocabulary is None:
                    return None
            else:
                vocabulary = _read_once(index_dir, searcher)
    return _matches(vocabulary, typed, limit)


def warm(index_dir: Path) -> None:
    """Start reading the live generation's lists in a thread of their own, unless they are
    read or being read; a missing index is left alone."""
    threading.Thread(
        target=_read_live, args=(index_dir,), name="sotehaku-suggest", daemon=True
    ).start()


def examples(index_dir: Path, count: int = 3) -> list[str]:
    """Return `count` frequent words of the live index, as written, to offer as example
    queries: the most frequent that are not function words, of five letters or more, and in
    at most half of the documents (a word in every one finds nothing in particular); none
    until the lists are read; an index that is missing has none."""
    try:
        with searchers.live_searcher(index_dir) as (_, searcher):
            vocabulary = _cached(segments_key(searcher))
            documents = searcher.doc_count()
    except IndexMissing:
        return []
    if vocabulary is None:
        with _lock:
            vocabulary = _newest.get(index_dir.resolve())
    if vocabulary is None:
        return []
    return frequent_words(vocabulary, documents, count)


def frequent_words(vocabulary: "_Vocabulary", documents: int, count: int) -> list[str]:
    """Return `count` example words of lists read (examples()), of an index of so many
    documents."""
    found: list[str] = []
    for i in vocabulary.by_count:
        word, n = vocabulary.words[i], vocabulary.counts[i]
        wanted = 2 * n <= documents and len(word) >= 5 and word.isalpha()
        if wanted and not is_function_word(word):
            found.append(vocabulary.written_form(word))
            if len(found) == count:
                break
    return found


def vocabulary(searcher: Any, frequencies: Iterable[Mapping[bytes, int]]) -> "_Vocabulary":
    """Read a searcher's titles and the words of `frequencies` (each field's documents per
    term): the lists of a cluster's shard, its own titles and the whole corpus's words."""
    return _read(searcher, frequencies)


def matches(vocabulary: "_Vocabulary", prefix: str, limit: int) -> list[Suggestion]:
    """Return up to `limit` words and titles of lists read that start with a prefix, as
    suggest() does."""
    typed = " ".join(prefix.split())[:MAX_PREFIX_CHARS]
    if len(typed) < MIN_PREFIX_CHARS:
        return []
    return _matches(vocabulary, typed, limit)


def vocabulary_counts(searcher: Any) -> dict[str, int] | None:
    """Return the documents per index word of the searcher's generation, if already read."""
    # A cluster shard's searcher carries the whole corpus's (cluster/replicas.py), so that
    # did-you-mean finds a word that only other shards hold.
    corpus = getattr(searcher, "word_counts", None)
    if corpus is not None:
        return corpus
    vocabulary = _cached(segments_key(searcher))
    return vocabulary.by_word if vocabulary is not None else None


def _matches(vocabulary: "_Vocabulary", typed: str, limit: int) -> list[Suggestion]:
    word = typed.rpartition(" ")[2].lstrip(_OPENERS)
    before = typed[: len(typed) - len(word)]
    found = [
        Suggestion(before + vocabulary.written_form(w), "word", n)
        # Terms have no hyphens: "kunta-a" looks for "kuntaa", and finds "kunta-alue".
        for w, n in _top_words(vocabulary, word.lower().replace("-", ""), limit)
    ]
    lower = typed.lower()
    lo = bisect.bisect_left(vocabulary.titles, lower)
    hi = bisect.bisect_left(vocabulary.titles, lower + "\U0010ffff", lo)
    titles = heapq.nsmallest(limit, range(lo, hi), key=lambda i: -vocabulary.title_counts[i])
    words = {s.text.lower() for s in found}
    found += [
        Suggestion(vocabulary.shown[i], "title", vocabulary.title_counts[i])
        for i in titles
        if vocabulary.titles[i] not in words
    ]
    found.sort(key=lambda s: (-s.count, s.kind != "word", s.text.lower()))
    return found[:limit]


def _top_words(vocabulary: _Vocabulary, typed: str, limit: int) -> list[tuple[str, int]]:
    if len(typed) < MIN_PREFIX_CHARS:
        return []
    words, counts = vocabulary.words, vocabulary.counts
    lo = bisect.bisect_left(words, typed)
    hi = bisect.bisect_left(words, typed + "\U0010ffff", lo)
    if hi - lo <= _SCAN_RANGE:
        wanted = (i for i in range(lo, hi) if not is_function_word(words[i]))
        best = heapq.nsmallest(limit, wanted, key=lambda i: (-counts[i], words[i]))
    else:
        # A long range holds a large share of the words: its most frequent come early in
        # the frequency order.
        best = []
        for i in vocabulary.by_count:
            if lo <= i < hi and not is_function_word(words[i]):
                best.append(i)
                if len(best) == limit:
                    break
    return [(words[i], counts[i]) for i in best]


# Lists being read, by segments key: set when done.
_reading: dict[tuple, threading.Event] = {}


def _cached(key: tuple) -> "_Vocabulary | None":
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _remember(index_dir: Path, key: tuple, vocabulary: "_Vocabulary") -> "_Vocabulary":
    with _lock:
        _cache[key] = vocabulary
        _newest[index_dir.resolve()] = vocabulary
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return vocabulary


def _read_live(index_dir: Path) -> None:
    try:
        # A searcher of its own, not one of the requests' pool: reading takes a second or
        # more, and a borrowed one would make the pool open another for the next request.
        with searchers.live_searcher(index_dir, fresh=True) as (_, searcher):
            _read_once(index_dir, searcher)
    except IndexMissing:
        return
    except Exception:
        # Suggestions are a convenience: the search itself reports a broken index.
        log.exception("The suggestion lists could not be read")


def _read_once(index_dir: Path, searcher: Any) -> "_Vocabulary":
    """Return the searcher's lists, read here unless they are read or being read."""
    key = segments_key(searcher)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
        done = _reading.get(key)
        if done is None:
            done = _reading[key] = threading.Event()
            mine = True
        else:
            mine = False
    if not mine:
        done.wait()
        # None when the other reader failed: then this one tries.
        return _cached(key) or _remember(index_dir, key, _read(searcher))
    try:
        return _remember(index_dir, key, _read(searcher))
    finally:
        with _lock:
            del _reading[key]
        done.set()


# Each process reads the lists as soon as it opens a generation, before anyone types.
searchers.when_opened(warm)


def _read(searcher: Any, frequencies: Iterable[Mapping[bytes, int]] | None = None) -> _Vocabulary:
    """Read a searcher's lists: its titles, and its words with their documents in the field
    that has them most, from `frequencies` (each field's documents per term; a cluster's
    shard gives the whole corpus's) or from its own index."""
    reader = searcher.reader()
    if frequencies is None:
        frequencies = [_field_frequencies(reader, f) for f in FIELDS if f in reader.schema]
    counts = word_counts(frequencies)
    words = sorted(counts)
    by_word = [counts[w] for w in words]
    by_count = sorted(range(len(words)), key=lambda i: -by_word[i])
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
        counts=by_word,
        by_count=by_count,
        titles=ordered,
        shown=[written[t] for t in ordered],
        title_counts=[titles[t] for t in ordered],
        acronyms=_acronyms(searcher.schema),
        written={},
    )


def _field_frequencies(reader: Any, fieldname: str) -> dict[bytes, int]:
    # Segment by segment: merging the segments' terms (a MultiReader) is five times slower.
    found: dict[bytes, int] = {}
    get = found.get
    for leaf, _ in reader.leaf_readers():
        if fieldname in leaf.schema:
            for btext, info in leaf.iter_field(fieldname):
                found[btext] = get(btext, 0) + info.doc_frequency()
    return found


def word_counts(frequencies: Iterable[Mapping[bytes, int]]) -> dict[str, int]:
    """Return each word's documents in the field that has it in most, from each field's
    documents per term: the same whether the index is one segment, several or a cluster's
    shards (summed per field first; a word of a title is in its body too, mostly)."""
    counts: dict[str, int] = {}
    get = counts.get
    for terms in frequencies:
        for btext, n in terms.items():
            text = btext.decode("utf-8")
            # "=" marks an exact written form (analysis/analyzers.py); not a word to offer.
            if text[:1].isalpha() and n > get(text, 0):
                counts[text] = n
    return counts


def _acronyms(schema: Any) -> frozenset[str]:
    morphology = morphology_of(schema["body"].analyzer) if "body" in schema else None
    if morphology is None:
        return frozenset()
    return frozenset(w for w in morphology.lexicon_words if len(w) <= _ACRONYM_CHARS)
