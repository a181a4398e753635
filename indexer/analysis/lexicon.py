"""The domain lexicon: acronyms and short forms that match their long forms both ways."""

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from whoosh.analysis import Filter, Token

from indexer.analysis.morphology import Morphology
from indexer.analysis.words import TOKEN_PATTERN, CaseEndingFilter, FinnishTokenizer
from indexer.common.persisted import persisted

LEXICON_PATH = Path(__file__).with_name("lexicon.tsv")

# Boost of a lexicon expansion: below a direct match and below a compound part, so a document
# that says "STM" ranks above one that only says "sosiaali- ja terveysministeriö" for "STM".
SYNONYM_BOOST = 0.3

# Words of a long form that say nothing on their own; a short form does not expand to them.
_FUNCTION_WORDS = frozenset({"ja", "sekä", "tai", "eli"})

# "(VATE)", "(STM)": at least two capitals; the long form is written just before it.
_PARENTHESIZED_ACRONYM = re.compile(r"\(\s*([A-ZÅÄÖ][A-ZÅÄÖ0-9-]*[A-ZÅÄÖ][A-ZÅÄÖ0-9]*)\s*\)")
_CLAUSE_END = re.compile(r"[.,;:!?()\[\]\n]")


def load_lexicon(path: Path = LEXICON_PATH) -> list[tuple[str, str]]:
    """Read (short form, long form) pairs from a lexicon file.

    One pair a line: short form, a tab, the long form in base form ("stm<TAB>sosiaali- ja
    terveysministeriö"). A short form may have several lines. Blank lines and lines starting
    with "#" are ignored.
    """
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        short, sep, long = line.partition("\t")
        if not sep or not short.strip() or not long.strip():
            raise ValueError(f"{path}:{number}: expected 'short form<TAB>long form': {line!r}")
        pairs.append((short.strip(), long.strip()))
    return pairs


def mine_abbreviations(text: str) -> dict[str, str]:
    """Find acronyms defined in a text as "long form (ACRONYM)".

    The long form is returned as written (inflected): the lexicon matches it by base forms. It
    is the words before the parenthesis in the same clause, at most one per letter of the
    acronym (besides "ja" and the like), from the farthest word with the acronym's first letter.

    >>> mine_abbreviations("haluaa kartoittaa väliaikaisen valmistelutoimielimen (VATE) tilannetta")
    {'VATE': 'väliaikaisen valmistelutoimielimen'}
    >>> mine_abbreviations("Sosiaali- ja terveysministeriö (STM) haluaa")
    {'STM': 'Sosiaali- ja terveysministeriö'}
    """
    found: dict[str, str] = {}
    for match in _PARENTHESIZED_ACRONYM.finditer(text):
        acronym = match.group(1)
        clause = _CLAUSE_END.split(text[max(0, match.start() - 300) : match.start()])[-1]
        words = _last_words(TOKEN_PATTERN.findall(clause), len(acronym))
        initial = acronym[0].lower()
        start = next(
            (
                i
                for i, word in enumerate(words)
                if word[0].lower() == initial and word.lower() not in _FUNCTION_WORDS
            ),
            None,
        )
        if start is not None:
            found.setdefault(acronym, " ".join(words[start:]))
    return found


# An acronym's long forms as the documents define them, each with how many documents do.
Definitions = dict[str, dict[str, int]]


def count_definitions(into: Definitions, found: Mapping[str, str]) -> None:
    """Count one document's definitions (mine_abbreviations) into `into`."""
    for acronym, long in found.items():
        forms = into.setdefault(acronym, {})
        forms[long] = forms.get(long, 0) + 1


def add_definitions(into: Definitions, other: Definitions) -> None:
    """Add another part's counts (a share's, a shard's) to `into`."""
    for acronym, forms in other.items():
        mine = into.setdefault(acronym, {})
        for long, n in forms.items():
            mine[long] = mine.get(long, 0) + n


def chosen_abbreviations(definitions: Definitions) -> dict[str, str]:
    """Return each acronym's long form: the one most documents give, of equal ones the first
    in sorted order.

    The choice depends only on the counts, never on which part of the build saw a document
    first: a build split into two worker shares and one split into four shards on a cluster
    learn the same pairs, so they analyse every word the same way (the last definition read
    won before, and a cluster's scores differed from one index's by up to 9e-5).

    >>> chosen_abbreviations({"THL": {"Terveyden ja hyvinvoinninlaitos": 1,
    ...                               "Terveyden ja hyvinvoinnin laitos": 9}})
    {'THL': 'Terveyden ja hyvinvoinnin laitos'}
    """
    return {
        acronym: min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
        for acronym, forms in sorted(definitions.items())
    }


def _last_words(words: list[str], count: int) -> list[str]:
    """Return the last words that hold count words besides function words ("ja")."""
    start = len(words)
    while start > 0 and count > 0:
        start -= 1
        count -= words[start].lower() not in _FUNCTION_WORDS
    return words[start:]


def short_forms(pairs: Iterable[tuple[str, str]]) -> set[str]:
    """Return the one-word short forms of lexicon pairs, lowercase: the lexicon's own words."""
    return {short.lower() for short, _ in pairs if TOKEN_PATTERN.fullmatch(short)}


