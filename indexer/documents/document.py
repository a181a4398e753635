"""A file of the seeds folder as the library knows it: a Document read, or a Skipped and why."""

import datetime
from dataclasses import dataclass

from indexer.common.text import xml_safe
from indexer.documents.decisions import Decision
from indexer.documents.sections import Section


@dataclass(frozen=True)
class Document:
    """A file from the seeds folder, read and ready to index."""

    id: str  # path relative to the seeds folder, with "/" separators
    title: str
    date: datetime.date | None
    body: str  # the text, for HTML the visible text; newlines are "\n"
    size: int  # bytes on disk
    mtime: float
    hash: str  # sha256 hex of the raw bytes
    note: str | None  # how the text was decoded or read (OCR), when that is worth saying
    # Where each page starts in body, for formats with pages (PDF); () for the others.
    page_starts: tuple[int, ...] = ()
    # What a minutes, agenda or official's decision says about itself; None for the others.
    decision: Decision | None = None
    # A decision document's sections ("§ 140"), in order; () for the others.
    sections: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        # Titles, snippets and notes go into XML (the Atom feed), where one \x01 of one
        # document made the whole feed invalid. In the text replaced by spaces, not removed,
        # so that the page_starts still point where they did.
        if xml_safe(self.title) != self.title:
            object.__setattr__(self, "title", xml_safe(self.title).strip())
        for name in ("body", "note"):
            value = getattr(self, name)
            if value and xml_safe(value) != value:
                object.__setattr__(self, name, xml_safe(value, " "))


@dataclass(frozen=True)
class Skipped:
    """A file from the seeds folder that is not indexed, and why, in words for a person."""

    id: str
    reason: str
