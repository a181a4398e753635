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
# Only short words get their form indexed: they are the frequent words whose forms say most
# ("on" is not "olla" in use), and every indexed form costs a posting, which is what makes
# indexing slow.
FORM_MAX_LENGTH = 7

# Compounds that Voikko splits but whose meaning is not that of their parts: a "maakunta"
# (region) is not a "kunta" (municipality), nor a "maakuntaliitto" a "kuntaliitto", which in
# sote texts is another organization. They stay one piece, inside longer compounds too.
LEXICALIZED_COMPOUNDS = frozenset({"maakunta", "yhteiskunta", "kuukausi", "vuosikymmen"})

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


# Native handles, one per thread: a Voikko handle is not thread-safe, and every unpickled copy of
# the schema (Whoosh reads it for each writer and searcher) shares them instead of loading the
# dictionary again.
_handles = threading.local()


class _Voikko:
    """A Voikko handle that reads only the analysis attributes this module uses.

    libvoikko's own analyze() reads every attribute of every analysis, WORDBASES and all, which
    takes half of its time; a rebuild analyses every distinct word of the documents. This reads
    through the same ctypes library and handle (libvoikko is pinned in pyproject.toml).
    """

    _KEYS = tuple(k.encode() for k in ("BASEFORM", "STRUCTURE", "MOOD", "PARTICIPLE", "FSTOUTPUT"))

    def __init__(self) -> None:
        import libvoikko

        self._voikko = libvoikko.Voikko("fi")
        self._lib = self._voikko._Voikko__lib
        self._handle = self._voikko._Voikko__handle

    def analyze(self, word: str) -> list[dict[str, str]]:
        if "\0" in word:
            return []
        lib = self._lib
        found = lib.voikkoAnalyzeWordUcs4(self._handle, word)
        if not found:
            return []
        analyses = []
        i = 0
        while found[i]:
            value = lib.voikko_mor_analysis_value_ucs4
            analysis = {k.decode(): value(found[i], k) for k in self._KEYS}
            analyses.append({k: v for k, v in analysis.items() if v is not None})
            i += 1
        lib.voikko_free_mor_analysis(found)
        return analyses


def is_spelt_right(word: str) -> bool:
    """Tell whether Voikko knows the word as written; False without Voikko."""
    if "\0" in word or not voikko_available():
        return False
    return bool(_voikko()._voikko.spell(word))


def spelling_suggestions(word: str) -> list[str]:
    """Return Voikko's spelling suggestions for a word, best first; none without Voikko."""
    if "\0" in word or not voikko_available():
        return []
    return list(_voikko()._voikko.suggest(word))


def _voikko() -> _Voikko:
    if not hasattr(_handles, "voikko"):
        if not voikko_available():
            raise AnalysisUnavailable(
                "This index was built with Voikko analysis, but libvoikko or its Finnish "
                "dictionary (Debian: libvoikko1 voikko-fi) is not installed here. Install "
                "them, or rebuild the index here (it then uses Snowball): "
                "python -m indexer build"
            )
        _handles.voikko = _Voikko()
    return _handles.voikko


def _stemmer() -> Stemmer.Stemmer:
    if not hasattr(_handles, "stemmer"):
        _handles.stemmer = Stemmer.Stemmer("finnish")
    return _handles.stemmer


Analysis = tuple[tuple[str, ...], tuple[str, ...]]

# Analyses by word form, one cache per configuration, shared by its unpickled copies. Dict reads
# and writes are atomic, so threads share it; at worst two of them analyse a word twice.
_caches: dict[tuple[bool, frozenset[str]], dict[str, Analysis]] = {}
_CACHES_KEPT = 4


def clear_cache() -> None:
    """Forget every analysed word form, so that a benchmark measures a build from scratch."""
    for cache in _caches.values():
        cache.clear()


