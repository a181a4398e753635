"""Case numbers ("diaarinumero") as archives write them, and one normal form to find them by.

Each case management system prints its own: `LAPDno-2024-867`, `HEL 2021-002763`,
`Dnro 123/00.01.02/2021`, `TRE:4787/10.03.01/2016`, `OUKA/1472/02.02.02/2017`,
`VD/1545/00.04.00/2017`, `D/123/2024`. People type them as they remember them
(`lapdno 2024-867`, `hel 2021-2763`?): the normal form is lower case, the prefix joined to
the number with "-", and the number as printed ("lapdno-2024-867", "dnro-123/00.01.02/2021").
"""

import re

# A prefix of letters (with "Dnro", "Dno" and the like), then a number of digits joined by
# "-", "/", ":" or "." with at least one joint: "2024-867", "123/00.01.02/2021".
_CASE = re.compile(
    r"(?<![\w/.-])(?:(?P<prefix>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,9})(?:\s*[:/-]\s*|\s+))"
    r"(?P<number>\d{1,6}(?:[-/.:]\d{1,6}){1,4})(?![\w/-])"
)
# Prefixes that are words of a sentence, not of a case number.
_NOT_PREFIXES = frozenset({"klo", "kl", "s", "sivu", "sida", "pvm", "nro", "§", "vuonna", "år"})
_LABELS = ("dnro", "dno", "dnr")


def find_case(text: str) -> str | None:
    """Return the first case number printed in a text, as printed, or None.

    >>> find_case("Kaikukortti\\nLAPDno-2024-867\\nValmistelija")
    'LAPDno-2024-867'
    """
    for found in _CASE.finditer(text):
        if found["prefix"].lower() not in _NOT_PREFIXES:
            return found[0]
    return None


def normal_case(case: str) -> str:
    """Return a case number's normal form: "LAPDno - 2024-867" -> "lapdno-2024-867".

    >>> normal_case("HEL 2021-002763"), normal_case("Dnro 123/00.01.02/2021")
    ('hel-2021-002763', 'dnro-123/00.01.02/2021')
    """
    found = _CASE.fullmatch(" ".join(case.split()))
    if found is None:
        return "".join(case.lower().split())
    return f"{found['prefix'].lower()}-{found['number']}"


def case_terms(case: str) -> list[str]:
    """Return the terms a case is found by: its normal form and its number alone (people
    leave out the prefix: "2024-867").

    >>> case_terms("LAPDno-2024-867")
    ['lapdno-2024-867', '2024-867']
    """
    normal = normal_case(case)
    number = normal.split("-", 1)[1] if "-" in normal else normal
    return list(dict.fromkeys([normal, number]))


def query_cases(text: str) -> list[str]:
    """Return the terms of the case numbers a query names, in any case and spacing:
    "lapdno 2024-867", "LAPDno-2024-867" or "2024-867" alone.

    >>> query_cases("lapdno 2024-867"), query_cases("2024-867")
    (['lapdno-2024-867'], ['2024-867'])
    """
    words = " ".join(text.split())
    found = _CASE.search(words[:1].upper() + words[1:]) or _CASE.search(_capital_prefix(words))
    if found and found["prefix"].lower() not in _NOT_PREFIXES:
        return [f"{found['prefix'].lower()}-{found['number']}"]
    alone = re.fullmatch(r"\d{1,6}(?:[-/.:]\d{1,6}){1,4}", words)
    if alone and not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", words):
        return [words]
    return []


def _capital_prefix(text: str) -> str:
    """Give each word a capital, since a query's prefix may be typed in lower case."""
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))
