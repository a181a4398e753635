"""The original file of an indexed document, as a journalist cites it: the signed PDF of the
minutes, read from the seeds folder.

Only a file the index holds is served, by its id, and it is read as a build reads it
(documents/folder.py): one path part at a time below the seeds folder, following no link out
of it, at most the size a build would read.
"""

from dataclasses import dataclass
from pathlib import Path

from indexer.documents.document import Skipped
from indexer.documents.folder import read_file
from indexer.store import searchers

# What each format is sent as.
_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".md": "text/markdown",
}


@dataclass(frozen=True)
class Original:
    """A document's file as it is in the seeds folder."""

    name: str  # the file's name, without its folders
    content: bytes
    media_type: str


def original_file(index_dir: Path, seeds_dir: Path, doc_id: str, max_bytes: int) -> Original | None:
    """Return the file of an indexed document, or None when the index has no such document or
    the file cannot be read from the seeds folder any more."""
    with searchers.live_searcher(index_dir) as (_, searcher):
        docnum = searcher.document_number(id=doc_id)
        if docnum is None or searcher.stored_fields(docnum).get("section"):
            return None
    read = read_file(seeds_dir.resolve(), doc_id, max_bytes)
    if isinstance(read, Skipped):
        return None
    suffix = Path(doc_id).suffix.lower()
    return Original(
        doc_id.rsplit("/", 1)[-1], read[0], _TYPES.get(suffix, "application/octet-stream")
    )
