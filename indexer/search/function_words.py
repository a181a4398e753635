"""Function words: left out of the any-word fallback, where each word that a document has
adds to its score.

When no document has all the words of a query, documents with any of them are ranked: there
a question's "Milloin", "mikä" or "on" (olla) adds as much as a content word wherever it
stands, and BM25's idf makes it weigh less, not nothing. On SQuAD2-fi's questions (300 train
questions of two seeds' samples, bench/squad.py) leaving them out raised MRR@10 from 0.641 to
0.653 and from 0.600 to 0.612. In all-words mode they still must be found, as typed.
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


def is_function_word(terms: Iterable[str]) -> bool:
    """Tell whether a query word's terms (base forms and marked written form) are those of a
    function word: every base form is one.

    >>> is_function_word(["mikä", "=mitä"]), is_function_word(["kieli", "=kielen"])
    (True, False)
    """
    lemmas = [term for term in terms if not term.startswith(FORM_MARK)]
    return bool(lemmas) and FUNCTION_WORDS.issuperset(lemmas)
