"""Finnish text analysis for the index and for queries.

The analyzer is a Whoosh chain: FinnishTokenizer (words as written) | CaseEndingFilter
("STM:n" -> "STM") | LemmaFilter (Voikko base forms and compound parts, Snowball fallback) |
LexiconFilter (acronyms and long forms, both ways).

Tokens at one position are alternatives for one word; positions go up by one per word, so
phrases match across inflection. Each token has a kind and a boost:

- "lemma": base form (or stem), 1.0; in a query an ambiguous word's k base forms get 1/k each.
- "form": "=" + the written form of a short word, 0.5: an exact form ranks higher.
- "part": compound part, 0.5, index only ("rahoitusmallin" -> rahoitus, malli).
- "synonym": lexicon expansion, 0.3, index only (the index holds both directions).

Query tokens are new objects; index tokens reuse one object, as Whoosh's own analyzers do.
"""

from collections.abc import Iterator, Mapping

import Stemmer
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, Token

from indexer.analysis.lemmas import LemmaFilter
from indexer.analysis.lexicon import LexiconFilter, load_lexicon, mine_abbreviations, short_forms
from indexer.analysis.morphology import Morphology
from indexer.analysis.voikko import AnalysisUnavailable, voikko_available
from indexer.analysis.words import CaseEndingFilter, FinnishTokenizer

__all__ = [
    "AnalysisUnavailable",
    "SnowballFilter",
    "analyzer_name",
    "finnish_analyzer",
    "mine_abbreviations",
    "morphology_of",
    "snowball_analyzer",
    "voikko_available",
]

# Words with hyphens, colon case endings and dotted dates stay one token here.
_WORD = r"\w+(?:[-:.]\w+)*"


class SnowballFilter(Filter):
    """Replace each token's text with its Snowball Finnish stem (PyStemmer).

    >>> [t.text for t in (RegexTokenizer() | SnowballFilter())("kokouksessa")]
    ['kokouks']
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
    """Return the Snowball-only baseline analyzer: tokens, lowercase, Finnish stem."""
    return RegexTokenizer(_WORD) | LowercaseFilter() | SnowballFilter()


def finnish_analyzer(
    *, use_voikko: bool | None = None, abbreviations: Mapping[str, str] | None = None
) -> Analyzer:
    """Return the analyzer the schema uses for title and body.

    use_voikko=None uses Voikko when it is installed, else Snowball stems; True insists on
    Voikko (AnalysisUnavailable if missing). abbreviations adds acronym -> long form pairs (as
    from mine_abbreviations, long forms as written: they are matched by their base forms) to
    the curated lexicon in lexicon.tsv.
    """
    if use_voikko is None:
        use_voikko = voikko_available()
    elif use_voikko and not voikko_available():
        raise AnalysisUnavailable("Voikko (libvoikko1 and voikko-fi) is not installed.")
    pairs = load_lexicon() + sorted((abbreviations or {}).items())
    morphology = Morphology(use_voikko=use_voikko, lexicon_words=short_forms(pairs))
    return (
        FinnishTokenizer()
        | CaseEndingFilter()
        | LemmaFilter(morphology)
        | LexiconFilter(pairs, morphology)
    )


def terms_by_position(analyzer: Analyzer, text: str, mode: str) -> dict[int, dict[str, float]]:
    """Return, per word position in order, the terms the analyzer puts there and the highest
    boost of each: the alternatives a query matches at that word (a lemma, its compound parts,
    the written form, a lexicon's synonym)."""
    by_pos: dict[int, dict[str, float]] = {}
    for t in analyzer(text, mode=mode, positions=True, boosts=True):
        terms = by_pos.setdefault(t.pos, {})
        terms[t.text] = max(terms.get(t.text, 0.0), t.boost)
    return {pos: by_pos[pos] for pos in sorted(by_pos)}


def morphology_of(analyzer: Analyzer) -> Morphology | None:
    """Return the morphology of the analyzer's lemma step; None for the Snowball baseline."""
    for item in getattr(analyzer, "items", [analyzer]):
        if isinstance(item, LemmaFilter):
            return item.morphology
    return None


def analyzer_name(analyzer: Analyzer) -> str:
    """Name the analysis an analyzer performs, as recorded in the index.

    "voikko" or "snowball" (the Finnish analyzer without Voikko), or "snowball-baseline".
    """
    morphology = morphology_of(analyzer)
    if morphology is None:
        return "snowball-baseline"
    return "voikko" if morphology.use_voikko else "snowball"
