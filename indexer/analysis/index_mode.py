"""The Finnish and the Swedish analyzer's index mode in one loop, for the postings of a field.

Indexing runs a text through the analyzer's chain of generators (indexer.analysis): the
tokenizer, the case-ending, lemma and lexicon filters, then Whoosh's grouping of the tokens by
term. That is a generator step and a token update per filter per token, for every word of
every document, though all but the lexicon's multi-word expansions depend on the written word
alone. Here each written word's tokens are worked out once and kept, and a text is one loop
over its words. The postings are exactly those of the chain (tests/test_index_analysis.py
compares them), so an index is the same whichever way it was written.

The Swedish analyzer is the same chain over SwedishMorphology without the lexicon filter
(analysis.swedish): its words' tokens are kept the same way, and no expansion is looked for.
"""

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from whoosh.analysis import CompositeAnalyzer

from indexer.analysis.lemmas import PART_BOOST, LemmaFilter
from indexer.analysis.lexicon import SYNONYM_BOOST, LexiconFilter
from indexer.analysis.words import (
    TOKEN_PATTERN,
    CaseEndingFilter,
    FinnishTokenizer,
    without_case_ending,
)

# A written word's analysis: its (term, boost) tokens in the chain's order; its base forms,
# as the lexicon filter collects them; whether the lexicon expands any of them; whether the
# word ends in an elision hyphen, which its characters leave out.
_Word = tuple[tuple[tuple[str, float], ...], frozenset[str], bool, bool]
# (term, frequency, weight, encoded value), as a Whoosh format's word_values yields them
# (codec.postings.WordValue).
WordValue = tuple[str, int, float, bytes]

_CHAIN = (FinnishTokenizer, CaseEndingFilter, LemmaFilter, LexiconFilter)
_SWEDISH_CHAIN = _CHAIN[:3]
# Written words kept per analyzer; past this many, start over. Fewer than the morphology
# keeps (wordcache.LIMIT): this one saves little on a word that comes back rarely, and an
# all-rows build's worker held 220 MB more with 500,000.
LIMIT = 100_000
_NO_TERMS: frozenset[str] = frozenset()


class IndexAnalysis:
    """The index-mode tokens of a Finnish analyzer (analysis.finnish_analyzer), or of the
    Swedish one (no lexicon)."""

    def __init__(self, lemmas: LemmaFilter, lexicon: LexiconFilter | None) -> None:
        self._alternatives = lemmas.filters["index"].alternatives
        self._lexicon = lexicon
        self._words: dict[str, _Word] = {}

    def _word(self, written: str) -> _Word:
        alternatives, parts = self._alternatives(without_case_ending(written))
        # The chain multiplies each weight by the token's boost, which is 1.0.
        tokens = tuple((term, weight) for term, weight, _ in alternatives)
        tokens += tuple((term, PART_BOOST) for term in parts)
        # Built as the lexicon filter builds it, so that it is iterated in the same order.
        lemmas: set[str] = set()
        for term, _, kind in alternatives:
            if kind == "lemma":
                lemmas.add(term)
        direct = frozenset(lemmas)
        lexicon = self._lexicon
        expands = lexicon is not None and any(lexicon.expands(term) for term in direct)
        if not expands and (
            lexicon is None or not any(lexicon.in_long_form(term) for term in direct)
        ):
            # Base forms that no expansion reads, as far as expansions can tell: most words.
            # One set shared by them all saves a set per word kept.
            direct = _NO_TERMS
        if len(self._words) >= LIMIT:
            self._words.clear()
        word = self._words[written] = (tokens, direct, expands, written.endswith("-"))
        return word

    def tokens(self, text: str, chars: bool = True) -> Iterator[tuple[str, float, int, int, int]]:
        """Yield (term, boost, position, start, end) of each token the chain yields for the
        text in index mode, in the same order; start and end are 0 without chars, as the
        chain's are when it is not asked for characters."""
        if self._lexicon is None:
            yield from self._plain_tokens(text, chars)
            return
        lexicon = self._lexicon.compiled()
        words = self._words
        recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=lexicon.longest)
        start = end = 0
        for pos, match in enumerate(TOKEN_PATTERN.finditer(text)):
            written = match.group()
            tokens, direct, expands, elided = words.get(written) or self._word(written)
            if chars:
                start, end = match.span()
                end -= elided
            for term, boost in tokens:
                yield term, boost, pos, start, end
            # The lexicon filter sees a word only through its tokens.
            if tokens:
                recent.append((start, direct))
                if expands:
                    for term, first, last in lexicon.expansions(direct, start, end, recent):
                        yield term, SYNONYM_BOOST, pos, first, last

    def _plain_tokens(self, text: str, chars: bool) -> Iterator[tuple[str, float, int, int, int]]:
        """tokens() of an analyzer without a lexicon: each word's own tokens alone."""
        words = self._words
        start = end = 0
        for pos, match in enumerate(TOKEN_PATTERN.finditer(text)):
            written = match.group()
            tokens, _, _, elided = words.get(written) or self._word(written)
            if chars:
                start, end = match.span()
                end -= elided
            for term, boost in tokens:
                yield term, boost, pos, start, end

    def word_values(
        self, text: str, field_boost: float, encode: Callable[[list[Any]], bytes], chars: bool
    ) -> Iterator[WordValue]:
        """Yield what Whoosh's Characters.word_values yields for the text with chars, and
        what Positions.word_values yields without; encode is the format's."""
        seen: dict[str, list[Any]] = {}
        weights: dict[str, float] = {}
        for term, boost, pos, start, end in self.tokens(text, chars):
            posting = (pos, start, end) if chars else pos
            found = seen.get(term)
            if found is None:
                seen[term] = [posting]
                weights[term] = boost
            else:
                found.append(posting)
                weights[term] += boost
        for term, found in seen.items():
            yield term, len(found), weights[term] * field_boost, encode(found)


def index_analysis(analyzer: Any) -> IndexAnalysis | None:
    """Return the one-loop index analysis of a Finnish or a Swedish analyzer; None for any
    other."""
    items = getattr(analyzer, "items", None)
    if not isinstance(analyzer, CompositeAnalyzer) or not (
        _is_chain(items, _CHAIN) or _is_chain(items, _SWEDISH_CHAIN)
    ):
        return None
    lexicon = items[3] if len(items) == len(_CHAIN) else None
    # Kept on the last filter: its pickled state, in the schema, leaves it out.
    last = items[-1]
    found = last.__dict__.get("_index_analysis")
    if found is None:
        found = last._index_analysis = IndexAnalysis(items[2], lexicon)
    return found


def _is_chain(items: Any, kinds: tuple[type, ...]) -> bool:
    return len(items) == len(kinds) and all(
        type(item) is kind for item, kind in zip(items, kinds, strict=True)
    )
