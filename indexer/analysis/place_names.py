"""Compounds Voikko does not know that end in a word of places: local names.

Voikko analyses "Kotirannassa" (koti + ranta) but not "Honkimäen": it knows no "honki", so
the word fell back to its Snowball stem, which knows no consonant gradation ("Honkimäen" ->
honkimä, "Honkimäki" -> honkimäk), and the name was found in one form only. Villages,
streets, lakes and schools are what residents type. A word that Voikko does not know but
that ends in an inflected form of one of these words gets the unknown part plus that word's
base form as its base form ("Honkimäen" -> honkimäki), in the index and in queries alike;
not the place word as a compound part, which made false matches in the treebank's names
("vaara", danger, in "Sallivaara").
"""

from indexer.analysis import voikko

# Base forms of the words local names end in: terrain and water, settlements, buildings and
# streets. Only these: an unknown word that ends in any word Voikko knows is more often a
# foreign name ("Obamalle" ends in "malle"). Not "oja": "Matinpojasta" ends in "ojasta".
PLACE_WORDS = frozenset(
    {
        "mäki", "vaara", "vuori", "harju", "kallio", "kangas", "kumpu", "nummi", "rinne",
        "ranta", "joki", "lahti", "lampi", "järvi", "niemi", "saari", "salmi", "koski",
        "suo", "neva", "aho", "pelto", "niitty", "korpi", "metsä", "lehto", "salo",
        "kylä", "talo", "koulu", "katu", "tie", "kuja", "polku", "kaari", "tori", "silta",
        "puisto", "linna", "kartano", "kirkko", "asema",
    }
)  # fmt: skip
# How a place word's forms start ("mäen", "mäkeä" of mäki): an ending that starts otherwise
# cannot be one of them (guess_place_name asks that of its base form), and Voikko is not asked
# about it. That was four in five of the guesser's look-ups, a tenth of a news build's Voikko.
_STARTS = frozenset(base[:2] for base in PLACE_WORDS)
# The unknown part is at least this long: a shorter one is more often an inflection or
# a misspelling than a name's own part.
MIN_MODIFIER = 3


def guess_place_name(word: str) -> tuple[str, str] | None:
    """Return (base form, place word) of an unknown word that ends in a form of a place
    word, the longest such ending; None when it does not. For words Voikko does not know.

    >>> guess_place_name("Honkimäen")
    ('honkimäki', 'mäki')
    >>> guess_place_name("Obamalle") is None
    True
    """
    lower = word.lower()
    for cut in range(MIN_MODIFIER, len(lower) - 1):
        ending = lower[cut:]
        if ending[:2] not in _STARTS:
            continue
        for base, structure in voikko.baseforms(ending):
            # One part: "onkimäen" as onki + mäki is not the place word itself. The ending
            # starts as the base form does: a plural ("tweeteillä": teillä, of tie) is more
            # often another word's ending than a name's.
            base = base.lower()
            if base in PLACE_WORDS and structure.count("=") == 1 and ending[:2] == base[:2]:
                modifier = lower[:cut].replace("-", "")
                return modifier + base, base
    return None
