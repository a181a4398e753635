"""How postings are written: positions and offsets as varints, a rare term's postings inline.

Whoosh's Positions and Characters formats pickle a list per posting (a tuple per position
with Characters), about 20 bytes for a word seen once; these write the same numbers as
deltas in variable-length integers, about 4 bytes. They decode to exactly what Whoosh's own
formats give, so phrase queries and highlighting read them through the usual Whoosh calls.

Whoosh's W3 codec gives every term a block of its own in the postings file, about 60 bytes
of header and zlib framing even for a term found once; in a news corpus most terms are found
once or a few times. InliningCodec keeps such a term's postings in its term entry, as W3
was meant to (its own inlining has a misspelt call, so W3 never inlines). W3 would pickle
inlined postings, about 75 bytes for one posting (a bytes object alone pickles to 40); the
entry here writes them as varints, about 5.
"""

import struct
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.formats import Characters, Positions
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer import blocks

# Terms with fewer postings than this are inlined. At 100,000 news documents, with the
# entries below, limits of 8 and 32 gave indexes of 165.6 and 156.9 MB (from 197.8 with W3's
# pickled entries and 8), at the same query times.
INLINE_LIMIT = 32


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


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Return the integer that starts at pos and the position after it."""
    n = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return n, pos
        shift += 7


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


# The first byte of a W3 term entry says whether its postings are inlined (1) or not (0); 2
# marks postings inlined as below. The rest of W3's fixed header stays, so W3's readers of
# the document frequency and weight at fixed offsets read these entries too.
_COMPACT = 2
_SAME_WEIGHT, _OWN_WEIGHTS = 0, 1
_NO_ID = 0xFFFFFFFF


def encode_inlined(ids: Iterable[int], weights: Iterable[float], values: Iterable[bytes]) -> bytes:
    """Write a few postings: their weights unless all equal (float32, as W3 keeps them), the
    document number deltas, and the values with their sizes.

    >>> data = encode_inlined([3, 7], [1.5, 1.5], [b"\\x01", b"\\x02"])
    >>> len(data), decode_inlined(data, 2, 1.5)
    (8, ((3, 7), (1.5, 1.5), (b'\\x01', b'\\x02')))
    """
    weights = array("f", weights)
    out = bytearray()
    if all(w == weights[0] for w in weights):
        # The entry's header holds the largest weight: here, everyone's.
        out.append(_SAME_WEIGHT)
    else:
        out.append(_OWN_WEIGHTS)
        out += struct.pack(f"<{len(weights)}f", *weights)
    numbers = []
    base = 0
    for docnum in ids:
        numbers.append(docnum - base)
        base = docnum
    values = list(values)
    # W3 keeps no values for a format without them (an ID field): then the count is 0.
    numbers.append(len(values))
    out += encode_varints(numbers)
    for value in values:
        out += encode_varints([len(value)])
        out += value
    return bytes(out)


def decode_inlined(
    data: bytes, count: int, max_weight: float
) -> tuple[tuple[int, ...], tuple[float, ...], tuple[bytes, ...]]:
    """Read back count postings that encode_inlined wrote; max_weight is their largest."""
    if data[0] == _SAME_WEIGHT:
        weights = (max_weight,) * count
        pos = 1
    else:
        weights = struct.unpack_from(f"<{count}f", data, 1)
        pos = 1 + 4 * count
    ids = []
    docnum = 0
    for _ in range(count):
        delta, pos = _read_varint(data, pos)
        docnum += delta
        ids.append(docnum)
    values = []
    present, pos = _read_varint(data, pos)
    for _ in range(present):
        size, pos = _read_varint(data, pos)
        values.append(data[pos : pos + size])
        pos += size
    return tuple(ids), weights, tuple(values)


class CompactTermInfo(W3TermInfo):
    """A W3 term entry whose inlined postings are written by encode_inlined.

    Read entries decode their postings when asked: listing the terms of a prefix reads
    hundreds of entries for their document frequencies alone.
    """

    _packed: bytes | None = None

    def is_inlined(self) -> bool:
        return self._packed is not None or self._inlined is not None

    def inlined_postings(self) -> tuple:
        if self._inlined is None and self._packed is not None:
            self._inlined = decode_inlined(self._packed, self._df, self._maxweight)
        return self._inlined

    def to_bytes(self) -> bytes:
        if not self.is_inlined():
            return super().to_bytes()
        ids, weights, values = self.inlined_postings()
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        header = self._struct.pack(
            _COMPACT,
            self._weight,
            self._df,
            minlength,
            length_to_byte(self._maxlength),
            self._maxweight,
            _NO_ID if self._minid is None else self._minid,
            _NO_ID if self._maxid is None else self._maxid,
        )
        return header + encode_inlined(ids, weights, values)

    @classmethod
    def from_bytes(cls, s: bytes) -> W3TermInfo:
        if s[0] != _COMPACT:
            return W3TermInfo.from_bytes(s)
        flag, weight, df, minlength, maxlength, maxweight, minid, maxid = cls._struct.unpack(
            s[: cls._struct.size]
        )
        terminfo = cls()
        terminfo._weight, terminfo._df, terminfo._maxweight = weight, df, maxweight
        terminfo._minlength = byte_to_length(minlength)
        terminfo._maxlength = byte_to_length(maxlength)
        terminfo._minid = None if minid == _NO_ID else minid
        terminfo._maxid = None if maxid == _NO_ID else maxid
        terminfo._packed = s[cls._struct.size :]
        return terminfo


class _CompactFieldCursor(W3FieldCursor):
    def term_info(self) -> W3TermInfo | None:
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


# Term lookups a segment's reader remembers: a one-word query looks each of its terms up four
# times (is it there, its document frequency, its entry, its postings for the snippet), each a
# hash, seeks and reads in Python, and the same words come again in the next queries.
_LOOKUPS_KEPT = 4096


class _RememberingHashReader(OrderedHashReader):
    """Whoosh's ordered hash file reader, keeping the places of the keys it was asked for.

    A segment's files never change, so a place found stays true for the reader's life.
    """

    def __init__(self, dbfile: Any, length: int) -> None:
        super().__init__(dbfile, length)
        self._places: dict[bytes, tuple] = {}

    def ranges_for_key(self, key: bytes) -> Iterator[tuple[int, int]]:
        places = self._places.get(key)
        if places is None:
            places = tuple(super().ranges_for_key(key))
            if len(self._places) >= _LOOKUPS_KEPT:
                self._places.clear()
            self._places[key] = places
        return iter(places)


class _CompactTermsReader(W3TermsReader):
    """W3's terms reader, reading term entries as CompactTermInfo (old entries too) and
    remembering where the terms asked for are."""

    def __init__(self, codec: Any, dbfile: Any, length: int, postfile: Any) -> None:
        super().__init__(codec, dbfile, length, postfile)
        # The same file, read through a reader that remembers lookups.
        self._tindex = _RememberingHashReader(dbfile, length)

    def cursor(self, fieldname: str, fieldobj: Any) -> W3FieldCursor:
        return _CompactFieldCursor(
            self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj
        )

    def items(self) -> Iterable:
        decode = self._keydecoder
        return (
            (decode(key), CompactTermInfo.from_bytes(value)) for key, value in self._tindex.items()
        )

    def items_from(self, fieldname: str, prefix: bytes) -> Iterable:
        decode = self._keydecoder
        return (
            (decode(key), CompactTermInfo.from_bytes(value))
            for key, value in self._tindex.items_from(self._keycoder(fieldname, prefix))
        )

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        try:
            return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None


class _InliningPostingsWriter(blocks.BlockWriter):
    def start_postings(self, format_: Any, terminfo: W3TermInfo) -> None:
        # W3's field writer hands every term a plain W3TermInfo.
        super().start_postings(format_, CompactTermInfo())

    def add_posting(
        self, id_: int, weight: float, vbytes: bytes, length: int | None = None
    ) -> None:
        # W3's, without its four type assertions a posting: the writer's own pool made these.
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

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

    The codec is recorded in each segment, and its reader reads W3's own term entries too,
    so segments written before, or by Whoosh's own writers, mix freely.
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

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return blocks.postings_reader(dbfile, offset, length, format_, term=term, scorer=scorer)

    def terms_reader(self, storage: Any, segment: Any) -> W3TermsReader:
        name = segment.make_filename(self.TERMS_EXT)
        return _CompactTermsReader(
            self,
            storage.open_file(name),
            storage.file_length(name),
            segment.open_file(storage, self.POSTS_EXT),
        )
