"""Base forms and compound parts of Finnish words: Voikko, with a Snowball stem fallback."""

import functools
import re
import threading
from collections.abc import Iterable, Iterator

import Stemmer
from whoosh.analysis import Filter, Token

# Boost of a compound part against the whole word: a document that has "malli" itself should rank
# above one that only has "rahoitusmalli" for the query "malli".
PART_BOOST = 0.5

# The written form is indexed too, marked so it never equals a base form; an exact match of the
# form ranks a document up without changing what matches.
FORM_MARK = "="
FORM_BOOST = 0.5

# A word form cache grows with the vocabulary of the documents; past this size start over rather
# than hold every form of a large corpus in memory.
_CACHE_LIMIT = 500_000


class AnalysisUnavailable(Exception):
    """The analysis an index was built with cannot run here (Voikko is missing)."""


@functools.cache
def voikko_available() -> bool:
    """Tell whether libvoikko imports and its Finnish dictionary loads."""
    try:
        import libvoikko

        libvoikko.Voikko("fi").terminate()
    except (ImportError, OSError):
        return False
    return True


def _split_structure(word: str, structure: str) -> list[str]:
    """Split a word at the part boundaries of its Voikko STRUCTURE.

    '=' starts a part and '-' stands for a hyphen between parts:
    ("sote-uudistus", "=qqqq-=ppppppppp") gives ["sote", "uudistus"].
    """
    parts: list[str] = []
    chars = iter(word)
    for code in structure:
        if code == "=":
            parts.append("")
        elif code == "-":
            next(chars, "")
            parts.append("")
        else:
            parts[-1] += next(chars, "")
    return [part for part in parts if part]


