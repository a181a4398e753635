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
# both have: the frequent words that tell the language of a text. Swedish ones that are also
# Finnish words ("alla" under, "vara" reserve, "sedan") are left out, and the others count
# only as written in lower case: in a Finnish news lead, "Hans", "De" and "I" are a name, a
# name's particle and a Roman numeral (bench/languages.py: 58 of 30,000 leads were Swedish).
_FI = frozenset(stoplists["fi"]) - frozenset(stoplists["sv"])
_SV = (
    frozenset(stoplists["sv"])
    - frozenset(stoplists["fi"])
    - {
        "alla",
        "ha",
        "sedan",
        "vara",
        "vi",
        "vilkas",
    }
)
# Letters of one language only, for a text whose function words do not tell: "å" is
# Swedish, a doubled vowel Finnish ("ck" is Swedish too, but also Jackson and Blackhawks).
_SV_LETTERS = re.compile(r"å")
_FI_LETTERS = re.compile(r"aa|ää|ii|uu|yy|öö|ee|oo")
_WORD = re.compile(r"[^\W\d_]+")
# Where a sentence starts: a function word written with a capital counts there.
_SENTENCE_END = re.compile(r"[.!?:\n]\W*$")
# Words read from a text's beginning: enough to tell, in a time that does not grow with it.
DETECT_WORDS = 2_000
# Characters read for them: more than 2,000 words of any text but a list of numbers.
_DETECT_CHARS = 30_000
# A text this short whose words and letters tell nothing is judged by its vocabulary.
_SHORT_WORDS = 12


def detect_language(text: str) -> str:
    """Return the language of a text, "fi" or "sv": by its function words where two different
    ones of a language outnumber the other's, else by letters of one language only, else,
    for a short text, by which words Voikko and the Swedish dictionary know; Finnish when
    nothing tells.

    One function word alone decides nothing: in Finnish news leads "de" (Barbi de Voro),
    "hon" and "sin" stood in names and quotes (bench/languages.py).

    >>> detect_language("Välfärdsnämnden beslöt om budgeten för äldreomsorgen.")
    'sv'
    >>> detect_language("Hyvinvointialueen valtuusto päätti talousarviosta."), detect_language("")
    ('fi', 'fi')
    >>> detect_language("Hans Välimäki kertoo, miten kauan kananmunaa keitetään")
    'fi'
    """
    words, swedish, finnish = _function_words(text)
    decided = _by_function_words(swedish, finnish)
    if decided:
        return decided
    joined = " ".join(words)
    by_letters = len(_SV_LETTERS.findall(joined)) - len(_FI_LETTERS.findall(joined))
    if by_letters:
        return "sv" if by_letters > 0 else "fi"
    if words and len(words) <= _SHORT_WORDS:
        return _vocabulary_language(words)
    return "sv" if len(swedish) > len(finnish) else "fi"


def _starts_sentence(text: str, start: int) -> bool:
    return start == 0 or _SENTENCE_END.search(text, max(0, start - 4), start) is not None


def _vocabulary_language(words: list[str]) -> str:
    """Return Swedish when more of the words are Swedish (the Swedish dictionary knows them,
    Voikko does not) than Finnish (Voikko knows them); Finnish otherwise, so a word of both
    ("sote") is Finnish.

    The Swedish dictionary is asked only when Voikko leaves it a chance: it takes a second
    to load, in every build worker that meets one short Finnish title."""
    known = [is_spelt_right(w) for w in words]
    finnish = sum(known)
    if len(words) - finnish <= finnish:
        return "fi"
    swedish = sum(is_known(w) for w, spelt in zip(words, known, strict=True) if not spelt)
    return "sv" if swedish > finnish else "fi"


def section_language(text: str, document_language: str) -> str:
    """Return the language of a section of a document: its function words decide as
    detect_language's do, and when they do not, it is in its document's language. Not the
    letters nor the vocabulary: a section without function words is a heading, a case number
    and names ("§ 1 Mötets öppnande", "§ 7 POHDno-2025-7"), which its document's language
    tells better.

    >>> section_language("§ 5 Äldreomsorgsplan. Nämnden godkände planen för år 2025 och "
    ...     "den är klar.", "fi")
    'sv'
    >>> section_language("§ 1 Mötets öppnande", "sv"), section_language("§ 1 Mötets öppnande", "fi")
    ('sv', 'fi')
    """
    _, swedish, finnish = _function_words(text)
    return _by_function_words(swedish, finnish) or document_language


def _function_words(text: str) -> tuple[list[str], list[str], list[str]]:
    """Return the words of a text's beginning, lower-cased, and the Swedish and the Finnish
    function words among them."""
    # A Swedish function word's own spelling is looked at only where one is found, which is
    # rare in Finnish text.
    head = text[:_DETECT_CHARS]
    words = _WORD.findall(head.lower())[:DETECT_WORDS]
    finnish = [w for w in words if w in _FI]
    swedish = []
    if not _SV.isdisjoint(words):
        for match in islice(_WORD.finditer(head), DETECT_WORDS):
            word = match.group()
            lowered = word.lower()
            if lowered in _SV and (word == lowered or _starts_sentence(head, match.start())):
                swedish.append(lowered)
    return words, swedish, finnish


def _by_function_words(swedish: list[str], finnish: list[str]) -> str | None:
    """Return the language whose function words outnumber the other's, two different ones at
    least; None when they do not tell."""
    if len(swedish) != len(finnish):
        winner = swedish if len(swedish) > len(finnish) else finnish
        if len(set(winner)) >= 2:
            return "sv" if winner is swedish else "fi"
    return None


def query_language(text: str) -> str:
    """Return the language a query reads as: Swedish when detect_language finds it so, or when
    more of its words are Swedish (the Swedish dictionary knows them, Voikko does not) than
    Finnish (Voikko knows them); Finnish otherwise, so a word of both ("sote") is Finnish.

    >>> query_language("välfärdsnämndens budget"), query_language("sote")
    ('sv', 'fi')
    """
    if detect_language(text) == "sv":
        return "sv"
    return _vocabulary_language(_WORD.findall(text))


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
