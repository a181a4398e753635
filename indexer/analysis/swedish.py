"""Swedish words into index terms: simplemma's dictionary, compound parts, Snowball Swedish.

simplemma (MIT) ships its Swedish dictionary of about 960,000 word forms in its wheel; a form
it knows gives that base form. Its dictionary makes participles forms of their verbs
("nämnd" -> nämna, "kommande" -> komma), which in minutes are words of their own (a board,
the coming year): those keep their own base form. A word the dictionary does not know is a
compound whose head it knows ("äldreomsorgsplanen" -> äldreomsorgsplan), or else has its
Snowball Swedish stem (PyStemmer).

A compound's parts are indexed below the whole word, as Finnish ones are: the split is at
the last place where both sides are known words of at least MIN_PART letters, the modifier
optionally with the linking -s- ("välfärdsområde" -> välfärd, område), and each side is split
again ("äldreomsorgsplan" -> äldreomsorg, plan, äldre, omsorg).
"""

import threading
from collections.abc import Iterable, Mapping

import Stemmer
from whoosh.analysis import Analyzer
from whoosh.lang.stopwords import stoplists

from indexer.analysis.lemmas import LemmaFilter
from indexer.analysis.wordcache import WordCache
from indexer.analysis.words import CaseEndingFilter, FinnishTokenizer
from indexer.common.persisted import persisted

Analysis = tuple[tuple[str, ...], tuple[str, ...]]

# Shorter pieces split too many plain words ("för|slag", "kom|mun").
MIN_PART = 4
# Snowball's Swedish stop words (as Whoosh ships them): left out of a query's any-word
# fallback, where "och" or "för" would match every Swedish document.
STOP_WORDS = frozenset(stoplists["sv"])

_dictionary: Mapping[str, str] | None = None
_loading = threading.Lock()
_stemmers = threading.local()


def dictionary() -> Mapping[str, str]:
    """Return simplemma's Swedish form -> base form dictionary, loaded on first use (0.8 s)."""
    global _dictionary
    if _dictionary is None:
        with _loading:
            if _dictionary is None:
                from simplemma.strategies.dictionaries import DefaultDictionaryFactory

                _dictionary = DefaultDictionaryFactory().get_dictionary("sv")
    return _dictionary


def _stem(word: str) -> str:
    # One stemmer per thread: a native stemmer is not thread-safe.
    if not hasattr(_stemmers, "stemmer"):
        _stemmers.stemmer = Stemmer.Stemmer("swedish")
    return _stemmers.stemmer.stemWord(word)


def is_swedish_word(word: str) -> bool:
    """Say whether simplemma's Swedish dictionary knows the lowercase word."""
    return word in dictionary()


def is_known(word: str) -> bool:
    """Say whether the dictionary gives a written word's base form, as a word or as the head
    of a compound, rather than Snowball's stem.

    >>> is_known("välfärdsnämndens"), is_known("hyvinvointialueen")
    (True, False)
    """
    lower = word.lower().split(":")[0].rsplit("-", 1)[-1]
    return lower in dictionary() or _split(lower) is not None


@persisted
class SwedishMorphology:
    """Analyse a written Swedish word into its base forms and compound parts.

    Terms are lowercase and without hyphens. Nothing is pickled but the class: the dictionary
    and the cache are looked up again after unpickling.

    >>> SwedishMorphology().analyze("välfärdsområdet")
    (('välfärdsområde',), ('välfärd', 'område'))
    """

    def __init__(self) -> None:
        self._setup()

    def _setup(self) -> None:
        self.cache: WordCache[Analysis] = WordCache(("sv",))

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._setup()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def analyze(self, word: str) -> Analysis:
        """Return (base forms, compound parts) of a written word, as index terms."""
        return self.cache.get(word, _analyze)

    def lemmas(self, word: str) -> tuple[str, ...]:
        """Return the base forms of a written word, as index terms."""
        return self.analyze(word)[0]


