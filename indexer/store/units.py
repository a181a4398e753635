"""Units of search: a file is one Whoosh document, and each section of a decision document
(documents/sections.py) one more.

Every unit of a sectioned file holds the file's id in the indexed `file` field, so that an
update or removal of a file replaces all its units with delete_by_term("file", id) beside
delete_by_term("id", id); a file without sections has no `file`, which would cost a news
archive a term a document. `unit` (a column) is
"section" or "formal" for a section's unit, "front" for a sectioned file's own, and none for
a file without sections. An index built before sections has neither field,
and its units are its files.
"""

import sys
from array import array
from typing import Any

from whoosh.columns import RefBytesColumn

from indexer.store.per_reader import per_reader

SECTION = "section"
# A formal section of a meeting (documents/sections.py), and what of a sectioned file's text is
# outside its sections (the first pages: attendance, signatures): the same words in every
# meeting, ranked below the matters (search/searching.py).
FORMAL = "formal"
FRONT = "front"
_SECTIONS = (SECTION.encode(), FORMAL.encode())
_BOILERPLATE = (FORMAL.encode(), FRONT.encode())


def is_sectioned(schema: Any) -> bool:
    """Tell whether an index keeps sections as units of their own (built since they were)."""
    return "file" in schema and "unit" in schema


def section_flags(reader: Any) -> list[bool]:
    """Return, for each document number of a reader, whether it is a section's unit."""
    return _flags(reader, _SECTIONS)


def boilerplate_flags(reader: Any) -> list[bool]:
    """Return, for each document number of a reader, whether it is a formal section's unit or
    a sectioned file's own."""
    return _flags(reader, _BOILERPLATE)


def _flags(reader: Any, values: tuple[bytes, ...]) -> list[bool]:
    flags: list[bool] = []
    # Segment by segment: a segment without a section has no column of units at all.
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        if "unit" not in leaf.schema or not leaf.has_column("unit"):
            flags.extend([False] * count)
            continue
        column = leaf.column_reader("unit", translate=False)
        if type(column) is RefBytesColumn.Reader:
            # Each document's reference read in one piece, as facets.py reads its columns:
            # a call a document would take a second at 100,000 documents.
            wanted = [value in values for value in column._uniques]
            refs = array(column._typecode)
            refs.frombytes(column._dbfile.get(column._basepos, count * column._itemsize))
            if sys.byteorder == "little":
                refs.byteswap()
            flags.extend(wanted[ref] for ref in refs)
        else:
            flags.extend(column[d] in values for d in range(count))
    return flags


def file_count(reader: Any) -> int:
    """Return how many files the index holds: its live units that are not sections."""
    flags = section_flags(reader)
    return sum(1 for d in reader.all_doc_ids() if not flags[d])


@per_reader
def has_sections(reader: Any) -> bool:
    """Tell whether any unit of the index is a section's (deleted ones count: a guess that
    costs one term lookup)."""
    if "unit" not in reader.schema:
        return False
    return reader.doc_frequency("unit", SECTION) + reader.doc_frequency("unit", FORMAL) > 0
