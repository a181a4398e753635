"""Documents like a given one over every shard, as one index finds them: the words of the
document and their weights read in its own shard, their frequencies in the whole corpus
asked of every shard, the key terms chosen from those (search/similar.py's more-like-this,
Whoosh's Bo1 model), then looked for in every shard with the corpus's statistics, the best of
all kept.
"""

from collections import Counter
from typing import Any

from whoosh import classify, query

from indexer.search.document_view import iso_date
from indexer.search.similar import _UNITS_A_FILE, KEY_TERMS, MAX_TEXT_CHARS, Similar
from indexer.store.schema import SWEDISH_FIELDS

# (score, file id, document number, what the page shows of it)
Found = tuple[float, str, int, Similar]


def term_weights(searcher: Any, doc_id: str) -> tuple[str, dict[str, float]] | None:
    """Return the field and the weight of each word of a document as more-like-this reads
    them, None when this shard does not hold it."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return None
    fields = searcher.stored_fields(docnum)
    text = f"{fields.get('title', '')}\n{fields.get('body', '')[:MAX_TEXT_CHARS]}"
    field = "body"
    if fields.get("language") == "sv" and SWEDISH_FIELDS["body"] in searcher.schema:
        field = SWEDISH_FIELDS["body"]
    expander = classify.Expander(searcher.reader(), field)
    expander.add_text(text)
    return field, dict(expander.topN_weight)


def frequencies(searcher: Any, field: str, words: list[str]) -> tuple[int, dict[str, float]]:
    """Return this shard's documents (deleted ones too, as Whoosh counts them) and the total
    weight of each of the words in its field, for the words it has."""
    reader = searcher.reader()
    to_bytes = searcher.schema[field].to_bytes
    found = {}
    for word in words:
        btext = to_bytes(word)
        if (field, btext) in reader:
            found[word] = reader.frequency(field, btext)
    return reader.doc_count_all(), found


def key_terms(
    weights: dict[str, float], counts: list[tuple[int, dict[str, float]]]
) -> list[tuple[str, float]]:
    """Return a document's KEY_TERMS key terms and their weights from its words' weights and
    every shard's frequencies, as Whoosh's Expander.expanded_terms(normalize=False) does over
    one index (Searcher.more_like)."""
    in_corpus: Counter[str] = Counter()
    for _, found in counts:
        in_corpus.update(found)
    model = classify.Bo1Model(sum(n for n, _ in counts), 0)
    scored = [
        (model.score(weight, in_corpus[word], 0), word)
        for word, weight in weights.items()
        if word in in_corpus
    ]
    if not scored:
        return []
    top = max(0, *(score for score, _ in scored))
    ranked = sorted(((score / top, word) for score, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:KEY_TERMS]]


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
