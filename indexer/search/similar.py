"""Documents like a given one: Whoosh's more-like-this over the analysed terms of its text."""

from dataclasses import dataclass
from pathlib import Path

from indexer.store import searchers
from indexer.store.schema import SWEDISH_FIELDS

# The key terms are taken from at most this much of a document: analysing all of a long one
# on every view would take seconds, and its start says what it is about.
MAX_TEXT_CHARS = 20_000
KEY_TERMS = 12
# Units looked at for each similar file wanted: a minutes file's sections are units too.
_UNITS_A_FILE = 4


@dataclass(frozen=True)
class Similar:
    """A document like the one shown."""

    id: str
    title: str
    date: str | None


def similar_documents(index_dir: Path, doc_id: str, limit: int = 5) -> list[Similar]:
    """Return up to `limit` documents most like the one with this id, best first."""
    with searchers.live_searcher(index_dir) as (_, searcher):
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return []
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title', '')}\n{fields.get('body', '')[:MAX_TEXT_CHARS]}"
        # A Swedish document's terms, and the documents like it, are in the Swedish body.
        field = "body"
        if fields.get("language") == "sv" and SWEDISH_FIELDS["body"] in searcher.schema:
            field = SWEDISH_FIELDS["body"]
        # A section's unit stands for its file; the file's own sections are not others.
        results = searcher.more_like(
            docnum, field, text=text, top=limit * _UNITS_A_FILE, numterms=KEY_TERMS
        )
        found: dict[str, Similar] = {}
        for hit in results:
            file_id = (hit.get("section") or {}).get("file", hit["id"])
            if file_id != doc_id and file_id not in found:
                date = hit["date"].date().isoformat() if hit.get("date") else None
                found[file_id] = Similar(id=file_id, title=hit["title"], date=date)
        return list(found.values())[:limit]
