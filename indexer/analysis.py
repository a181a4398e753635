"""Finnish text analysis for the index and for queries."""

from collections.abc import Iterator

import Stemmer
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, Token

# Words with hyphens, colon case endings and dotted dates stay one token here.
_WORD = r"\w+(?:[-:.]\w+)*"


class SnowballFilter(Filter):
    """Replace each token's text with its Snowball Finnish stem (PyStemmer).

    >>> [t.text for t in (RegexTokenizer() | SnowballFilter())("kokouksessa")]
    ['kokoukse']
    """

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("finnish")

    # The native stemmer cannot be pickled with the schema; rebuild it on load.
    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._stemmer = Stemmer.Stemmer("finnish")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                t.text = self._stemmer.stemWord(t.text)
            yield t


def snowball_analyzer() -> Analyzer:
    """Return the Snowball-only analyzer: tokens, lowercase, Finnish stem."""
    return RegexTokenizer(_WORD) | LowercaseFilter() | SnowballFilter()


class AnalysisUnavailable(Exception):
    """The index was built with an analysis this machine cannot run."""


def voikko_available() -> bool:
    """Tell whether Voikko can be used here."""
    return False


def mine_abbreviations(text: str) -> dict[str, str]:
    """Return acronym -> long form pairs written out in the text."""
    return {}


def finnish_analyzer(
    *, use_voikko: bool | None = None, abbreviations: dict[str, str] | None = None
) -> Analyzer:
    """Return the analyzer the schema uses for title and body."""
    return snowball_analyzer()


def analyzer_name(analyzer: Analyzer) -> str:
    """Name the analysis an analyzer performs, as recorded in the index."""
    return "snowball"