def _analyze(word: str) -> Analysis:
    lower = word.lower().strip("-")
    if any(c.isdigit() for c in lower):
        return (lower,), ()
    if "-" in lower:
        *modifiers, head = lower.split("-")
        whole = "".join(modifiers) + base_form(head)
        parts = [*modifiers, base_form(head)]
        parts += [p for piece in parts for p in compound_parts(piece)]
        return (whole,), _unique(p for p in parts if p and p != whole)
    lemmas = base_forms(lower)
    return lemmas, _unique(p for lemma in lemmas for p in compound_parts(lemma) if p not in lemmas)


def base_forms(word: str) -> tuple[str, ...]:
    """Return the base forms of a lowercase word: its base form, and the verb of a word that
    the dictionary gives only as a participle or an adjective ("fattade" -> fattad, fatta;
    "gälla" -> gäll, gälla).

    >>> base_forms("fattade"), base_forms("gälla"), base_forms("budgeten")
    (('fattad', 'fatta'), ('gäll', 'gälla'), ('budget',))
    """
    lemma = base_form(word)
    words = dictionary()
    verb = lemma[:-1] if lemma.endswith("ad") else lemma[:-1] + "a"
    if word.endswith("de") and lemma == word[:-1] and verb in words:
        return lemma, verb
    if word.endswith("a") and lemma == word[:-1]:
        return lemma, word
    return (lemma,)


def base_form(word: str) -> str:
    """Return the base form of a lowercase word.

    >>> [base_form(w) for w in ("budgeten", "nämnden", "kommande", "utförda", "planerna")]
    ['budget', 'nämnd', 'kommande', 'utförd', 'plan']
    """
    words = dictionary()
    lemma = words.get(word)
    if lemma is not None:
        return _participle(word, lemma.lower(), words)
    split = _split(word)
    if split is not None:
        modifier, head = split
        return word[: len(word) - len(head)] + base_form(head)
    return _stem(word)


def _participle(word: str, lemma: str, words: Mapping[str, str]) -> str:
    """Keep a participle that the dictionary makes a form of its verb as a word of its own."""
    if lemma == word or not lemma.endswith("a"):
        return lemma
    # "plan" -> plana, "test" -> testa: the noun is the word itself; "gör" -> göra is a
    # verb's present tense.
    if lemma == word + "a" and not word.endswith("r"):
        return word
    if word.endswith(("ande", "ende")):
        return word
    if word.endswith("d") and not word.endswith("ad"):
        return word
    # "utförda", "uppnådda": the plural of the participle "utförd".
    if word.endswith("da") and words.get(word[:-1]) == lemma and not word.endswith("ada"):
        return word[:-1]
    # "nämnden", "nämnder": a noun in -d that the dictionary gives to a verb in -a.
    for ending in ("en", "er", "erna", "ens", "ernas"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and stem.endswith("d") and words.get(stem) == lemma:
            return stem
    return lemma


def _split(word: str) -> tuple[str, str] | None:
    """Return (modifier, head) of a compound, the modifier without a linking -s-, or None.

    >>> _split("äldreomsorgsplan"), _split("kommun")
    (('äldreomsorg', 'plan'), None)
    """
    words = dictionary()
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[cut:]
        if head not in words:
            continue
        modifier = word[:cut]
        # The linking -s- first: "äldreomsorgs" is also a form, the genitive.
        if modifier.endswith("s") and len(modifier) > MIN_PART and modifier[:-1] in words:
            return modifier[:-1], head
        if modifier in words:
            return modifier, head
    return None


def compound_parts(lemma: str) -> tuple[str, ...]:
    """Return the parts of a compound base form: modifier and head, then their own parts.

    >>> compound_parts("äldreomsorgsplan")
    ('äldreomsorg', 'plan', 'äldre', 'omsorg')
    """
    split = _split(lemma)
    if split is None:
        return ()
    modifier, head = split
    return _unique((modifier, head, *compound_parts(modifier), *compound_parts(head)))


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))


def swedish_analyzer() -> Analyzer:
    """Return the analyzer of Swedish titles and bodies: the Finnish analyzer's tokenizer and
    case endings ("THL:s" -> THL), and SwedishMorphology's base forms, forms and parts."""
    return FinnishTokenizer() | CaseEndingFilter() | LemmaFilter(SwedishMorphology())