def _split_structure(word: str, structure: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the parts of a word, from its Voikko STRUCTURE.

    '=' starts a part and '-' stands for a hyphen between parts:
    ("sote-uudistus", "=qqqq-=ppppppppp") gives [(0, 4), (5, 13)].
    """
    spans: list[list[int]] = []
    i = 0
    for code in structure:
        if code == "=":
            spans.append([i, i])
        elif code == "-":
            i += 1
            spans.append([i, i])
        else:
            i += 1
            spans[-1][1] = i
    return [(a, b) for a, b in spans if b > a and a < len(word)]


class Morphology:
    """Analyse a written word into its base forms (direct terms) and compound parts.

    Terms are lowercase and without hyphens, so "sote-uudistus", "soteuudistus" and
    "Sote-uudistukseen" share the term "soteuudistus". Words Voikko does not know fall back to
    the Snowball stem, or to a lexicon word they are a form of ("Soiten" -> "soite"), or to a
    lexicon prefix plus a known word ("soteuudistuksen" -> "sote" + "uudistus"). Only the
    configuration is pickled; handles and the cache are looked up again after unpickling.
    """

    def __init__(self, *, use_voikko: bool, lexicon_words: Iterable[str] = ()) -> None:
        self.use_voikko = use_voikko
        self.lexicon_words = frozenset(lexicon_words)
        self._setup()

    def _setup(self) -> None:
        key = (self.use_voikko, self.lexicon_words)
        # Each build may mine other abbreviations, so a long-running server that rebuilds
        # meets new configurations: keep the caches of the newest few only.
        if key not in _caches and len(_caches) >= _CACHES_KEPT:
            del _caches[next(iter(_caches))]
        self._cache = _caches.setdefault(key, {})
        self._by_stem = {_stemmer().stemWord(w): w for w in self.lexicon_words}
        # Longest first, so the most specific prefix wins.
        self._prefixes = sorted((w for w in self.lexicon_words if len(w) >= 4), key=len)[::-1]

    def __getstate__(self) -> dict:
        return {"use_voikko": self.use_voikko, "lexicon_words": self.lexicon_words}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def is_cached(self, word: str) -> bool:
        """Tell whether the word's analysis is in the cache already."""
        return word in self._cache

    def remember(self, analyses: Iterable[tuple[str, Analysis]]) -> None:
        """Put analyses made elsewhere (by a worker process) into the cache."""
        for word, analysis in analyses:
            if len(self._cache) > _CACHE_LIMIT:
                return
            self._cache[word] = analysis

    def analyze(self, word: str) -> Analysis:
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

    def _analyze(self, word: str) -> Analysis:
        lower = word.lower()
        if any(c.isdigit() for c in word):
            return (lower.strip("-"),), ()
        if self.use_voikko:
            analyses = self._baseforms(word)
            if analyses:
                direct = _unique(b.lower().replace("-", "") for b, _ in analyses)
                parts = _unique(p for b, s in analyses for p in self._compound_parts(word, b, s))
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
        stem = _stemmer().stemWord(stem)
        return (self._by_stem.get(stem, stem),), ()

    def _hyphenated(self, pieces: list[str]) -> Analysis:
        """Analyse a compound Voikko does not know from its pieces, the last one inflected."""
        *modifiers, head = pieces
        head_terms = self.analyze(head)[0]
        direct = tuple("".join(modifiers) + h for h in head_terms)
        parts = _unique(t for piece in pieces for t in self.analyze(piece)[0])
        return direct, tuple(p for p in parts if p not in direct)

    def _baseforms(self, word: str) -> list[tuple[str, str]]:
        """Return (base form, STRUCTURE of the word) of a word's most plausible analyses.

        Analyses with more compound parts than the simplest one are dropped: they are Voikko
        over-splitting ("ministeriöiden" as ministeri + yö). A participle also gives its verb,
        the lemma the word has in running text ("tehtyä" -> tehty, tehdä), except the -va/-vä
        and -tava/-tävä participles and -maton, which are mostly adjectives of their own like
        the -minen noun ("tekemisen" -> tekeminen; not the agent participle "tekemä" then).
        """
        voikko = _voikko()
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
            structure = a["STRUCTURE"]
            if structure.count("=") > fewest or (minen and a.get("PARTICIPLE") == "agent"):
                continue
            if a.get("MOOD") == "MINEN-infinitive":
                nouns = _minen_noun(a.get("FSTOUTPUT", "")) or [a["BASEFORM"]]
                baseforms.extend((noun, structure) for noun in nouns)
                continue
            baseforms.append((a["BASEFORM"], structure))
            if a.get("PARTICIPLE") not in (None, "negation", "present_active", "present_passive"):
                baseforms.extend((v, "") for v in _participle_verb(a.get("FSTOUTPUT", "")))
        return baseforms

    def _compound_parts(self, word: str, baseform: str, structure: str) -> tuple[str, ...]:
        """Return the parts of a compound base form: each part and each run of adjacent parts.

        The parts are those of the base form, so the head is a base form too ("rahoitusmallin"
        -> rahoitus, malli); modifiers are lemmatized as words ("valinnanvapaus" -> valinta,
        vapaus). Inflection changes only the head, so the part boundaries of the base form are
        those of the word's STRUCTURE up to the head; only when the base form does not begin
        with the word's modifiers is the base form analysed for its own STRUCTURE. Derivations
        inside a part (WORDBASES) are not split, so the verb "rahoittaa" does not match
        "rahoitusmalli".
        """
        if structure.count("=") < 2:
            return ()
        spans = _split_structure(word, structure)
        if len(spans) < 2:
            return ()
        cut = spans[-1][0]
        if word[:cut].lower() == baseform[:cut].lower():
            pieces = [word[a:b] for a, b in spans[:-1]] + [baseform[cut:]]
        else:
            own = next(
                (a["STRUCTURE"] for a in _voikko().analyze(baseform) if a["BASEFORM"] == baseform),
                "",
            )
            pieces = [baseform[a:b] for a, b in _split_structure(baseform, own)]
        pieces = self._join_lexicalized([p.lower() for p in pieces])
        if len(pieces) < 2:
            return ()
        terms = []
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                if end - start == len(pieces):
                    continue
                run = "".join(pieces[start:end])
                # A run that ends at the head is a base form already.
                terms.extend((run,) if end == len(pieces) else self._modifier_lemmas(run))
        return tuple(terms)

    def _join_lexicalized(self, pieces: list[str]) -> list[str]:
        """Join adjacent pieces that together make a lexicalized compound.

        >>> Morphology(use_voikko=True)._join_lexicalized(["maa", "kunnan", "johtaja"])
        ['maakunnan', 'johtaja']
        """
        joined = list(pieces)
        i = 0
        while i < len(joined) - 1:
            pair = joined[i] + joined[i + 1]
            # The head is in base form already; a modifier may be inflected ("maakunnan").
            lemmas = (pair,) if i + 2 == len(joined) else self.analyze(pair)[0]
            if LEXICALIZED_COMPOUNDS.intersection(lemmas):
                joined[i : i + 2] = [pair]
            else:
                i += 1
        return joined

    def _modifier_lemmas(self, modifier: str) -> tuple[str, ...]:
        """Lemmatize a compound modifier, which may be a form found only in compounds.

        >>> Morphology(use_voikko=True)._modifier_lemmas("järjestämis")
        ('järjestämis', 'järjestäminen')
        """
        # "järjestämis-", "ihmis-": the compound form of a -nen word. It is kept too, as the
        # form a reader may search for.
        nen = modifier[:-1] + "nen"
        if modifier.endswith("s") and not self._baseforms(modifier) and self._baseforms(nen):
            return (modifier, *self.analyze(nen)[0])
        # Often inflected ("valinnan"), but one that is a base form stays as it is, so "toimi"
        # does not also become the verb "toimia".
        lemmas = self.analyze(modifier)[0]
        return (modifier,) if modifier in lemmas else lemmas


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
      base form, boost FORM_BOOST: the exact form ranks above other forms of the word. Only for
      words of at most FORM_MAX_LENGTH letters, and not where the form is a base form already.
    - kind "part": compound parts, boost PART_BOOST, only when indexing, so the query
      "rahoitusmalli" does not match every "malli".

    Indexing reuses the incoming token for speed, as Whoosh does; a query gets new tokens, so
    its caller may keep them in a list.

    >>> from indexer.tokenize import FinnishTokenizer
    >>> f = LemmaFilter(Morphology(use_voikko=True))
    >>> [(t.text, t.boost) for t in f(FinnishTokenizer()("rahoitusmallin", mode="index"))]
    [('rahoitusmalli', 1.0), ('rahoitus', 0.5), ('malli', 0.5)]
    >>> [(t.text, t.boost) for t in f(FinnishTokenizer()("mallin", mode="query"))]
    [('malli', 1.0), ('=mallin', 0.5)]
    """

    is_morph = True

    def __init__(self, morphology: Morphology) -> None:
        self.morphology = morphology

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        analyze = self.morphology.analyze
        for t in tokens:
            word = t.text
            direct, parts = analyze(word)
            form = word.lower()
            alternatives = [(term, 1.0, "lemma") for term in direct]
            if len(form) <= FORM_MAX_LENGTH and form not in direct:
                alternatives.append((FORM_MARK + form, FORM_BOOST, "form"))
            if t.mode == "query":
                for term, boost, kind in alternatives:
                    alt = t.copy()
                    alt.text, alt.kind = term, kind
                    alt.boost = t.boost * boost / len(direct) if kind == "lemma" else boost
                    yield alt
                continue
            boost = t.boost
            for term, weight, kind in alternatives:
                t.text, t.boost, t.kind = term, boost * weight, kind
                yield t
            for term in parts:
                t.text, t.boost, t.kind = term, boost * PART_BOOST, "part"
                yield t
