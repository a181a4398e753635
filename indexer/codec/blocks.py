"""Posting blocks whose document numbers and weights are read without their positions.

Whoosh's W3 codec pickles each block of up to 128 postings as one tuple (document numbers,
weights, values) and zlib-compresses it, so ranking a word, which needs only the numbers
and weights, unpickles every posting's positions and character offsets too: a third of the
time of a query for a common word. These blocks keep the three apart: the document number
deltas and the weights as packed arrays (read with one C call each) and the values
compressed on their own, decompressed only when a phrase or a snippet asks for them.

A term's postings start with their own tag, so a reader tells these blocks from W3's: an
index built before them keeps working.
"""

import struct
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PostingsWriter
from whoosh.matching import ReadTooFar
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

MAGIC = b"SHb2"
# zlib level of the values, as W3 compresses its blocks.
_COMPRESSION = 3

# Block info: postings, first and last document number, largest weight, smallest and largest
# field length bytes; then the widths and sizes of the numbers and weights parts.
_INFO = struct.Struct("<IIIfBB")
_PARTS = struct.Struct("<BBII")
_COUNT = struct.Struct("<I")
# How weights are kept: all 1.0 (nothing written), all one value, or one each.
_ALL_ONE, _ALL_SAME, _EACH = 0, 1, 2


def _packed(numbers: Any) -> tuple[int, bytes]:
    """Return the narrowest array typecode's width and the numbers packed in it."""
    top = max(numbers, default=0)
    for code in ("B", "H", "I"):
        packed = array(code)
        if top < 1 << (8 * packed.itemsize):
            packed.extend(numbers)
            return packed.itemsize, packed.tobytes()
    raise ValueError(f"document number {top} is too large")


_CODES = {1: "B", 2: "H", 4: "I"}


def _unpacked(width: int, data: bytes) -> array:
    numbers = array(_CODES[width])
    numbers.frombytes(data)
    return numbers


def encode_block(
    ids: Any, weights: Any, values: list[bytes], min_length: int | None, max_length: int
) -> bytes:
    """Return a block's info and data as written after its length.

    >>> block = encode_block([4, 9, 300], array("f", [1.0, 1.0, 1.0]), [b"a", b"", b"bc"], 3, 7)
    >>> info, numbers, weights, values = decode_block(block)
    >>> info[:3], list(numbers), list(weights), list(values())
    ((3, 4, 300), [4, 9, 300], [1.0, 1.0, 1.0], [b'a', b'', b'bc'])
    """
    if values and len(values) != len(ids):
        # W3 drops empty values; only a format without values (an ID) has them all empty.
        raise ValueError("a block's values must be all present or all empty")
    id_width, id_bytes = _packed([b - a for a, b in zip(ids, ids[1:], strict=False)])
    if all(w == 1.0 for w in weights):
        weight_code, weight_bytes = _ALL_ONE, b""
    elif all(w == weights[0] for w in weights):
        weight_code, weight_bytes = _ALL_SAME, struct.pack("<f", weights[0])
    else:
        weight_code, weight_bytes = _EACH, array("f", weights).tobytes()
    if values:
        size_width, sizes = _packed([len(v) for v in values])
        value_bytes = zlib.compress(bytes([size_width]) + sizes + b"".join(values), _COMPRESSION)
    else:
        value_bytes = b""
    info = _INFO.pack(
        len(ids),
        ids[0],
        ids[-1],
        max(weights),
        0 if min_length is None else length_to_byte(min_length),
        length_to_byte(max_length),
    )
    parts = _PARTS.pack(id_width, weight_code, len(id_bytes), len(weight_bytes))
    return info + parts + id_bytes + weight_bytes + value_bytes


def decode_block(data: bytes) -> tuple[tuple, array, Any, Any]:
    """Return a block's info, document numbers and weights, and a function for its values."""
    info = _INFO.unpack_from(data)
    count, first = info[0], info[1]
    id_width, weight_code, id_size, weight_size = _PARTS.unpack_from(data, _INFO.size)
    start = _INFO.size + _PARTS.size
    deltas = _unpacked(id_width, data[start : start + id_size])
    ids = array("I", accumulate(deltas, initial=first))
    start += id_size
    weights = array("f")
    if weight_code == _ALL_ONE:
        weights.append(1.0)
    else:
        weights.frombytes(data[start : start + weight_size])
    if weight_code != _EACH:
        weights *= count
    start += weight_size

    def values() -> "_Values | list[bytes]":
        if start == len(data):
            return [b""] * count
        raw = zlib.decompress(data[start:])
        width = raw[0]
        sizes = _unpacked(width, raw[1 : 1 + width * count])
        return _Values(raw, list(accumulate(sizes, initial=1 + width * count)))

    return info, ids, weights, values


