"""How postings are written: positions and offsets as varints, a rare term's postings inline.

Whoosh's Positions and Characters formats pickle a list per posting (a tuple per position
with Characters), about 20 bytes for a word seen once; these write the same numbers as
deltas in variable-length integers, about 4 bytes. They decode to exactly what Whoosh's own
formats give, so phrase queries and highlighting read them through the usual Whoosh calls.

Whoosh's W3 codec gives every term a block of its own in the postings file, about 60 bytes
of header and zlib framing even for a term found once; in a news corpus most terms are found
once or a few times. InliningCodec keeps such a term's postings in its term entry, as W3
was meant to (its own inlining has a misspelt call, so W3 never inlines). The inlined postings
are written as varints (codec/term_entries.py), and blocks of postings keep document numbers
and weights apart from positions (codec/blocks.py).
"""

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo, W3TermsReader
from whoosh.formats import Characters, Positions
from whoosh.matching import ListMatcher

from indexer.codec import blocks
from indexer.codec.term_entries import CompactTermInfo, CompactTermsReader
from indexer.codec.varints import decode_varints, encode_varints, first_varint
from indexer.common.persisted import persisted

# Terms with fewer postings than this are inlined. At 100,000 news documents, with the
# entries below, limits of 8 and 32 gave indexes of 165.6 and 156.9 MB (from 197.8 with W3's
# pickled entries and 8), at the same query times.
INLINE_LIMIT = 32
# What a writer asks a field for (FieldType.index).
_INDEX_MODE = {"mode": "index"}
# (term, frequency, weight, encoded value), as a Whoosh format's word_values yields them.
WordValue = tuple[str, int, float, bytes]


class IndexMode(Protocol):
    """An analyzer's index mode in one pass over a text (analysis.index_mode.IndexAnalysis)."""

    def word_values(
        self, text: str, field_boost: float, encode: Callable[[list], bytes], chars: bool
    ) -> Iterator[WordValue]: ...


def _no_index_mode(analyzer: Any) -> IndexMode | None:
    return None


# Finds an analyzer's one-pass index mode, or None to run its chain of filters as Whoosh does.
# The codec knows no analyzer: the writing layer, which writes every segment, plugs the
# Finnish analyzer's in (indexer/writing/__init__.py). The postings are the same either way.
_index_mode: Callable[[Any], IndexMode | None] = _no_index_mode


def use_index_mode(find: Callable[[Any], IndexMode | None]) -> None:
    """Have the formats below index a text through find(analyzer) when that gives one."""
    global _index_mode
    _index_mode = find


@persisted
class VarintPositions(Positions):
    """Whoosh's Positions, written as a count then position deltas in varints."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[WordValue]:
        # A field's text indexed as a writer indexes it: the Finnish analyzer's one loop.
        fast = _index_mode(analyzer) if kwargs == _INDEX_MODE else None
        if fast is None or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        return fast.word_values(value, self.field_boost, self.encode, chars=False)

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
        return first_varint(valuestring)


def _zigzag(n: int) -> int:
    return n * 2 if n >= 0 else -n * 2 - 1


def _unzigzag(n: int) -> int:
    return n // 2 if not n & 1 else -(n + 1) // 2


@persisted
class VarintCharacters(Characters):
    """Whoosh's Characters, written as a count then (position, start, length) deltas.

    The start of a word is counted from the end of the one before, as Whoosh does; it can be
    negative (a lexicon expansion spans the words before it), so it is zigzag-coded.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[WordValue]:
        fast = _index_mode(analyzer) if kwargs == _INDEX_MODE else None
        if fast is None or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        return fast.word_values(value, self.field_boost, self.encode, chars=True)

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
        return first_varint(valuestring)


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


@persisted
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
        return CompactTermsReader(
            self,
            storage.open_file(name),
            storage.file_length(name),
            segment.open_file(storage, self.POSTS_EXT),
        )
