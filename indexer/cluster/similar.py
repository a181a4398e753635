"""Documents like a given one over every shard: the key terms read from the document in its
own shard, then looked for in every shard with the corpus's statistics, the best of all kept.

The key terms' weights come from the holding shard's term frequencies (Whoosh's Bo1 model
reads them from the reader, not from the statistics a cluster merges), so a list can differ
from one index's where two terms weigh nearly the same.
"""

from typing import Any

from whoosh import query

from indexer.search.document_view import iso_date
from indexer.search.similar import _UNITS_A_FILE, KEY_TERMS, MAX_TEXT_CHARS, Similar
from indexer.store.schema import SWEDISH_FIELDS

# (score, file id, document number, what the page shows of it)
Found = tuple[float, str, int, Similar]


def key_terms(searcher: Any, doc_id: str) -> tuple[str, list[tuple[str, float]]] | None:
    """Return the field and the weighted key terms of a document, None when it is not here."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return None
    fields = searcher.stored_fields(docnum)
    text = f"{fields.get('title', '')}\n{fields.get('body', '')[:MAX_TEXT_CHARS]}"
    field = "body"
    if fields.get("language") == "sv" and SWEDISH_FIELDS["body"] in searcher.schema:
        field = SWEDISH_FIELDS["body"]
    return field, searcher.key_terms_from_text(field, text, numterms=KEY_TERMS)


def matches(
    searcher: Any, field: str, terms: list[tuple[str, float]], doc_id: str, limit: int
) -> list[Found]:
    """Return a shard's best documents for the key terms, leaving the document itself out."""
    q = query.Or([query.Term(field, word, boost=weight) for word, weight in terms])
    own = searcher.document_number(id=doc_id)
    results = searcher.search(
        q, limit=limit * _UNITS_A_FILE, mask={own} if own is not None else None
    )
    found = []
    for hit in results:
        file_id = (hit.get("section") or {}).get("file", hit["id"])
        similar = Similar(id=file_id, title=hit["title"], date=iso_date(hit.get("date")))
        found.append((hit.score, file_id, hit.docnum, similar))
    return found


def best(answers: list[list[Found]], doc_id: str, limit: int) -> list[Similar]:
    """Return the first `limit` files of all shards' matches, each once, best first."""
    ranked = sorted((f for found in answers for f in found), key=lambda f: (-f[0], f[1], f[2]))
    chosen: dict[str, Similar] = {}
    for _, file_id, _, similar in ranked[: limit * _UNITS_A_FILE]:
        if file_id != doc_id and file_id not in chosen:
            chosen[file_id] = similar
    return list(chosen.values())[:limit]