@persisted
class LexiconFilter(Filter):
    """When indexing, add a short form's long form at the word, and the short form at the end
    of its long form, with SYNONYM_BOOST and kind "synonym". Queries are left as they are:
    the index holds both directions.

    >>> from indexer.analysis.lemmas import LemmaFilter
    >>> m = Morphology(use_voikko=True, lexicon_words={"vate"})
    >>> chain = FinnishTokenizer() | CaseEndingFilter() | LemmaFilter(m)
    >>> f = LexiconFilter([("VATE", "väliaikainen valmistelutoimielin")], m)
    >>> [(t.text, t.pos) for t in f(chain("VATEn", mode="index"))]
    [('vate', 0), ('väliaikainen', 0), ('valmistelutoimielin', 0)]
    >>> [(t.text, t.pos) for t in f(chain("väliaikaisen valmistelutoimielimen", mode="index"))][-1]
    ('vate', 1)
    """

    def __init__(self, pairs: Iterable[tuple[str, str]], morphology: Morphology) -> None:
        self.pairs = tuple(pairs)
        self.morphology = morphology
        self._compiled = False

    def __getstate__(self) -> dict:
        return {"pairs": self.pairs, "morphology": self.morphology}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        # Compiled on first use: analysing the long forms needs Voikko, and an index must open
        # (and then fail with a clear message) where Voikko is missing.
        self._compiled = False

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def _terms(self, text: str) -> list[frozenset[str]]:
        chain = FinnishTokenizer() | CaseEndingFilter()
        return [frozenset(self.morphology.analyze(t.text)[0]) for t in chain(text)]

    def _compile(self) -> None:
        # Short term -> terms of its long forms; last word's term -> (short term, long form).
        self._expansions: dict[str, dict[str, None]] = {}
        self._endings: dict[str, list[tuple[str, list[frozenset[str]]]]] = {}
        self._longest = 1
        for short, long in self.pairs:
            short_terms = self.morphology.analyze(short)[0]
            long_terms = self._terms(long)
            if not long_terms:
                continue
            self._longest = max(self._longest, len(long_terms))
            for term in short_terms:
                # An ordered set (dict keys): the same text always gives the same tokens.
                words = self._expansions.setdefault(term, {})
                words.update(dict.fromkeys(t for terms in long_terms for t in sorted(terms)))
                for word in _FUNCTION_WORDS:
                    words.pop(word, None)
                for last in long_terms[-1]:
                    self._endings.setdefault(last, []).append((term, long_terms))
        # Every term some word of a long form has.
        self._long_form_terms = frozenset(
            t
            for endings in self._endings.values()
            for _, long in endings
            for ts in long
            for t in ts
        )
        self._compiled = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        self.compiled()
        # Each word's expansions come after all its alternatives, so keep what they need of the
        # word (the token object itself is reused for the next word).
        recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=self._longest)
        pos = start = end = None
        direct: set[str] = set()
        for t in tokens:
            if t.mode == "query":
                yield t
                continue
            if t.pos != pos:
                if pos is not None:
                    yield from self._expand(t, pos, start, end, frozenset(direct), recent)
                pos, start, end = t.pos, getattr(t, "startchar", 0), getattr(t, "endchar", 0)
                direct = set()
            if t.kind == "lemma":
                direct.add(t.text)
            yield t
        if pos is not None:
            yield from self._expand(t, pos, start, end, frozenset(direct), recent)

    def _expand(
        self,
        template: Token,
        pos: int,
        start: int,
        end: int,
        direct: frozenset[str],
        recent: deque[tuple[int, frozenset[str]]],
    ) -> Iterator[Token]:
        """Yield the lexicon expansions of the word at pos: new tokens made from template."""
        recent.append((start, direct))
        for text, first, last in self.expansions(direct, start, end, recent):
            yield _synonym(template, text, pos, first, last)

    def compiled(self) -> "LexiconFilter":
        """Return the filter with its tables of expansions made."""
        if not self._compiled:
            self._compile()
        return self

    @property
    def longest(self) -> int:
        """The most words a long form has."""
        return self._longest

    def expands(self, term: str) -> bool:
        """Tell whether a base form has expansions, alone or as the end of a long form."""
        return term in self._expansions or term in self._endings

    def in_long_form(self, term: str) -> bool:
        """Tell whether a base form is among those of a long form's words."""
        return term in self._long_form_terms

    def expansions(
        self,
        direct: frozenset[str],
        start: int,
        end: int,
        recent: deque[tuple[int, frozenset[str]]],
    ) -> Iterator[tuple[str, int, int]]:
        """Yield (term, start, end) of each expansion of a word with the base forms direct
        and characters start to end; recent holds (start, base forms) of the words up to it,
        itself included."""
        added = set(direct)
        for term in direct:
            for word in self._expansions.get(term, ()):
                if word not in added:
                    added.add(word)
                    yield word, start, end
            for short, long_terms in self._endings.get(term, ()):
                n = len(long_terms)
                if short in added or n > len(recent):
                    continue
                window = list(recent)[-n:]
                pairs = zip(window, long_terms, strict=True)
                if all(terms & wanted for (_, terms), wanted in pairs):
                    added.add(short)
                    yield short, window[0][0], end


def _synonym(template: Token, text: str, pos: int, startchar: int, endchar: int) -> Token:
    alt = template.copy()
    alt.text, alt.boost, alt.kind = text, SYNONYM_BOOST, "synonym"
    alt.pos, alt.startchar, alt.endchar = pos, startchar, endchar
    return alt
