"""Finnish base forms from Voikko: the native handle, and which of its analyses to believe."""

import functools
import re
import threading


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


def baseforms(word: str) -> list[tuple[str, str]]:
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
    found = []
    for a in analyses:
        structure = a["STRUCTURE"]
        if structure.count("=") > fewest or (minen and a.get("PARTICIPLE") == "agent"):
            continue
        if a.get("MOOD") == "MINEN-infinitive":
            nouns = _minen_noun(a.get("FSTOUTPUT", "")) or [a["BASEFORM"]]
            found.extend((noun, structure) for noun in nouns)
            continue
        found.append((a["BASEFORM"], structure))
        if a.get("PARTICIPLE") not in (None, "negation", "present_active", "present_passive"):
            found.extend((v, "") for v in _participle_verb(a.get("FSTOUTPUT", "")))
    return found


def own_structure(baseform: str) -> str:
    """Return the STRUCTURE Voikko gives a base form as a word of its own ("" if none).

    >>> own_structure("rahoitusmalli")
    '=pppppppp=ppppp'
    """
    return next(
        (a["STRUCTURE"] for a in _voikko().analyze(baseform) if a["BASEFORM"] == baseform), ""
    )


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
