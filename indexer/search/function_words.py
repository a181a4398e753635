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
from indexer.analysis.swedish import STOP_WORDS

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


# The Swedish ones are written forms, not base forms: simplemma's base form of "är" is
# "vara", which is also a noun (goods). Snowball's list, as Whoosh ships it, and a few
# prepositions and adverbs it lacks; "all" is the analyzer's first term for "alla".
SWEDISH_FUNCTION_WORDS = STOP_WORDS | frozenset(
    ["samt", "enligt", "genom", "hos", "dock", "även", "eftersom", "medan", "också", "all"]
)


def is_function_word(terms: Iterable[str], language: str = "fi") -> bool:
    """Tell whether a query word's terms (base forms and marked written form) are those of a
    function word of a language: in Finnish every base form is one, in Swedish the written
    form is.

    >>> is_function_word(["mikä", "=mitä"]), is_function_word(["kieli", "=kielen"])
    (True, False)
    >>> is_function_word(["vara", "=är"], "sv"), is_function_word(["vara", "=varor"], "sv")
    (True, False)
    >>> is_function_word(["underlag", "under", "lag"], "sv")
    False
    """
    terms = list(terms)
    lemmas = [term for term in terms if not term.startswith(FORM_MARK)]
    if language == "sv":
        # The written form is marked when it is not the base form, the first term.
        written = [term[1:] for term in terms if term.startswith(FORM_MARK)] or lemmas[:1]
        return bool(written) and written[0] in SWEDISH_FUNCTION_WORDS
    return bool(lemmas) and FUNCTION_WORDS.issuperset(lemmas)
