"""Did you mean: a corrected query from the index's own vocabulary.

A word of the query that is rare in the index ("rahoitusmali", in no document or one) is
replaced by a close word that is common: one within one or two edits of it among the index's
base forms, or one of Voikko's spelling suggestions whose analysis is in the index. The
candidates are tried by document frequency, and a correction is offered only when the
corrected query itself finds documents, and many more than the query as typed.
"""

import re
from collections.abc import Callable
from typing import Any

from indexer.morphology import spelling_suggestions

# Words in more documents than this are taken to be spelt as meant.
RARE_DF = 3
# A correction must find this many times the documents the query finds (or any, for none).
MORE_HITS = 5
# Edits allowed: one for short words, two from this length on.
TWO_EDITS_FROM = 7
# Candidates tried for a word, the most frequent first.
MAX_CANDIDATES = 4
# Queries this long are not corrected: each word would add candidate searches.
MAX_WORDS = 6
FIELDS = ("body", "title")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# A word as the query parser sees it; one followed by a wildcard or a boost is left alone.
_WORD = re.compile(r"(?<![\w*?^-])[^\W\d_][\w-]*(?![\w*?^:])")


def suggestion(searcher: Any, text: str, total: int, count: Callable[[str], int]) -> str | None:
    """Return a corrected query that finds many more documents than `total`, or None.

    `count` runs a query with the search's filters and returns how many documents it finds.
    """
    words = [m for m in _WORD.finditer(text) if m.group() not in OPERATORS]
    if not words or len(words) > MAX_WORDS:
        return None
    analyzer = searcher.schema["body"].analyzer
    corrected = text
    changed = False
    # From the end, so that the spans of the words before stay right.
    for match in reversed(words):
        word = match.group()
        if _frequency(searcher, analyzer, word) > RARE_DF:
            continue
        for candidate in _candidates(searcher, analyzer, word):
            trial = corrected[: match.start()] + candidate + corrected[match.end() :]
            if count(trial) >= max(1, MORE_HITS * total):
                corrected, changed = trial, True
                break
    if not changed or count(corrected) < max(1, MORE_HITS * total):
        return None
    return corrected


def _frequency(searcher: Any, analyzer: Any, word: str) -> int:
    """Return the most documents any analysis of the word is in, in any field."""
    best = 0
    for token in analyzer(word, mode="query"):
        for fieldname in FIELDS:
            best = max(best, searcher.doc_frequency(fieldname, token.text))
    return best


def _candidates(searcher: Any, analyzer: Any, word: str) -> list[str]:
    """Return close words that are in the index, the most frequent first."""
    lower = word.lower()
    reader = searcher.reader()
    found: dict[str, int] = {}
    edits = 2 if len(lower) >= TWO_EDITS_FROM else 1
    # The first letter is taken as typed: people rarely get it wrong, and it keeps the walk
    # of the vocabulary to one letter's words.
    for term in reader.terms_within("body", lower, edits, prefix=1):
        if term != lower and not term.startswith("=") and _WORD.fullmatch(term):
            found[term] = reader.doc_frequency("body", term)
    for suggested in spelling_suggestions(word):
        suggested = suggested.lower()
        if suggested == lower or not _WORD.fullmatch(suggested):
            continue
        df = _frequency(searcher, analyzer, suggested)
        if df:
            found[suggested] = max(found.get(suggested, 0), df)
    ranked = [term for term, _ in sorted(found.items(), key=lambda item: (-item[1], item[0]))]
    # Where some candidates are common, the rare ones are likely misspellings themselves.
    common = [term for term in ranked if found[term] > RARE_DF]
    return (common or ranked)[:MAX_CANDIDATES]
