"""The languages a document may be in, the analyzer of each, and the name each analysis is
recorded by in an index."""

import re
from itertools import islice

from whoosh.analysis import Analyzer
from whoosh.lang.stopwords import stoplists

from indexer.analysis.analyzers import analyzer_name, finnish_analyzer, morphology_of
from indexer.analysis.swedish import SwedishMorphology, is_known, swedish_analyzer
from indexer.analysis.voikko import is_spelt_right

# Finnish first: the language of a text that gives no sign of its own.
LANGUAGES = ("fi", "sv")

# The function words of each language (Snowball's lists, as Whoosh ships them), without those
# both have: the frequent words that tell the language of a text.
_FI = frozenset(stoplists["fi"]) - frozenset(stoplists["sv"])
_SV = frozenset(stoplists["sv"]) - frozenset(stoplists["fi"])
# Letters, and pairs of letters, of one language only: for a title or a short text with few
# function words. "å" is Swedish; Finnish doubles its vowels and has no "å".
_SV_LETTERS = re.compile(r"å|\b(?:och|för|av)\b")
_FI_LETTERS = re.compile(r"aa|ää|ii|uu|yy|öö|ee|oo|kk|tt|pp")
_WORD = re.compile(r"[^\W\d_]+")
# Words read from a text's beginning: enough to tell, in a time that does not grow with it.
DETECT_WORDS = 2_000


def detect_language(text: str) -> str:
    """Return the language of a text, "fi" or "sv", from its function words, or from its
    letters when it has none; Finnish when nothing tells.

    >>> detect_language("Välfärdsnämnden beslöt om budgeten för äldreomsorgen.")
    'sv'
    >>> detect_language("Hyvinvointialueen valtuusto päätti talousarviosta."), detect_language("")
    ('fi', 'fi')
    """
    words = [m.group().lower() for m in islice(_WORD.finditer(text), DETECT_WORDS)]
    swedish = sum(w in _SV for w in words)
    finnish = sum(w in _FI for w in words)
    if swedish == finnish:
        lowered = " ".join(words)
        swedish = len(_SV_LETTERS.findall(lowered))
        finnish = len(_FI_LETTERS.findall(lowered))
    return "sv" if swedish > finnish else "fi"


def query_language(text: str) -> str:
    """Return the language a query reads as: Swedish when detect_language finds it so, or when
    more of its words are Swedish (the Swedish dictionary knows them, Voikko does not) than
    Finnish (Voikko knows them); Finnish otherwise, so a word of both ("sote") is Finnish.

    >>> query_language("välfärdsnämndens budget"), query_language("sote")
    ('sv', 'fi')
    """
    if detect_language(text) == "sv":
        return "sv"
    words = _WORD.findall(text)
    finnish = sum(is_spelt_right(w) for w in words)
    swedish = sum(is_known(w) and not is_spelt_right(w) for w in words)
    return "sv" if swedish > finnish else "fi"


def analyzer(language: str) -> Analyzer:
    """Return the analyzer of titles and bodies in a language, "fi" or "sv".

    Call it with mode="index" for the terms a document is indexed by and mode="query" for
    those a query looks for, as Whoosh's analyzers:

    >>> [t.text for t in analyzer("sv")("välfärdsområdet", mode="index")]
    ['välfärdsområde', 'välfärd', 'område']
    """
    if language == "fi":
        return finnish_analyzer()
    if language == "sv":
        return swedish_analyzer()
    raise ValueError(f"No analyzer for the language {language!r}: 'fi' or 'sv'.")


def analysis_name(analyzer: Analyzer) -> str:
    """Name the analysis an analyzer performs, as an index records it: the Finnish names of
    analyzers.analyzer_name, or "simplemma" for the Swedish analyzer."""
    if isinstance(morphology_of(analyzer), SwedishMorphology):
        return "simplemma"
    return analyzer_name(analyzer)
