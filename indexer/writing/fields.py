"""A Document as the index stores it: its fields, and its path as users see it."""

import functools
import os
import re
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.fields import Schema

from indexer.analysis.cases import case_terms
from indexer.analysis.languages import detect_language, section_language
from indexer.common.ids import format_of, source_of
from indexer.documents.decisions import Decision
from indexer.documents.document import Document
from indexer.documents.metadata import is_heading
from indexer.documents.same_decision import decision_key
from indexer.documents.sections import Section
from indexer.documents.signatures import signature_spans
from indexer.store.schema import SWEDISH_FIELDS
from indexer.store.units import FORMAL, FRONT, SECTION, is_sectioned

# The fields a section's unit has as its file's does: its date, facets and file id. What only
# a hit shows (path, pages, the decision's description) it reads from its file's unit.
_SHARED = (
    "date",
    "source",
    "format",
    "language",
    "file",
    "decision_maker",
    "organisation",
    "kind",
)
# What a section's text becomes in its file's unit: blanks, its lines kept.
_BLANK = re.compile(r"[^\n]")


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
    """Return the index fields of a document that the schema has, as one unit.

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
        **_decision_fields(doc.decision),
        "pair": decision_key(doc.decision) if doc.decision else None,
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


def document_units(doc: Document, seeds_dir: Path, schema: Schema) -> list[dict[str, Any]]:
    """Return the units a document is indexed as (store/units.py): the file, and each of
    its sections when it has them and the index keeps sections.

    A sectioned file's unit indexes only what is before its sections (the first pages), with
    the sections and the appeal instructions after them blanked out so that every character
    keeps its offset, and stores the whole text for the document page and the sections'
    snippets; each section is found through its own unit, with its heading and the meeting's
    title as its title, and stores no text of its own.
    """
    fields = document_fields(doc, seeds_dir, schema)
    if not doc.sections or not is_sectioned(schema):
        return [fields]
    body = doc.body
    masked = list(body)
    for section in doc.sections:
        masked[section.start : section.end] = _BLANK.sub(" ", body[section.start : section.end])
    # The appeal instructions after the last section are the same in every meeting's
    # minutes: left out of the search, so that no snippet is made of them.
    tail = doc.sections[-1].end
    masked[tail:] = _BLANK.sub(" ", body[tail:])
    signatures = signature_spans("".join(masked))
    for section in doc.sections:
        # A section's signature blocks are searched with the front's attendance and
        # signatures, ranked as boilerplate, and never make the section's snippet.
        for start, end in section.signatures:
            masked[start:end] = body[start:end]
        signatures.extend(section.signatures)
    # A Swedish document's words are indexed in body_sv and title_sv (document_fields).
    swedish = SWEDISH_FIELDS["body"] in fields
    fields[SWEDISH_FIELDS["body"] if swedish else "body"] = "".join(masked)
    has_swedish = all(name in schema for name in SWEDISH_FIELDS.values())
    fields["unit"] = FRONT
    # Only a sectioned file's units carry its id in `file`: a file without sections is one
    # unit, found by its id, and a term a document would cost a news archive a tenth of
    # its index.
    fields["file"] = doc.id
    fields["_stored_body"] = body
    fields["signatures"] = [list(span) for span in sorted(signatures)] or None
    fields["sections"] = [
        {"number": s.number, "title": s.title, "case": s.case, "start": s.start}
        for s in doc.sections
    ]
    units = [fields]
    shared = {name: fields[name] for name in _SHARED if name in fields}
    seen: set[str] = set()
    for section in doc.sections:
        unit_id = f"{doc.id}#s{section.number}"
        while unit_id in seen:
            unit_id += "+"
        seen.add(unit_id)
        heading = f"§ {section.number} {section.title}".strip()
        text = body[section.start : section.end]
        # A Swedish section of Finnish minutes is analysed, faceted and filtered as Swedish.
        language = fields.get("language")
        if language is not None:
            language = section_language(text, language)
        in_swedish = language == "sv" and has_swedish
        title_field = SWEDISH_FIELDS["title"] if in_swedish else "title"
        body_field = SWEDISH_FIELDS["body"] if in_swedish else "body"
        unit = {
            **shared,
            "language": language,
            "id": unit_id,
            "unit": FORMAL if section.formal else SECTION,
            "title": "",
            title_field: f"{heading}\n{doc.title}",
            "_stored_title": heading,
            "body": "",
            body_field: _without_signatures(body, section),
            # Stored once, in the file's unit (search.searching reads it from there).
            "_stored_body": "",
            "section": {
                **asdict(section),
                "file": doc.id,
                "anchor": f"s{unit_id[len(doc.id) + 2 :]}",
            },
            "case": ",".join(case_terms(section.case)) if section.case else None,
            "number": section.number,
            "pair": decision_key(doc.decision, section.number) if doc.decision else None,
        }
        units.append({name: value for name, value in unit.items() if _in(schema, name)})
    return units


def _without_signatures(body: str, section: Section) -> str:
    """Return a section's text with its signature blocks blanked, every offset kept."""
    text = list(body[section.start : section.end])
    for start, end in section.signatures:
        text[start - section.start : end - section.start] = _BLANK.sub(" ", body[start:end])
    return "".join(text)


def _decision_fields(decision: Decision | None) -> dict[str, Any]:
    """Return a decision document's facet values and stored description."""
    if decision is None:
        return {}
    return {
        "decision_maker": decision.decision_maker,
        "organisation": decision.organisation,
        "kind": decision.kind,
        "decision": {
            "decision_maker": decision.decision_maker,
            "organisation": decision.organisation,
            "kind": decision.kind,
            "meeting": decision.meeting,
            "meeting_date": decision.meeting_date.isoformat(),
            "place": decision.place,
        },
    }


def _in(schema: Schema, name: str) -> bool:
    """Tell whether a field, or the field whose stored value "_stored_<name>" gives, is in
    the schema."""
    return name.removeprefix("_stored_") in schema
