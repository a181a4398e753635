"""Signature blocks of minutes and decisions: who signed, checked and certified the text.

Every minutes, extract and official's decision ends a section or the meeting with the same
lines, names under the roles that signed them:

    Vakuudeksi
    Maija Mallikas
    Pöytäkirjanpitäjä

    Ordförande            Protokollförare
    Anna Berg             Per Holm
    Justerat 12.3.2024

They say nothing about the matter, yet a section whose last lines they are would be found for
"puheenjohtaja" and show them as its snippet. A block is recognised by its labels: one that
only a signature has (Vakuudeksi, Pöytäkirjanpitäjä, Justerat, Allekirjoitukset...), or the
chair's with the secretary's. "Puheenjohtaja Matti Meikäläinen" alone is not one: a decision
that elects a committee lists its chair that way, and that is the matter.
"""

import re

_ONLY_SIGNATURE = (
    r"vakuudeksi|pöytäkirjanpitäjä|pöytäkirjan\s+pitäjä|allekirjoitukset|allekirjoitus"
    r"|pöytäkirjantarkastajat|pöytäkirjan\s+tarkastajat|pöytäkirjan\s+tarkastus"
    r"|pöytäkirja\s+on\s+tarkastettu(?:\s+ja\s+hyväksytty)?|tarkastettu\s+ja\s+hyväksytty"
    r"|(?:otteen\s+|pöytäkirjanotteen\s+)?oikeaksi\s+todistaa|sähköisesti\s+allekirjoitettu"
    r"|allekirjoitettu\s+sähköisesti|protokollförare|justerat|justeras|justerare"
    r"|protokolljusterare|underskrifter|underskrift|rätt\s+utdraget\s+betygar"
    r"|utdragets\s+riktighet\s+bestyrker|elektroniskt\s+undertecknad"
)
_CHAIR = r"puheenjohtaja|ordförande"
_SECRETARY = r"sihteeri|sekreterare"
_LABEL = rf"(?:{_ONLY_SIGNATURE}|{_CHAIR}|{_SECRETARY}|varapuheenjohtaja|vice\s+ordförande)"
# Roles whose signer's name may stand on the line above them.
_ROLE = re.compile(
    rf"(?:{_CHAIR}|{_SECRETARY}|pöytäkirjanpitäjä|protokollförare|varapuheenjohtaja"
    r"|vice\s+ordförande)\s*",
    re.IGNORECASE,
)
# A line of labels ("Puheenjohtaja Pöytäkirjanpitäjä", "Justerat:"), with a name or date
# after them: words that begin with a capital, initials, a date.
_NAME_WORD = r"(?-i:[A-ZÅÄÖÜ][\w'-]*\.?|\d{1,2}\.\d{1,2}\.\d{4})"
_LABEL_LINE = re.compile(
    rf"{_LABEL}(?:[\s:,/]+{_LABEL})*\s*:?(?:\s+{_NAME_WORD}){{0,4}}\s*", re.IGNORECASE
)
_LABEL_ONLY = re.compile(rf"{_LABEL}(?:[\s:,/]+{_LABEL})*\s*:?", re.IGNORECASE)
_FIND_ONLY = re.compile(rf"(?<!\w)(?:{_ONLY_SIGNATURE})(?!\w)", re.IGNORECASE)
_FIND_CHAIR = re.compile(rf"(?<!\w)(?:{_CHAIR})(?!\w)", re.IGNORECASE)
_FIND_SECRETARY = re.compile(rf"(?<!\w)(?:{_SECRETARY})(?!\w)", re.IGNORECASE)
# A name on a line of its own before its role ("Anneli Jäätteenmäki" above "Puheenjohtaja").
_NAME_LINE = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}")
# A place and day of signing: "Lapualla 12.12.2024", "Helsingfors 3.4.2024".
_DATE_LINE = re.compile(r"(?:[\w-]+\s+)?\d{1,2}\.\d{1,2}\.\d{4}(?:\s+klo\s+[\d.:]+)?")
# Lines of a block: short, not a sentence, at most this many of them.
_BLOCK_WORDS = 6
_BLOCK_LINES = 14


def signature_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the (start, end) characters of the signature blocks in text[start:end].

    >>> text = "Päätös\\nHyväksyttiin.\\nVakuudeksi\\nMaija Mallikas\\npöytäkirjanpitäjä"
    >>> [text[s:e] for s, e in signature_spans(text)]
    ['Vakuudeksi\\nMaija Mallikas\\npöytäkirjanpitäjä']
    """
    end = len(text) if end is None else end
    lines: list[tuple[int, int, str]] = []
    at = start
    for line in text[start:end].split("\n"):
        lines.append((at, at + len(line), " ".join(line.split())))
        at += len(line) + 1
    spans = []
    i = 0
    while i < len(lines):
        if not _LABEL_LINE.fullmatch(lines[i][2]):
            i += 1
            continue
        first = i
        if _ROLE.fullmatch(lines[i][2]):
            while first > 0 and first > i - 2 and _NAME_LINE.fullmatch(lines[first - 1][2]):
                first -= 1
        last = i
        while last + 1 < len(lines) and last + 1 - first < _BLOCK_LINES:
            following = lines[last + 1][2]
            if not (following and _in_block(following)):
                break
            last += 1
        block = " ".join(line for _, _, line in lines[first : last + 1])
        # A label alone on its line is a heading ("Pöytäkirjan tarkastajat"), not a block.
        if (first < last or _LABEL_ONLY.fullmatch(block) is None) and (
            _FIND_ONLY.search(block)
            or (_FIND_CHAIR.search(block) and _FIND_SECRETARY.search(block))
        ):
            spans.append((lines[first][0], lines[last][1]))
        i = last + 1
    return spans


def is_signature_label(line: str) -> bool:
    """Tell whether a line names signing roles: where a decision's text has ended."""
    line = " ".join(line.split())
    return bool(_LABEL_LINE.fullmatch(line) and _FIND_ONLY.search(line))


def _in_block(line: str) -> bool:
    """Tell whether a line can be part of a signature block: a label, a name, a title
    ("hallintosihteeri", "Maija Mallikas, kaupunginsihteeri") or a day of signing."""
    if _LABEL_LINE.fullmatch(line) or _DATE_LINE.fullmatch(line):
        return True
    words = line.split()
    return (
        len(words) <= _BLOCK_WORDS
        and not line.endswith((".", ":", "?", "!"))
        and not any("§" in word for word in words)
    )