class Morphology:
    """Analyse a written word into its base forms (direct terms) and compound parts.

    Terms are lowercase and without hyphens, so "sote-uudistus", "soteuudistus" and
    "Sote-uudistukseen" share the term "soteuudistus". Words Voikko does not know fall back to
    the Snowball stem, or to a lexicon word they are a form of ("Soiten" -> "soite"), or to a
    lexicon prefix plus a known word ("soteuudistuksen" -> "sote" + "uudistus"). The native
    handles are per thread (Voikko is not thread-safe) and rebuilt after unpickling.
    """

    def __init__(self, *, use_voikko: bool, lexicon_words: Iterable[str] = ()) -> None:
        self.use_voikko = use_voikko
        self.lexicon_words = frozenset(lexicon_words)
        self._setup()

    def _setup(self) -> None:
        self._local = threading.local()
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        stemmer = Stemmer.Stemmer("finnish")
        self._by_stem = {stemmer.stemWord(w): w for w in self.lexicon_words}
        # Longest first, so the most specific prefix wins.
        self._prefixes = sorted((w for w in self.lexicon_words if len(w) >= 4), key=len)[::-1]

    def __getstate__(self) -> dict:
        return {"use_voikko": self.use_voikko, "lexicon_words": self.lexicon_words}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def _stemmer(self) -> Stemmer.Stemmer:
        local = self._local
        if not hasattr(local, "stemmer"):
            local.stemmer = Stemmer.Stemmer("finnish")
        return local.stemmer

    def _voikko(self):
        local = self._local
        if not hasattr(local, "voikko"):
            if not voikko_available():
                raise AnalysisUnavailable(
                    "This index was built with Voikko analysis, but libvoikko or its Finnish "
                    "dictionary (Debian: libvoikko1 voikko-fi) is not installed here. Install "
                    "them, or rebuild the index here (it then uses Snowball): "
                    "python -m indexer build"
                )
            import libvoikko

            local.voikko = libvoikko.Voikko("fi")
        return local.voikko

    def analyze(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (base forms, compound parts) of a written word, as index terms.

        >>> Morphology(use_voikko=True).analyze("rahoitusmalliin")
        (('rahoitusmalli',), ('rahoitus', 'malli'))
        """
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            cached = self._cache[word] = self._analyze(word)
        return cached

    def _analyze(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        lower = word.lower()
        if any(c.isdigit() for c in word):
            return (lower.strip("-"),), ()
        if self.use_voikko:
            baseforms = self._baseforms(word)
            if baseforms:
                direct = _unique(b.lower().replace("-", "") for b in baseforms)
                parts = _unique(p for b in baseforms for p in self._compound_parts(b))
                return direct, tuple(p for p in parts if p not in direct)
        stem = lower.strip("-")
        if stem in self.lexicon_words:
            return (stem,), ()
        if "-" in stem:
            return self._hyphenated(stem.split("-"))
        prefix = next((p for p in self._prefixes if stem.startswith(p)), None)
        rest = stem[len(prefix) :] if prefix else ""
        if len(rest) >= 3 and (not self.use_voikko or self._baseforms(rest)):
            return self._hyphenated([prefix, rest])
        stem = self._stemmer().stemWord(stem)
        return (self._by_stem.get(stem, stem),), ()

    def _hyphenated(self, pieces: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Analyse a compound Voikko does not know from its pieces, the last one inflected."""
        *modifiers, head = pieces
        head_terms = self.analyze(head)[0]
        direct = tuple("".join(modifiers) + h for h in head_terms)
        parts = _unique(t for piece in pieces for t in self.analyze(piece)[0])
        return direct, tuple(p for p in parts if p not in direct)

    def _baseforms(self, word: str) -> list[str]:
        """Return the base forms of a word's most plausible Voikko analyses.

        Analyses with more compound parts than the simplest one are dropped: they are Voikko
        over-splitting ("ministeriöiden" as ministeri + yö). A participle also gives its verb,
        the lemma the word has in running text ("tehtyä" -> tehty, tehdä), except the -va/-vä
        and -tava/-tävä participles and -maton, which are mostly adjectives of their own like
        the -minen noun ("tekemisen" -> tekeminen; not the agent participle "tekemä" then).
        """
        voikko = self._voikko()
        analyses = voikko.analyze(word[:-1]) if word.endswith("-") else voikko.analyze(word)
        if not analyses and word.endswith("-"):
            # Prefixes Voikko only knows with the hyphen ("sosiaali-") keep their written form.
            analyses = voikko.analyze(word)
        if not analyses:
            return []
        fewest = min(a["STRUCTURE"].count("=") for a in analyses)
        minen = any(a.get("MOOD") == "MINEN-infinitive" for a in analyses)
        baseforms = []
        for a in analyses:
            if a["STRUCTURE"].count("=") > fewest or (minen and a.get("PARTICIPLE") == "agent"):
                continue
            if a.get("MOOD") == "MINEN-infinitive":
                baseforms.extend(_minen_noun(a.get("FSTOUTPUT", "")) or [a["BASEFORM"]])
                continue
            baseforms.append(a["BASEFORM"])
            if a.get("PARTICIPLE") not in (None, "negation", "present_active", "present_passive"):
                baseforms.extend(_participle_verb(a.get("FSTOUTPUT", "")))
        return baseforms

    def _compound_parts(self, baseform: str) -> tuple[str, ...]:
        """Return the parts of a compound base form: each part and each run of adjacent parts.

        The boundaries come from the STRUCTURE of the base form, not of the inflected word, so
        the head part is a base form too; modifiers are lemmatized as words
        ("valinnanvapaus" -> valinta, vapaus). Derivations inside a part (WORDBASES) are not
        split, so the verb "rahoittaa" does not match "rahoitusmalli".
        """
        structure = next(
            (
                a["STRUCTURE"]
                for a in self._voikko().analyze(baseform)
                if a["BASEFORM"].lower() == baseform.lower()
            ),
            None,
        )
        if structure is None:
            return ()
        pieces = [p.lower() for p in _split_structure(baseform, structure)]
        if len(pieces) < 2:
            return ()
        terms = []
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                if end - start == len(pieces):
                    continue
                run = "".join(pieces[start:end])
                # A run that ends at the head is a base form already; a modifier is often
                # inflected ("valinnan"), but one that is a base form stays as it is, so "toimi"
                # does not also become the verb "toimia".
                baseforms = [] if end == len(pieces) else self._baseforms(run)
                if not baseforms or run in (b.lower() for b in baseforms):
                    terms.append(run)
                else:
                    terms.extend(self.analyze(run)[0])
        return tuple(terms)


# Morphemes of a Voikko FSTOUTPUT: [Xp]base form[X]surface, or [Xj] for a derivation suffix.
_MORPHEME = re.compile(r"\[X[pj]\]([^\[]*)\[X\]([^\[]*)")


def _participle_verb(fstoutput: str) -> list[str]:
    """Return the verb of a participle from its FSTOUTPUT, as the morphemes before the
    participle suffix ([Ll]) spell it: the surface of all but the last, then its base form.

    >>> _participle_verb("[Lt][Xp]esittää[X]esit[Xj]ellä[X]tele[Ll][Rv]v[Xj]ä[X][Sn][Ny]ä")
    ['esitellä']
    """
    morphemes = _MORPHEME.findall(fstoutput.partition("[Ll]")[0])
    if not morphemes:
        return []
    *before, (base, _) = morphemes
    return ["".join(surface for _, surface in before) + base]


def _minen_noun(fstoutput: str) -> list[str]:
    """Return the -minen noun of a MINEN-infinitive: Voikko gives the verb as its base form,
    but "tekeminen" is a word of its own, not a form of "tehdä".

    >>> _minen_noun("[Lt][Xp]myöntää[X]myöntä[Tn4]mi[Sg][Ny]sen")
    ['myöntäminen']
    """
    morphemes = _MORPHEME.findall(fstoutput.partition("[Tn4]")[0])
    return ["".join(surface for _, surface in morphemes) + "minen"] if morphemes else []


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))


