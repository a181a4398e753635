"""The Whoosh filter that replaces each word by its base forms, written form and parts."""

from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING

from whoosh.analysis import Filter, MultiFilter, Token

from indexer.common.persisted import persisted

if TYPE_CHECKING:
    from indexer.analysis.morphology import Morphology

# Boost of a compound part against the whole word: a document that has "malli" itself should rank
# above one that only has "rahoitusmalli" for the query "malli".
PART_BOOST = 0.5

# The written form is indexed too, marked so it never equals a base form; an exact match of the
# form ranks a document up without changing what matches.
FORM_MARK = "="
FORM_BOOST = 0.5
# Only short words get their form indexed: they are the frequent words whose forms say most
# ("on" is not "olla" in use), and every indexed form costs a posting, which is what makes
# indexing slow.
FORM_MAX_LENGTH = 7


class _Alternatives(Filter):
    """What the index and the query filters share: a word's base forms and written form."""

    def __init__(self, morphology: "Morphology") -> None:
        self.morphology = morphology

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.morphology == other.morphology

    def alternatives(self, word: str) -> tuple[list[tuple[str, float, str]], tuple[str, ...]]:
        """Return (term, weight, kind) of each base form and of the marked written form, and
        the compound parts."""
        direct, parts = self.morphology.analyze(word)
        form = word.lower()
        found = [(term, 1.0, "lemma") for term in direct]
        if len(form) <= FORM_MAX_LENGTH and form not in direct:
            found.append((FORM_MARK + form, FORM_BOOST, "form"))
        return found, parts


class IndexLemmaFilter(_Alternatives):
    """Index a word's base forms, its written form and its compound parts.

    It reuses the incoming token for speed, as Whoosh does.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            alternatives, parts = self.alternatives(t.text)
            boost = t.boost
            for term, weight, kind in alternatives:
                t.text, t.boost, t.kind = term, boost * weight, kind
                yield t
            for term in parts:
                t.text, t.boost, t.kind = term, boost * PART_BOOST, "part"
                yield t


class QueryLemmaFilter(_Alternatives):
    """Query a word's base forms, sharing its boost, and its written form; not its parts, so
    the query "rahoitusmalli" does not match every "malli".

    The tokens are new, so the caller may keep them in a list.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            alternatives, _ = self.alternatives(t.text)
            lemmas = sum(1 for _, _, kind in alternatives if kind == "lemma")
            for term, weight, kind in alternatives:
                alt = t.copy()
                alt.text, alt.kind = term, kind
                alt.boost = t.boost * weight / lemmas if kind == "lemma" else weight
                yield alt


@persisted
class LemmaFilter(MultiFilter):
    """Replace each word by its base forms and its written form, plus its compound parts when
    indexing: IndexLemmaFilter when indexing, QueryLemmaFilter for a query.

    Alternatives of one word share its position and characters:

    - kind "lemma": the base forms (or stem), boost 1.0. In a query an ambiguous word's base
      forms share that boost (1/k each), so a document is not rewarded for matching several
      readings of one word ("elämästä": elämä, elää).
    - kind "form": the written form, lowercase, marked with a leading "=" so it never equals a
      base form, boost FORM_BOOST: the exact form ranks above other forms of the word. Only for
      words of at most FORM_MAX_LENGTH letters, and not where the form is a base form already.
    - kind "part": compound parts, boost PART_BOOST, only when indexing.

    >>> from indexer.analysis.morphology import Morphology
    >>> from indexer.analysis.words import FinnishTokenizer
    >>> f = LemmaFilter(Morphology(use_voikko=True))
    >>> [(t.text, t.boost) for t in f(FinnishTokenizer()("rahoitusmallin", mode="index"))]
    [('rahoitusmalli', 1.0), ('rahoitus', 0.5), ('malli', 0.5)]
    >>> [(t.text, t.boost) for t in f(FinnishTokenizer()("mallin", mode="query"))]
    [('malli', 1.0), ('=mallin', 0.5)]
    """

    is_morph = True

    def __init__(self, morphology: "Morphology") -> None:
        self.morphology = morphology
        super().__init__(index=IndexLemmaFilter(morphology), query=QueryLemmaFilter(morphology))
        # Any other mode (Whoosh has none today) is analysed as text to index.
        self.default_filter = self.filters["index"]

    # The state is the morphology alone, as it was before the two filters: an index pickles
    # its schema, and old and new indexes hold the same.
    def __getstate__(self) -> dict:
        return {"morphology": self.morphology}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["morphology"])

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        # Whoosh's MultiFilter takes the first token with next(), which fails on an empty text.
        first = next(tokens, None)
        if first is None:
            return iter(())
        return self.filters.get(first.mode, self.default_filter)(chain([first], tokens))
