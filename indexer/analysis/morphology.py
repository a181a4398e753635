"""Base forms and compound parts of Finnish words: Voikko, with a Snowball stem fallback."""

import threading
from collections.abc import Iterable

import Stemmer

from indexer.analysis import voikko
from indexer.analysis.compounds import compound_parts
from indexer.analysis.place_names import guess_place_name
from indexer.analysis.wordcache import WordCache
from indexer.common.persisted import persisted

Analysis = tuple[tuple[str, ...], tuple[str, ...]]

# One stemmer per thread: like a Voikko handle, a native stemmer is not thread-safe.
_stemmers = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    if not hasattr(_stemmers, "stemmer"):
        _stemmers.stemmer = Stemmer.Stemmer("finnish")
    return _stemmers.stemmer


@persisted
class Morphology:
    """Analyse a written word into its base forms (direct terms) and compound parts.

    Terms are lowercase and without hyphens, so "sote-uudistus", "soteuudistus" and
    "Sote-uudistukseen" share the term "soteuudistus". Words Voikko does not know fall back to
    the Snowball stem, or to a lexicon word they are a form of ("Soiten" -> "soite"), or to a
    lexicon prefix plus a known word ("soteuudistuksen" -> "sote" + "uudistus"), or to an
    unknown part plus a place word ("Honkimäen" -> "honkimäki", place_names). Only the
    configuration is pickled; handles and the cache are looked up again after unpickling.
    """

    def __init__(self, *, use_voikko: bool, lexicon_words: Iterable[str] = ()) -> None:
        self.use_voikko = use_voikko
        self.lexicon_words = frozenset(lexicon_words)
        self._setup()

    def _setup(self) -> None:
        self.cache: WordCache[Analysis] = WordCache((self.use_voikko, self.lexicon_words))
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

    def analyze(self, word: str) -> Analysis:
        """Return (base forms, compound parts) of a written word, as index terms.

        >>> Morphology(use_voikko=True).analyze("rahoitusmalliin")
        (('rahoitusmalli',), ('rahoitus', 'malli'))
        """
        return self.cache.get(word, self._analyze)

    def lemmas(self, word: str) -> tuple[str, ...]:
        """Return the base forms of a written word, as index terms."""
        return self.analyze(word)[0]

    def _analyze(self, word: str) -> Analysis:
        lower = word.lower()
        if any(c.isdigit() for c in word):
            return (lower.strip("-"),), ()
        if self.use_voikko:
            analyses = voikko.baseforms(word)
            if analyses:
                direct = _unique(b.lower().replace("-", "") for b, _ in analyses)
                parts = _unique(
                    p for b, s in analyses for p in compound_parts(word, b, s, self.lemmas)
                )
                return direct, tuple(p for p in parts if p not in direct)
        stem = lower.strip("-")
        if stem in self.lexicon_words:
            return (stem,), ()
        if "-" in stem:
            return self._hyphenated(stem.split("-"))
        prefix = next((p for p in self._prefixes if stem.startswith(p)), None)
        rest = stem[len(prefix) :] if prefix else ""
        if len(rest) >= 3 and (not self.use_voikko or voikko.baseforms(rest)):
            return self._hyphenated([prefix, rest])
        place = guess_place_name(stem) if self.use_voikko else None
        if place is not None:
            # Not the place word as a part: "vaara" (danger) is no part of "Sallivaara".
            return (place[0],), ()
        stem = _stemmer().stemWord(stem)
        return (self._by_stem.get(stem, stem),), ()

    def _hyphenated(self, pieces: list[str]) -> Analysis:
        """Analyse a compound Voikko does not know from its pieces, the last one inflected."""
        *modifiers, head = pieces
        head_terms = self.lemmas(head)
        direct = tuple("".join(modifiers) + h for h in head_terms)
        parts = _unique(t for piece in pieces for t in self.lemmas(piece))
        return direct, tuple(p for p in parts if p not in direct)


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))
