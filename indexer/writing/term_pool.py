"""A new segment's postings gathered a term at a time, not one tuple at a time.

Whoosh's writer keeps every posting as a (field, term, document, weight, value) tuple, sorts
them all, and past its memory limit pickles them into runs on disk one tuple at a time and
merges the runs with a heap. In a 100,000-document build each worker did that for millions of
postings: a quarter of its time (py-spy). A writer adds documents in the order of their
numbers, so each term's postings arrive in order: this pool keeps a list per term, sorts only
the terms, and past its memory limit writes each term's postings as one marshal record.
"""

import heapq
import marshal
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

# A term's postings are kept flat, three items a posting: document number, weight, value.
Postings = list[Any]
# (field name, term bytes, postings), in the order of field name and term.
TermPostings = tuple[str, bytes, Postings]

# Estimated bytes a posting and a new term hold, on top of the value's and the term's length:
# three list slots, the value's bytes object, a quarter of a float (weights are shared, see
# add_postings); a term's bytes object, its dict entry and its list. Measured in
# tests/test_term_pool.py against tracemalloc.
POSTING_BYTES = 64
TERM_BYTES = 180
# Runs merged at once, so a build with a small memory limit does not open a file per run.
MAX_OPEN_RUNS = 64
# Distinct weights are few (sums of a few boosts); past this many, stop sharing new ones.
_MAX_SHARED_WEIGHTS = 4096

_key = itemgetter(0, 1)


class TermPool:
    """Postings of one new segment, by field and term, spilled to runs past limit_bytes.

    Postings must come in order of document number for each term, as a writer adds
    documents (and then the documents of segments it merges, numbered after its own).
    tempstore is a Whoosh storage for the runs; cleanup() removes them.
    """

    def __init__(self, tempstore: Any, limit_bytes: int) -> None:
        self._tempstore = tempstore
        self.limit = limit_bytes
        self.size = 0
        self._fields: dict[str, dict[bytes, Postings]] = {}
        self._weights: dict[float, float] = {}
        self._runs: list[str] = []
        self._made = 0  # runs written, for their names

    def add_postings(
        self,
        fieldname: str,
        docnum: int,
        items: Iterable[tuple[bytes, int, float, bytes | None]],
        boost: float = 1.0,
    ) -> int:
        """Add one document's postings of one field, as FieldType.index() yields them, each
        weight multiplied by boost; return the sum of their frequencies."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        weights = self._weights
        length = size = 0
        for tbytes, freq, weight, vbytes in items:
            weight *= boost
            length += freq
            # One float object for each distinct weight: most postings weigh 1, 0.5 or 2.5.
            shared = weights.get(weight)
            if shared is None:
                shared = weight
                if len(weights) < _MAX_SHARED_WEIGHTS:
                    weights[weight] = weight
            postings = terms.get(tbytes)
            if postings is None:
                terms[tbytes] = [docnum, shared, vbytes]
                size += TERM_BYTES + len(tbytes)
            else:
                postings += (docnum, shared, vbytes)
            size += POSTING_BYTES + (len(vbytes) if vbytes else 0)
        self.size += size
        if self.size > self.limit:
            self.save()
        return length

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one (field name, term bytes, document number, weight, value) posting, as
        Whoosh's writer does when it merges a segment into this one."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_postings(fieldname, docnum, [(tbytes, 1, weight, vbytes)])

    def save(self) -> None:
        """Write the postings held in memory to a run on disk, in order, and forget them."""
        if not self._fields:
            return
        self._runs.append(self._write_run(self._in_memory()))
        self._fields = {}
        self.size = 0

    def terms(self) -> Iterator[TermPostings]:
        """Yield every term's postings, in order of field name and term, emptying the pool."""
        held = self._in_memory()
        self._fields, self.size = {}, 0
        if not self._runs:
            yield from held
            return
        while len(self._runs) >= MAX_OPEN_RUNS:
            first, self._runs = self._runs[:MAX_OPEN_RUNS], self._runs[MAX_OPEN_RUNS:]
            self._runs.insert(0, self._write_run(self._merged([self._read_run(r) for r in first])))
            for run in first:
                self._tempstore.delete_file(run)
        runs, self._runs = self._runs, []
        # The postings in memory are of the last documents added: they come last.
        yield from self._merged([self._read_run(r) for r in runs] + [held])
        for run in runs:
            self._tempstore.delete_file(run)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Yield every posting as Whoosh's pool does, sorted; the pool is emptied."""
        for fieldname, tbytes, postings in self.terms():
            for i in range(0, len(postings), 3):
                yield fieldname, tbytes, postings[i], postings[i + 1], postings[i + 2]

    def cleanup(self) -> None:
        """Remove any run left on disk (a writer that was cancelled)."""
        for run in self._runs:
            self._tempstore.delete_file(run)
        self._runs = []

    def _in_memory(self) -> Iterator[TermPostings]:
        fields = self._fields
        return (
            (fieldname, tbytes, fields[fieldname][tbytes])
            for fieldname in sorted(fields)
            for tbytes in sorted(fields[fieldname])
        )

    def _write_run(self, records: Iterable[TermPostings]) -> str:
        self._made += 1
        name = f"terms-{self._made}.run"
        with self._tempstore.create_file(name).raw_file() as run:
            for record in records:
                marshal.dump(record, run)
        return name

    def _read_run(self, name: str) -> Iterator[TermPostings]:
        with self._tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    yield marshal.load(run)
                except EOFError:
                    return

    @staticmethod
    def _merged(sources: list[Iterable[TermPostings]]) -> Iterator[TermPostings]:
        """Merge sorted sources by term; a term's postings are joined in the order of the
        sources (heapq.merge keeps that order among equal keys)."""
        for (fieldname, tbytes), group in groupby(heapq.merge(*sources, key=_key), _key):
            postings: Postings = []
            for _, _, more in group:
                postings += more
            yield fieldname, tbytes, postings
