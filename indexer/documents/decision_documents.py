"""Which shape a decision document has, and its sections in that shape.

Minutes and agendas of a meeting are split at their section headings (sections.py); an
official's decision is one section (official_decisions.py); so is a page or PDF that a
publishing system writes for each item (item_pages.py), and a decision exported as an HTML
page with <meta> tags (decision_meta.py). Every reader asks here, so that a decision reads the
same whatever its file's format.
"""

from collections.abc import Mapping
from dataclasses import replace

from indexer.documents.decision_meta import decision_from_meta, meta_section
from indexer.documents.decisions import (
    OFFICIALS_KINDS,
    Decision,
    organisation_named,
    read_decision,
)
from indexer.documents.item_pages import item_decision, page_section
from indexer.documents.official_decisions import official_section
from indexer.documents.sections import Section, split_sections


def read_decision_document(
    body: str,
    front: str,
    *,
    meta: Mapping[str, str] | None = None,
    heading: str = "",
    page_title: str = "",
) -> tuple[Decision | None, tuple[Section, ...]]:
    """Return what a document says of the decision it records and its sections, or (None,
    ()) when it is no decision document.

    front: its first page as printed (with a PDF's running header), or its text's start;
    meta, heading and page_title: an HTML page's <meta> tags, first <h1> and <title>.
    """
    decision = decision_from_meta(meta or {})
    if decision is not None:
        section = meta_section(meta or {}, body, heading)
        return decision, (section,) if section else ()
    decision = read_decision(front)
    if decision is None:
        item = item_decision(body)
        return (item[0], (item[1],)) if item else (None, ())
    # A page of one section of the minutes names its town only in its <title>.
    if not decision.organisation and organisation_named(page_title):
        decision = replace(decision, organisation=organisation_named(page_title))
    if decision.kind in OFFICIALS_KINDS:
        section = official_section(body, decision, front)
        return decision, (section,) if section else ()
    page = page_section(body)
    return decision, (page,) if page else tuple(split_sections(body))
