"""What identifies the documents a searcher sees, for caches kept per generation."""

from typing import Any


def segments_key(searcher: Any) -> tuple:
    """Return a key that changes whenever the searcher's documents do: each segment's folder
    and id (a segment never changes) and how many of its documents are deleted (deletions
    only grow)."""
    readers = [reader for reader, _ in searcher.reader().leaf_readers()]
    return tuple(
        (r._storage.folder, r._segment.segment_id(), r._segment.deleted_count()) for r in readers
    )
