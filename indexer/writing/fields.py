"""A Document as the index stores it: its fields, and its path as users see it."""

import functools
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.fields import Schema

from indexer.analysis.languages import detect_language
from indexer.common.ids import format_of, source_of
from indexer.documents.document import Document
from indexer.documents.metadata import is_heading
from indexer.store.schema import SWEDISH_FIELDS


def display_path(seeds_dir: Path, doc_id: str) -> str:
    """Return a document's path as users see it: relative to the working folder if inside."""
    # The folder's part is worked out once: with Path objects for each document it was a
    # fortieth of a build's time.
    folder = _display_folder(seeds_dir, os.getcwd())
    if folder is None:
        path = (seeds_dir / doc_id).absolute()
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return doc_id if folder == "." else f"{folder}/{doc_id}"


@functools.lru_cache(maxsize=16)
def _display_folder(seeds_dir: Path, cwd: str) -> str | None:
    """Return the seeds folder relative to the working folder, None if it is not inside."""
    try:
        return seeds_dir.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return None


def document_fields(doc: Document, seeds_dir: Path, schema: Schema) -> dict[str, Any]:
    """Return the index fields of a document that the schema has.

    An index built before a field was added keeps its own schema through updates. A title
    that is not a heading is stored to be shown but not indexed: boosted as a title, the first
    200 characters of a paragraph outweighed the rest of it (on SQuAD2-fi's paragraphs of one
    line, MRR@10 0.47 with it, 0.66 without). A Swedish document's title and body are indexed
    in title_sv and body_sv where the schema has them, and stored in title and body, which then
    index nothing.
    """
    language = detect_language(f"{doc.title}\n{doc.body}") if "language" in schema else None
    fields = {
        "id": doc.id,
        "path": display_path(seeds_dir, doc.id),
        "title": doc.title if is_heading(doc.title) else "",
        "body": doc.body,
        "date": datetime(doc.date.year, doc.date.month, doc.date.day) if doc.date else None,
        "size": doc.size,
        "mtime": doc.mtime,
        "hash": doc.hash,
        "note": doc.note,
        "source": source_of(doc.id),
        "format": format_of(doc.id),
        "language": language,
        "pages": list(doc.page_starts) or None,
    }
    found = {name: value for name, value in fields.items() if name in schema}
    if "title" in found:
        # Whoosh stores this instead of the indexed value.
        found["_stored_title"] = doc.title
    if language == "sv" and all(name in schema for name in SWEDISH_FIELDS.values()):
        for name, swedish in SWEDISH_FIELDS.items():
            found[swedish] = found[name]
            found.setdefault(f"_stored_{name}", found[name])
            found[name] = ""
    return found