class _Values:
    """A block's values, each cut out of the decompressed block when asked for: a phrase or
    a snippet reads a common word's values in a few of a block's documents, and cutting all
    of them was a tenth of a phrase query's time. Indexes are from 0, as the matcher asks."""

    __slots__ = ("_raw", "_ends")

    def __init__(self, raw: bytes, ends: list[int]) -> None:
        self._raw, self._ends = raw, ends

    def __len__(self) -> int:
        return len(self._ends) - 1

    def __getitem__(self, i: int) -> bytes:
        ends = self._ends
        return self._raw[ends[i] : ends[i + 1]]

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(len(self)))


class BlockWriter(W3PostingsWriter):
    """W3's postings writer, writing blocks as encode_block does, and after the last block a
    directory of the blocks: each one's last document number and place, then their count."""

    def start_postings(self, format_: Any, terminfo: Any) -> None:
        super().start_postings(format_, terminfo)
        self._last_ids = array("I")
        self._places = array("I")

    def _write_block(self, last: bool = False) -> None:
        if self._byteids:
            # Term vectors (document numbers are terms there) keep W3's blocks.
            super()._write_block(last)
            return
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(MAGIC)
        self._terminfo.add_block(self)
        self._last_ids.append(self._ids[-1])
        self._places.append(postfile.tell() - self._startoffset)
        block = encode_block(
            self._ids, self._weights, self._values, self._minlength, self._maxlength
        )
        postfile.write_int(-len(block) if last else len(block))
        postfile.write(block)
        if last:
            postfile.write(self._last_ids.tobytes() + self._places.tobytes())
            postfile.write(_COUNT.pack(len(self._places)))
        self._blockcount += 1
        self._new_block()


class BlockMatcher(W3LeafMatcher):
    """W3's leaf matcher over blocks that encode_block wrote."""

    def _read_header(self) -> None:
        postfile, start = self._postfile, self._startoffset
        if postfile.get(start, 4) != MAGIC:
            raise ValueError("Postings are not in Sotehaku's block format.")
        self._baseoffset = start + 4
        # W3's term entries give the length read back as a 1-tuple.
        length = self._length[0] if isinstance(self._length, tuple) else self._length
        (count,) = _COUNT.unpack(postfile.get(start + length - _COUNT.size, _COUNT.size))
        directory = postfile.get(start + length - _COUNT.size - 8 * count, 8 * count)
        self._last_ids = _unpacked(4, directory[: 4 * count])
        self._places = _unpacked(4, directory[4 * count :])

    def reset(self) -> None:
        self._block_number = -1
        super().reset()

    def _goto(self, position: int) -> None:
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        self._block_number += 1
        length = self._postfile.get_int(position)
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + _INT_SIZE + length
        self._dataoffset = position + _INT_SIZE
        count, _, maxid, maxweight, minlength, maxlength = _INFO.unpack(
            self._postfile.get(self._dataoffset, _INFO.size)
        )
        self._blocklength, self._maxid, self._maxweight = count, maxid, maxweight
        self._compression = None
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)

    def skip_to(self, targetid: int) -> None:
        # W3 steps through a block one posting at a time; a phrase or an AND skips a common
        # word's postings to each candidate document, so search the block's numbers instead.
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            # The directory says which block holds the target: no block between is read.
            block = bisect_left(self._last_ids, targetid, self._block_number + 1)
            if block == len(self._places):
                self._atend = True
                return
            self._block_number = block - 1
            self._goto(self._startoffset + self._places[block])
        if self._ids is None:
            self._read_data()
        self._i = bisect_left(self._ids, targetid, self._i)

    def _read_data(self) -> None:
        block = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        _, self._ids, self._weights, self._read_block_values = decode_block(block)
        self._data = True

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        if self._fixedsize == 0:
            # As W3 gives them for a format without values.
            self._values = (None,) * self._blocklength
        else:
            self._values = self._read_block_values()


def postings_reader(postfile: Any, offset: int, length: int, format_: Any, **kwargs: Any) -> Any:
    """Return the matcher for a term's blocks, ours or W3's (an index built before)."""
    if postfile.get(offset, 4) == WHOOSH3_HEADER_MAGIC:
        return W3LeafMatcher(postfile, offset, length, format_, **kwargs)
    return BlockMatcher(postfile, offset, length, format_, **kwargs)
