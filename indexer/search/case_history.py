"""A case's history: every section of the index that handles one matter, by its case number,
in date order across bodies and meetings ("Sivistyslautakunta 21.11.2024 § 123", then
"Kaupunginhallitus 2.12.2024 § 349", then "Kaupunginvaltuusto 9.12.2024 § 86")."""

from dataclasses import dataclass
from pathlib import Path

from indexer.search.decision_terms import case_query
from indexer.search.document_view import iso_date, page_at
from indexer.search.hits import file_fields
from indexer.store import searchers

# No case is handled in more sections than this; a longer list is cut.
MAX_SECTIONS = 500


@dataclass(frozen=True)
class CaseSection:
    """One section of a case: where it is, who decided, and what."""

    id: str  # the file's id
    anchor: str  # the section's element on the document page, "s140"
    page: int | None
    date: str | None
    section: str
    section_title: str
    case: str  # as printed
    decision_maker: str | None
    organisation: str | None
    kind: str | None
    meeting: str | None
    proposal: str
    decision: str


def case_history(index_dir: Path, case: str) -> list[CaseSection]:
    """Return the sections of a case, oldest meeting first ([] when the index has none);
    raise QueryError when the text is not a case number."""
    q = case_query(case)
    with searchers.live_searcher(index_dir) as (_, searcher):
        if "case" not in searcher.schema:
            return []
        docnums = list(q.docs(searcher))[:MAX_SECTIONS]
        units = [searcher.stored_fields(d) for d in docnums]
        files: dict[str, dict] = {}
        # A section's unit stores its date; its pages and meeting are its file's.
        found = [
            {**file_fields(searcher, unit["section"], files), **unit}
            for unit in units
            if unit.get("section")
        ]
    sections = [_case_section(fields) for fields in found]
    return sorted(sections, key=lambda s: (s.date or "9999", s.id, int(s.section)))


def _case_section(fields: dict) -> CaseSection:
    section = fields["section"]
    decision = fields.get("decision") or {}
    return CaseSection(
        id=section["file"],
        anchor=section["anchor"],
        page=page_at(fields.get("pages") or (), section["start"]),
        date=iso_date(fields.get("date")),
        section=section["number"],
        section_title=section["title"],
        case=section["case"],
        decision_maker=decision.get("decision_maker") or None,
        organisation=decision.get("organisation") or None,
        kind=decision.get("kind"),
        meeting=decision.get("meeting") or None,
        proposal=section["proposal"],
        decision=section["decision"],
    )
