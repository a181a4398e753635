"""Term entries whose inlined postings are varints, and a terms reader that reads them.

W3 pickles the postings it inlines into a term entry, about 75 bytes for one posting (a bytes
object alone pickles to 40); these entries write them as varints, about 6. The reader reads
W3's own entries too, so segments written before stay readable.
"""

import struct
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3FieldCursor, W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.codec.varints import encode_varints, read_varint

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
        delta, pos = read_varint(data, pos)
        docnum += delta
        ids.append(docnum)
    values = []
    present, pos = read_varint(data, pos)
    for _ in range(present):
        size, pos = read_varint(data, pos)
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


class CompactTermsReader(W3TermsReader):
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
