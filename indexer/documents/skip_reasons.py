"""Kinds of skip reason: a short, fixed name for each reason a file is not indexed.

Reasons are sentences for a person and carry sizes, limits and errors; a metric label or a
log query needs a handful of fixed values instead. A reason nobody listed here yet is "other".
"""

import re

# First match wins: (kind, how the reason starts).
KINDS: tuple[tuple[str, str], ...] = (
    ("unsupported_type", "unsupported type"),
    ("empty", "empty file"),
    ("binary", "binary file"),
    ("too_large", "larger than the"),
    ("timeout", "reading its text took longer"),
    ("extraction_failed", "reading its text failed"),
    ("bad_html", "HTML the parser gave up"),
    ("link_outside", "link pointing outside"),
    ("unreadable", "unreadable"),
    ("folder_unreadable", "folder not read"),
    ("bad_name", "file name is not valid"),
    ("not_a_file", "not a regular file|not a relative path|hidden file"),
    # The readers of PDF, DOCX and ODT (indexer/documents/binary.py).
    ("encrypted", "encrypted PDF"),
    ("damaged", "damaged|not an OpenDocument"),
    ("zip_bomb", "(?:DOCX|ODT) that unpacks to"),
    ("too_many_pages", "PDF of [\\d,]+ pages"),
    ("out_of_memory", "reading its text (?:needed more than|ran out of memory)"),
    ("no_text", "(?:PDF|DOCX|ODT|HTML) without"),
    ("reader_failed", "(?:PDF|DOCX|ODT) that its reader failed"),
)
_KIND_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in KINDS)


def reason_kind(reason: str) -> str:
    """Return the kind of a skip reason.

    >>> reason_kind("larger than the 10 MB limit (12 MB)")
    'too_large'
    """
    for kind, pattern in _KIND_PATTERNS:
        if pattern.match(reason):
            return kind
    return "other"


def count_kinds(reasons: list[str]) -> dict[str, int]:
    """Count skip reasons by kind, in the order of KINDS."""
    counts: dict[str, int] = {}
    for reason in reasons:
        kind = reason_kind(reason)
        counts[kind] = counts.get(kind, 0) + 1
    order = [kind for kind, _ in KINDS] + ["other"]
    return {kind: counts[kind] for kind in order if kind in counts}
