"""The order of one index's results over all shards: a unit's key in a sort, by which the
coordinator merges the shards' entries and a shard places a decision's version from another
shard. One index orders equal scores (or dates) by document number, which is the order of
the files' ids (a build indexes them sorted), and a file's units follow it; a file is in one
shard, so (file id, document number in its shard) is that order."""

from typing import Any

# An undated document's day (facets._UNDATED): after every dated one in either date order.
UNDATED = 0


def order_key(sort: str, score: float, docnum: int, day: int, file_id: str) -> tuple:
    """Return a unit's place in the sort order of a whole result: the smaller, the first."""
    if sort == "relevance":
        return (-score, file_id, docnum)
    sign = -1 if sort == "newest" else 1
    return (day == UNDATED, sign * day, -score, file_id, docnum)


def file_id(searcher: Any, cols: Any, docnum: int) -> str:
    """Return the id of a unit's file (a section's unit is its file's): from the facet
    column where the index has one (a sectioned file's units), else its stored fields."""
    if cols is not None and cols.file is not None and cols.file[docnum]:
        return cols.file[docnum]
    fields = searcher.stored_fields(docnum)
    return (fields.get("section") or {}).get("file") or fields["id"]
