"""Index words as people write them, for the suggestions: hyphens put back, function words out.

Index terms are lowercase and without hyphens ("sote-keskus" and "Sote-keskuksen" are both
the term "sotekeskus", analysis/morphology.py), which is right for matching and wrong for
showing. Finnish writes a hyphen where a compound's parts meet at the same vowel
("kunta-alue") and after an acronym ("sote-keskus"): those are the places tried here, so
that a word without either costs no lookup. A hyphen is put back when Voikko accepts the
hyphenated word and not the joined one (a word spelt right joined, "kokoontua", stays as it
is), or when the part before it is one of the index's acronyms and the rest is a word of the
index.
"""

from collections.abc import Collection
from pathlib import Path

from indexer.analysis.voikko import is_spelt_right

FUNCTION_WORDS_PATH = Path(__file__).with_name("function_words.txt")
FUNCTION_WORDS = frozenset(
    word
    for line in FUNCTION_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)
_VOWELS = frozenset("aeiouyäöå")


def is_function_word(term: str) -> bool:
    """Tell whether a term is a function word, not worth suggesting.

    >>> is_function_word("tai"), is_function_word("tapa")
    (True, False)
    """
    return term in FUNCTION_WORDS


def written_form(term: str, words: Collection[str], acronyms: Collection[str]) -> str:
    """Return how an index term is written: with the hyphen Finnish spelling puts in it.

    `words` are the index's terms and `acronyms` its lexicon's short forms. Without Voikko
    only the acronyms' hyphens are put back.

    >>> written_form("kuntaalue", {"kunta", "alue"}, ())
    'kunta-alue'
    >>> written_form("sotekeskus", {"keskus"}, {"sote"})
    'sote-keskus'
    >>> written_form("kokoontua", {"koko", "ontua"}, ())
    'kokoontua'
    """
    joined_right: bool | None = None
    for i in range(2, len(term) - 1):
        head, rest = term[:i], term[i:]
        if head in acronyms and len(rest) >= 3 and rest in words:
            return f"{head}-{rest}"
        if head[-1] == rest[0] and head[-1] in _VOWELS:
            if joined_right is None:
                joined_right = is_spelt_right(term)
            if not joined_right and is_spelt_right(f"{head}-{rest}"):
                return f"{head}-{rest}"
    return term