class LemmaFilter(Filter):
    """Replace each word by its base forms and its written form, plus its compound parts when
    indexing.

    Alternatives of one word share its position and characters:

    - kind "lemma": the base forms (or stem), boost 1.0. In a query an ambiguous word's base
      forms share that boost (1/k each), so a document is not rewarded for matching several
      readings of one word ("elämästä": elämä, elää).
    - kind "form": the written form, lowercase, marked with a leading "=" so it never equals a
      base form, boost FORM_BOOST: the exact form ranks above other forms of the word.
    - kind "part": compound parts, boost PART_BOOST, only when indexing, so the query
      "rahoitusmalli" does not match every "malli".

    >>> from indexer.tokenize import FinnishTokenizer
    >>> f = LemmaFilter(Morphology(use_voikko=True))
    >>> [(t.text, t.boost) for t in f(FinnishTokenizer()("rahoitusmallin", mode="index"))]
    [('rahoitusmalli', 1.0), ('=rahoitusmallin', 0.5), ('rahoitus', 0.5), ('malli', 0.5)]
    """

    is_morph = True

    def __init__(self, morphology: Morphology) -> None:
        self.morphology = morphology

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        analyze = self.morphology.analyze
        for t in tokens:
            direct, parts = analyze(t.text)
            query = t.mode == "query"
            lemma_boost = 1.0 / len(direct) if query else 1.0
            for term in direct:
                yield _alternative(t, term, lemma_boost, "lemma")
            yield _alternative(t, FORM_MARK + t.text.lower(), FORM_BOOST, "form")
            if not query:
                for term in parts:
                    yield _alternative(t, term, PART_BOOST, "part")


def _alternative(t: Token, text: str, boost: float, kind: str) -> Token:
    alt = Token(**t.__dict__)
    alt.text = text
    alt.boost = t.boost * boost
    alt.kind = kind
    return alt
