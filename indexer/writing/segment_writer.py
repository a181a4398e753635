"""Writing a share's segment: Whoosh's segment writer fed a term at a time, and the shares'
segments joined under one table of contents."""

import os
import shutil
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.writing import SegmentWriter

from indexer.writing.term_pool import TermPool


class ShareWriter(SegmentWriter):
    """Whoosh's segment writer, with the postings gathered a term at a time (TermPool).

    Writing the postings asks for the length of the document of every posting, which W3
    reads from the segment's file each time (a seventh of a build's time): each field's
    lengths are read once instead.
    """

    def __init__(self, ix: Any, *, limitmb: int, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if any(f.separate_spelling() or f.vector for _, f in self.schema.items()):
            raise ValueError("A share's writer takes no spelling fields or term vectors.")
        self.pool = TermPool(self._tempstorage, limitmb * 1024 * 1024)

    def add_document(self, **fields: Any) -> None:
        # Whoosh's own, for a schema without spelling fields or term vectors, giving each
        # field's postings to the pool in one call instead of a tuple and a call a posting.
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = self.pool.add_postings(fieldname, docnum, field.index(value), boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    column_value = field.to_column_value(stored)
                    perdocwriter.add_column_value(fieldname, field.column_type, column_value)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader()
        writer = self.fieldwriter
        field = None
        for fieldname, tbytes, postings in self.pool.terms():
            if fieldname != field:
                if field is not None:
                    writer.finish_field()
                writer.start_field(fieldname, self.schema[fieldname])
                field = fieldname
                lengths = _field_lengths(reader, fieldname)
            writer.start_term(tbytes)
            add = writer.add
            for i in range(0, len(postings), 3):
                docnum = postings[i]
                add(docnum, postings[i + 1], postings[i + 2] or b"", lengths[docnum])
            writer.finish_term()
        if field is not None:
            writer.finish_field()
        writer.close()
        reader.close()


def _field_lengths(reader: Any, fieldname: str) -> list[int]:
    """Return the length of the field in each document of a segment's per-document reader."""
    read = reader.doc_field_length
    return [read(n, fieldname, 0) for n in range(reader.doc_count_all())]


# Whoosh's name for the one index in a folder.
_INDEX_NAME = "MAIN"


def join_segments(build_dir: Path, folders: list[Path]) -> None:
    """Move the segments of the shares' folders into the build folder, listing them all in its
    table of contents, and remove the folders.

    Segments keep the order of the shares, so documents are numbered in file order.
    """
    storage = FileStorage(str(build_dir))
    created = TOC.read(storage, _INDEX_NAME)
    segments = []
    for folder in folders:
        for segment in TOC.read(FileStorage(str(folder)), _INDEX_NAME).segments:
            prefix = segment.segment_id() + "."
            for name in os.listdir(folder):
                if name.startswith(prefix):
                    os.replace(folder / name, build_dir / name)
            segments.append(segment)
        shutil.rmtree(folder)
    generation = created.generation + 1
    TOC(created.schema, segments, generation).write(storage, _INDEX_NAME)
    # Removes the empty table of contents the build folder was created with.
    clean_files(storage, _INDEX_NAME, generation, segments)
