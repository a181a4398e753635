"""Did you mean: a corrected query from the index's own vocabulary.

A word of the query that is rare in the index ("rahoitusmali", in no document or one) is
replaced by a close word that is common: one within one or two edits of it among the index's
base forms, or one of Voikko's spelling suggestions whose analysis is in the index. The
candidates are tried by document frequency, and a correction is offered only when the
corrected query itself finds documents, and many more than the query as typed.

A word is corrected in Swedish, from the Swedish fields' base forms, when the rest of the
query does not read as Finnish and the Finnish correction found nothing (or first, when the
query reads as Swedish): the Swedish analysis's stem of the word ("välfärdsnämdens" ->
välfärdsnämd) is looked for within one or two edits among them (välfärdsnämnd), and the word
keeps its ending (välfärdsnämndens). A Finnish query is not corrected into Swedish: its
candidates are those of the Finnish fields.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from indexer.analysis.languages import query_language
from indexer.analysis.voikko import is_spelt_right, spelling_suggestions
from indexer.search.suggestions import vocabulary_counts
from indexer.store.schema import SWEDISH_FIELDS, holds_swedish
from indexer.store.searchers import segments_key

# Words in more documents than this are taken to be spelt as meant.
RARE_DF = 3
# A correction must find this many times the documents the query finds (or any, for none).
MORE_HITS = 5
# Edits allowed; index words two edits away are looked for in words of this length on.
MAX_EDITS = 2
TWO_EDITS_FROM = 7
# Candidates tried for a word, the most frequent first.
MAX_CANDIDATES = 4
# Queries this long are not corrected: each word would add candidate searches.
MAX_WORDS = 6
# Words longer than this are not corrected: the longest Finnish compounds people type are
# about 30 letters, and a word's one-edit variants grow with its length squared (about 30,000
# look-ups for 500 letters, and an edit distance against it takes Whoosh up to half a second).
MAX_WORD_CHARS = 30
# Index words tried as close to a word at most (its one-edit variants looked up, the words of
# the vocabulary walked within two edits).
MAX_LOOKUPS = 2500
# Looking for a correction stops after this long (checked between candidates and every
# _CHECK_EVERY look-ups while gathering them), so that a query of rare words costs at most
# about this much more than one without a suggestion.
BUDGET_SECONDS = 0.1
_CHECK_EVERY = 64
FIELDS = ("body", "title")
SWEDISH = (SWEDISH_FIELDS["body"], SWEDISH_FIELDS["title"])
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# A word as the query parser sees it; one followed by a wildcard or a boost is left alone.
_WORD = re.compile(r"(?<![\w*?^-])[^\W\d_][\w-]*(?![\w*?^:])")


# Corrections already worked out, by generation, query, filters and total: a misspelling is
# often typed again, and each costs up to BUDGET_SECONDS.
_KEPT = 2048
_known: OrderedDict[tuple, str | None] = OrderedDict()
_lock = threading.Lock()


def suggestion(
    searcher: Any,
    text: str,
    total: int,
    count: Callable[[str], int],
    context: Hashable = None,
) -> str | None:
    """Return a corrected query that finds many more documents than `total`, or None.

    `count` runs a query with the search's filters and returns how many documents it finds;
    `context` stands for those filters in the cache of corrections.
    """
    key = (segments_key(searcher), text, total, context)
    with _lock:
        if key in _known:
            _known.move_to_end(key)
            return _known[key]
    found = _correct(searcher, text, total, count)
    with _lock:
        _known[key] = found
        while len(_known) > _KEPT:
            _known.popitem(last=False)
    return found


def _correct(searcher: Any, text: str, total: int, count: Callable[[str], int]) -> str | None:
    words = [m for m in _WORD.finditer(text) if m.group() not in OPERATORS]
    if not words or len(words) > MAX_WORDS:
        return None
    deadline = time.perf_counter() + BUDGET_SECONDS
    analyzer = searcher.schema["body"].analyzer
    # A Finnish archive's words are not looked for in Swedish: no load of its dictionary.
    holds = holds_swedish(searcher.reader())
    swedish = searcher.schema[SWEDISH[0]].analyzer if holds else None
    corrected = text
    changed = False
    # From the end, so that the spans of the words before stay right.
    for match in reversed(words):
        word = match.group()
        if time.perf_counter() > deadline:
            break
        if len(word) > MAX_WORD_CHARS or _frequency(searcher, analyzer, word) > RARE_DF:
            continue
        if swedish is not None and _frequency(searcher, swedish, word, SWEDISH) > RARE_DF:
            continue
        rest = text[: match.start()] + text[match.end() :]
        candidates = _in_order(searcher, analyzer, swedish, word, rest, deadline)
        for candidate in candidates:
            if time.perf_counter() > deadline:
                break
            trial = corrected[: match.start()] + candidate + corrected[match.end() :]
            if count(trial) >= max(1, MORE_HITS * total):
                corrected, changed = trial, True
                break
    if not changed or count(corrected) < max(1, MORE_HITS * total):
        return None
    return corrected


def _in_order(
    searcher: Any, analyzer: Any, swedish: Any, word: str, rest: str, deadline: float
) -> Iterator[str]:
    """Yield a word's candidates, each language's worked out only when the ones before have
    not done: the Swedish first when the rest of the query reads as Swedish, after the
    Finnish for a word alone, none when the rest reads as Finnish."""
    if swedish is None:
        yield from _candidates(searcher, analyzer, word, deadline)
        return
    alone = not rest.strip()
    in_swedish = not alone and query_language(rest) == "sv"
    if in_swedish:
        yield from _swedish_candidates(searcher, swedish, word, deadline)
    yield from _candidates(searcher, analyzer, word, deadline)
    if alone:
        yield from _swedish_candidates(searcher, swedish, word, deadline)


def _frequency(searcher: Any, analyzer: Any, word: str, fields: tuple[str, ...] = FIELDS) -> int:
    """Return the most documents any analysis of the word is in, in any of the fields."""
    best = 0
    for token in analyzer(word, mode="query"):
        for fieldname in fields:
            best = max(best, searcher.doc_frequency(fieldname, token.text))
    return best


def _swedish_candidates(searcher: Any, analyzer: Any, word: str, deadline: float) -> list[str]:
    """Return close words from the Swedish fields' base forms, the fewest edits and then the
    most frequent first: the word's Swedish stem corrected, with the word's ending."""
    lower = word.lower()
    stems = [t.text for t in analyzer(word, mode="query")]
    if not stems or not _WORD.fullmatch(stems[0]):
        return []
    stem = stems[0]
    reader = searcher.reader()
    found: dict[str, tuple[int, int]] = {}
    near = list(_one_edit(stem))
    if len(stem) >= TWO_EDITS_FROM:
        near += reader.terms_within(SWEDISH[0], stem, 2, prefix=3)
    for looked, term in enumerate(near[:MAX_LOOKUPS]):
        if looked % _CHECK_EVERY == 0 and time.perf_counter() > deadline:
            break
        df = reader.doc_frequency(SWEDISH[0], term)
        if df and term != stem:
            found[term] = min(found.get(term, (MAX_EDITS + 1, 0)), (distance(stem, term), -df))
    ranked = sorted(found, key=lambda term: (*found[term], term))[:MAX_CANDIDATES]
    # The ending typed after the stem ("ens" of "välfärdsnämdens") kept, when the word with it
    # is still that base form's.
    ending = lower[len(stem) :] if lower.startswith(stem) else ""
    written = []
    for term in ranked:
        form = term + ending
        first = next(iter(analyzer(form, mode="query")), None)
        written.append(form if first is not None and first.text == term else term)
    return written


def _candidates(searcher: Any, analyzer: Any, word: str, deadline: float) -> list[str]:
    """Return close words that are in the index, the fewest edits and then the most
    frequent first; those found by `deadline` (a time.perf_counter()), at most MAX_LOOKUPS
    looked at."""
    lower = word.lower()
    reader = searcher.reader()
    found: dict[str, tuple[int, int]] = {}
    looked = 0

    def in_time() -> bool:
        nonlocal looked
        looked += 1
        if looked > MAX_LOOKUPS:
            return False
        return looked % _CHECK_EVERY != 0 or time.perf_counter() <= deadline

    def consider(term: str, df: int) -> None:
        if df and term != lower and _WORD.fullmatch(term):
            edits = distance(lower, term)
            if edits <= MAX_EDITS:
                found[term] = min(found.get(term, (edits, -df)), (edits, -df))

    # Every word one edit away, looked up: a few hundred look-ups (in the suggestion lists
    # when they are read), where walking the index's vocabulary within one edit reads a large
    # share of it.
    known = vocabulary_counts(searcher)
    # The lists hold the Swedish fields' words too: a Finnish word is corrected into a word of
    # the Finnish fields only.
    bilingual = known is not None and holds_swedish(reader)
    for term in _one_edit(lower):
        if not in_time():
            break
        df = known.get(term, 0) if known is not None else reader.doc_frequency("body", term)
        if df and bilingual and not any(reader.doc_frequency(f, term) for f in FIELDS):
            df = 0
        consider(term, df)
    right = is_spelt_right(word)
    if not right:
        for suggested in spelling_suggestions(word):
            consider(suggested.lower(), _frequency(searcher, analyzer, suggested))
    if not found and not right and len(lower) >= TWO_EDITS_FROM:
        # Two edits of a long word Voikko does not know (a name, a term of the field): the
        # first three letters as typed keep the walk of the vocabulary short.
        for term in reader.terms_within("body", lower, 2, prefix=3):
            if not in_time():
                break
            consider(term, reader.doc_frequency("body", term))
    ranked = sorted(found, key=lambda term: (*found[term], term))
    # Where some candidates are common, the rare ones are likely misspellings themselves.
    common = [term for term in ranked if -found[term][1] > RARE_DF]
    return (common or ranked)[:MAX_CANDIDATES]


_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö-"


def _one_edit(word: str) -> set[str]:
    """Return the strings one deletion, swap, replacement or insertion from a word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


def distance(a: str, b: str) -> int:
    """Return the edits (deletions, insertions, replacements, swaps of neighbours) from a to b.

    >>> distance("rahoitusmali", "rahoitusmalli"), distance("kunnat", "knunat")
    (1, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
