"""Function words, Finnish and Swedish: left out of the any-word fallback, where each word
that a document has adds to its score.

When no document has all the words of a query, documents with any of them are ranked: there
a question's "Milloin", "mikä" or "on" (olla) adds as much as a content word wherever it
stands, and BM25's idf makes it weigh less, not nothing. On SQuAD2-fi's questions (300 train
questions of two seeds' samples, bench/squad.py) leaving them out raised MRR@10 from 0.641 to
0.653 and from 0.600 to 0.612. In all-words mode they still must be found, as typed. The
Swedish ones matter more: "och" or "i" is in nearly every Swedish document, so the fallback of
"protokoll och beslut om äldreomsorg" found every one of them.
"""

from collections.abc import Iterable

from indexer.analysis.lemmas import FORM_MARK

# Base forms (Voikko's, which are also the Snowball stems of most of them): interrogatives,
# the conjunctions, relative and demonstrative pronouns, and the verbs "olla" and "ei".
FUNCTION_WORDS = frozenset(
    [
        "mikä",
        "kuka",
        "milloin",
        "missä",
        "mistä",
        "mihin",
        "miksi",
        "miten",
        "kuinka",
        "millainen",
        "kumpi",
        "monta",
        "moni",
        "paljon",
        "olla",
        "ei",
        "ja",
        "tai",
        "että",
        "kun",
        "mutta",
        "se",
        "joka",
        "jokin",
    ]
)


# The Swedish ones, as simplemma's base forms (the Swedish analyzer's terms): conjunctions,
# prepositions, pronouns, adverbs and auxiliaries. Where a base form is also a content word
# ("vara", goods, is the base form of "är"; "skola", school, of "ska"), the written forms
# instead, marked as the analyzer marks them.
SWEDISH_FUNCTION_WORDS = frozenset(
    [
        "och", "i", "att", "den", "de", "som", "en", "på", "av", "för", "med", "till", "ha",
        "inte", "om", "men", "sig", "så", "jag", "du", "vi", "ni", "han", "hon", "man",
        "eller", "samt", "från", "vid", "efter", "under", "över", "mot", "hos", "utan", "inom",
        "mellan", "enligt", "genom", "nu", "när", "då", "här", "där", "hur", "vad", "vem",
        "varför", "vilken", "sitt", "också", "än", "ut", "upp", "bli", "denna", "all",
        "någon", "ingen", "kunna", "dock", "eftersom", "medan", "även",
        *(FORM_MARK + form for form in ("är", "var", "varit", "vore", "ska", "skall")),
    ]
)  # fmt: skip
_BY_LANGUAGE = {"fi": FUNCTION_WORDS, "sv": SWEDISH_FUNCTION_WORDS}


def is_function_word(terms: Iterable[str], language: str = "fi") -> bool:
    """Tell whether a query word's terms (base forms and marked written form) are those of a
    function word of a language, "fi" or "sv": every base form is one, or its written form
    is.

    >>> is_function_word(["mikä", "=mitä"]), is_function_word(["kieli", "=kielen"])
    (True, False)
    >>> is_function_word(["vara", "=är"], "sv"), is_function_word(["vara", "=varor"], "sv")
    (True, False)
    """
    words = _BY_LANGUAGE[language]
    terms = list(terms)
    lemmas = [term for term in terms if not term.startswith(FORM_MARK)]
    if any(term in words for term in terms if term.startswith(FORM_MARK)):
        return True
    return bool(lemmas) and words.issuperset(lemmas)
