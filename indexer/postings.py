"""How postings are written: positions and offsets as varints, a rare term's postings inline.

Whoosh's Positions and Characters formats pickle a list per posting (a tuple per position
with Characters), about 20 bytes for a word seen once; these write the same numbers as
deltas in variable-length integers, about 4 bytes. They decode to exactly what Whoosh's own
formats give, so phrase queries and highlighting read them through the usual Whoosh calls.

Whoosh's W3 codec gives every term a block of its own in the postings file, about 60 bytes
of header and zlib framing even for a term found once; in a news corpus most terms are found
once or a few times. InliningCodec keeps such a term's postings in its term entry, as W3
was meant to (its own inlining has a misspelt call, so W3 never inlines).
"""

from collections.abc import Iterable

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.formats import Characters, Positions

# Terms with fewer postings than this are inlined: at 20,000 news documents, limits of 2 and
# 8 gave an index 7.4% and 8.0% smaller than no inlining.
INLINE_LIMIT = 8


def encode_varints(numbers: Iterable[int]) -> bytes:
    """Write non-negative integers seven bits a byte, the high bit saying more follow.

    >>> encode_varints([1, 300]).hex()
    '01ac02'
    """
    out = bytearray()
    for n in numbers:
        while n > 0x7F:
            out.append(n & 0x7F | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def decode_varints(data: bytes) -> list[int]:
    """Read back what encode_varints wrote.

    >>> decode_varints(bytes.fromhex('01ac02'))
    [1, 300]
    """
    numbers = []
    n = shift = 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            numbers.append(n)
            n = shift = 0
    return numbers


def _first_varint(data: bytes) -> int:
    n = shift = 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    return n


class VarintPositions(Positions):
    """Whoosh's Positions, written as a count then position deltas in varints."""

    def encode(self, poslist: list[int]) -> bytes:
        deltas = [len(poslist)]
        base = 0
        for pos in poslist:
            deltas.append(pos - base)
            base = pos
        return encode_varints(deltas)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions = []
        position = 0
        for delta in decode_varints(valuestring)[1:]:
            position += delta
            positions.append(position)
        return positions

    def decode_frequency(self, valuestring: bytes) -> int:
        return _first_varint(valuestring)


def _zigzag(n: int) -> int:
    return n * 2 if n >= 0 else -n * 2 - 1


def _unzigzag(n: int) -> int:
    return n // 2 if not n & 1 else -(n + 1) // 2


class VarintCharacters(Characters):
    """Whoosh's Characters, written as a count then (position, start, length) deltas.

    The start of a word is counted from the end of the one before, as Whoosh does; it can be
    negative (a lexicon expansion spans the words before it), so it is zigzag-coded.
    """

    def encode(self, poslist: list[tuple[int, int, int]]) -> bytes:
        numbers = [len(poslist)]
        posbase = charbase = 0
        for pos, startchar, endchar in poslist:
            numbers += (pos - posbase, _zigzag(startchar - charbase), endchar - startchar)
            posbase, charbase = pos, endchar
        return encode_varints(numbers)

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        numbers = decode_varints(valuestring)
        posns_chars = []
        position = endchar = 0
        for i in range(1, len(numbers), 3):
            position += numbers[i]
            startchar = endchar + _unzigzag(numbers[i + 1])
            endchar = startchar + numbers[i + 2]
            posns_chars.append((position, startchar, endchar))
        return posns_chars

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return [pos for pos, _, _ in self.decode_characters(valuestring)]

    def decode_frequency(self, valuestring: bytes) -> int:
        return _first_varint(valuestring)


class _InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self) -> W3TermInfo:
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class InliningCodec(W3Codec):
    """Whoosh's W3 codec, with the postings of terms found in few documents kept inline.

    Readers need nothing new: W3 reads inlined postings already. The codec is recorded in
    each segment, so segments written by Whoosh's own writers (an update) mix freely.
    """

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile: object, byteids: bool = False) -> W3PostingsWriter:
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )
