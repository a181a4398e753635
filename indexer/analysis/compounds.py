"""Compound words: their parts from Voikko's STRUCTURE, and the runs of parts to index."""

from collections.abc import Callable

from indexer.analysis import voikko

# Compounds that Voikko splits but whose meaning is not that of their parts: a "maakunta"
# (region) is not a "kunta" (municipality), nor a "maakuntaliitto" a "kuntaliitto", which in
# sote texts is another organization. They stay one piece, inside longer compounds too.
LEXICALIZED_COMPOUNDS = frozenset({"maakunta", "yhteiskunta", "kuukausi", "vuosikymmen"})

# The base forms of a written word, as index terms: how a modifier is lemmatized. It is the
# caller's whole analysis (with its cache and fallbacks), so a part is analysed as a word is.
Lemmas = Callable[[str], tuple[str, ...]]


def split_structure(word: str, structure: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the parts of a word, from its Voikko STRUCTURE.

    '=' starts a part and '-' stands for a hyphen between parts:

    >>> split_structure("sote-uudistus", "=qqqq-=pppppppp")
    [(0, 4), (5, 13)]
    """
    spans: list[list[int]] = []
    i = 0
    for code in structure:
        if code == "=":
            spans.append([i, i])
        elif code == "-":
            i += 1
            spans.append([i, i])
        else:
            i += 1
            spans[-1][1] = i
    return [(a, b) for a, b in spans if b > a and a < len(word)]


def compound_parts(word: str, baseform: str, structure: str, lemmas: Lemmas) -> tuple[str, ...]:
    """Return the parts of a compound base form: each part and each run of adjacent parts.

    The parts are those of the base form, so the head is a base form too ("rahoitusmallin"
    -> rahoitus, malli); modifiers are lemmatized as words ("valinnanvapaus" -> valinta,
    vapaus). Inflection changes only the head, so the part boundaries of the base form are
    those of the word's STRUCTURE up to the head; only when the base form does not begin
    with the word's modifiers is the base form analysed for its own STRUCTURE. Derivations
    inside a part (WORDBASES) are not split, so the verb "rahoittaa" does not match
    "rahoitusmalli".
    """
    if structure.count("=") < 2:
        return ()
    spans = split_structure(word, structure)
    if len(spans) < 2:
        return ()
    cut = spans[-1][0]
    if word[:cut].lower() == baseform[:cut].lower():
        pieces = [word[a:b] for a, b in spans[:-1]] + [baseform[cut:]]
    else:
        own = voikko.own_structure(baseform)
        pieces = [baseform[a:b] for a, b in split_structure(baseform, own)]
    pieces = join_lexicalized([p.lower() for p in pieces], lemmas)
    if len(pieces) < 2:
        return ()
    terms = []
    for start in range(len(pieces)):
        for end in range(start + 1, len(pieces) + 1):
            if end - start == len(pieces):
                continue
            run = "".join(pieces[start:end])
            # A run that ends at the head is a base form already.
            terms.extend((run,) if end == len(pieces) else modifier_lemmas(run, lemmas))
    return tuple(terms)


def join_lexicalized(pieces: list[str], lemmas: Lemmas) -> list[str]:
    """Join adjacent pieces that together make a lexicalized compound.

    >>> from indexer.analysis.morphology import Morphology
    >>> join_lexicalized(["maa", "kunnan", "johtaja"], Morphology(use_voikko=True).lemmas)
    ['maakunnan', 'johtaja']
    """
    joined = list(pieces)
    i = 0
    while i < len(joined) - 1:
        pair = joined[i] + joined[i + 1]
        # The head is in base form already; a modifier may be inflected ("maakunnan").
        found = (pair,) if i + 2 == len(joined) else lemmas(pair)
        if LEXICALIZED_COMPOUNDS.intersection(found):
            joined[i : i + 2] = [pair]
        else:
            i += 1
    return joined


def modifier_lemmas(modifier: str, lemmas: Lemmas) -> tuple[str, ...]:
    """Lemmatize a compound modifier, which may be a form found only in compounds.

    >>> from indexer.analysis.morphology import Morphology
    >>> modifier_lemmas("järjestämis", Morphology(use_voikko=True).lemmas)
    ('järjestämis', 'järjestäminen')
    """
    # "järjestämis-", "ihmis-": the compound form of a -nen word. It is kept too, as the
    # form a reader may search for.
    nen = modifier[:-1] + "nen"
    if modifier.endswith("s") and not voikko.baseforms(modifier) and voikko.baseforms(nen):
        return (modifier, *lemmas(nen))
    # Often inflected ("valinnan"), but one that is a base form stays as it is, so "toimi"
    # does not also become the verb "toimia".
    found = lemmas(modifier)
    return (modifier,) if modifier in found else found
