"""A page of ranked units made into hits: a section read with its file, a snippet of what
matched, the page it is on, and the same decision in the other language linked."""

from whoosh import query
from whoosh.searching import Searcher

from indexer.search import language_pairs, snippets
from indexer.search.document_view import iso_date, page_at
from indexer.search.results import Hit


def file_fields(searcher: Searcher, section: dict, known: dict[str, dict]) -> dict:
    """Return the stored fields of a section's file, which its unit does not store again (its
    text, path, pages and decision), read once for all its sections in `known`."""
    file_id = section["file"]
    if file_id not in known:
        docnum = searcher.document_number(id=file_id)
        known[file_id] = searcher.stored_fields(docnum) if docnum is not None else {"body": ""}
    return known[file_id]


def hits_of(
    searcher: Searcher,
    q: query.Query | None,
    ranked: list[tuple[float, int]],
    more: dict[int, int] | None = None,
) -> list[Hit]:
    """Return ranked units as hits: each a file or a section of one, with its snippet of the
    words the query matched (none without a query: a lead), the page they are on, what a
    decision document says of itself, how many more of its meeting's sections matched
    (`more`), and a link to the same decision in the other language."""
    spans = snippets.query_spans(searcher.reader(), q, [d for _, d in ranked])
    hits = []
    keys = []
    files: dict[str, dict] = {}
    for score, docnum in ranked:
        unit = searcher.stored_fields(docnum)
        section = unit.get("section")
        # A section's text starts where it does in its file, whose pages it shares.
        start = section["start"] if section else 0
        fields, body = unit, unit["body"]
        if section:
            file = file_fields(searcher, section, files)
            fields, body = {**file, **unit}, file["body"][start : section["end"]]
        hidden = () if section else unit.get("signatures") or ()
        text, at = snippets.snippet_at(body, spans[docnum], hidden)
        decision = fields.get("decision") or {}
        keys.append(unit.get("pair"))
        hits.append(
            Hit(
                id=section["file"] if section else fields["id"],
                path=fields["path"],
                title=fields["title"],
                date=iso_date(fields.get("date")),
                score=round(score, 4),
                snippet=text or snippets.lead(body),
                # A lead is the start of the first page.
                page=page_at(fields.get("pages") or (), start + (at or 0)),
                language=fields.get("language"),
                decision_maker=decision.get("decision_maker") or None,
                organisation=decision.get("organisation") or None,
                kind=decision.get("kind"),
                meeting=decision.get("meeting") or None,
                section=section["number"] if section else None,
                section_title=section["title"] if section else None,
                anchor=section["anchor"] if section else None,
                case=section["case"] or None if section else None,
                more_in_meeting=(more or {}).get(docnum, 0),
            )
        )
    return language_pairs.linked(searcher, hits, keys)
