"""The languages a document may be in, the analyzer of each, and the name each analysis is
recorded by in an index."""

from whoosh.analysis import Analyzer

from indexer.analysis.analyzers import analyzer_name, finnish_analyzer, morphology_of
from indexer.analysis.swedish import SwedishMorphology, swedish_analyzer

# Finnish first: the language of a text that gives no sign of its own.
LANGUAGES = ("fi", "sv")


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
