"""Split Finnish text into words as they are written."""

import re
from collections.abc import Iterator

from whoosh.analysis import Filter, Token, Tokenizer

from indexer.common.persisted import persisted

# Numbers with separators first, so "1.7.2021" and "10:30" stay whole and a sentence-final full
# stop is never glued to a word. Words keep inner hyphens (compounds) and colons (case endings of
# abbreviations), and a trailing hyphen marks an elided compound part ("lasten- ja nuorten").
TOKEN_PATTERN = re.compile(r"\d+(?:[.,:]\d+)+|\w+(?:[-:]\w+)*-?")

# "STM:n", "EU:ssa", "2023:n": the colon separates a case ending from an abbreviation or number.
_COLON_ENDING = re.compile(r"(.+):[^\W\d_]{1,5}")
# "VATEa", "THLssa": an uppercase acronym inflected without a colon.
_ACRONYM_ENDING = re.compile(r"([A-ZÅÄÖ]{2,})[a-zåäö]{1,4}")


@persisted
class FinnishTokenizer(Tokenizer):
    """Yield a token per written word, numbering positions one per word.

    The text of a word keeps its inner hyphens and an elision hyphen; its characters span the
    word without the elision hyphen, so highlighting marks just the word. Like Whoosh's own
    tokenizers it yields one token object over and over: copy() a token to keep it.

    >>> [(t.text, t.pos) for t in FinnishTokenizer()("Sote-uudistus 1.7.2021: lasten- ja")]
    [('Sote-uudistus', 0), ('1.7.2021', 1), ('lasten-', 2), ('ja', 3)]
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops, mode, **kwargs)
        if not tokenize:
            t.text = t.original = value
            t.pos, t.startchar, t.endchar = start_pos, start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value), start_pos):
            word = match.group()
            t.text = word
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            # Always numbered: the lexicon filter groups a word's alternatives by position.
            t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end() - word.endswith("-")
            yield t


@persisted
class CaseEndingFilter(Filter):
    """Remove the case ending of an abbreviation, so its inflected forms find it.

    >>> [t.text for t in (FinnishTokenizer() | CaseEndingFilter())("STM:n VATEa EU:ssa Kela")]
    ['STM', 'VATE', 'EU', 'Kela']
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = without_case_ending(t.text)
            yield t


def without_case_ending(word: str) -> str:
    """Return a written word without the case ending of an abbreviation.

    >>> without_case_ending("STM:n"), without_case_ending("VATEa"), without_case_ending("Kela")
    ('STM', 'VATE', 'Kela')
    """
    match = _COLON_ENDING.fullmatch(word) or _ACRONYM_ENDING.fullmatch(word)
    return match.group(1) if match else word
