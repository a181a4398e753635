"""Searching, browsing and reading a cluster's index through the coordinator: what the
single-machine functions of the same names do, with the same arguments and answers."""

import contextlib
import itertools
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from indexer.cluster import merging
from indexer.cluster import similar as cluster_similar
from indexer.cluster.coordinator import Coordinator, coordinator
from indexer.cluster.replicas import ShardAnswer
from indexer.cluster.shards import shard_of
from indexer.search.agenda_minutes import collapse_agenda_minutes
from indexer.search.case_history import CaseSection
from indexer.search.document_view import DocumentView
from indexer.search.filters import Filters, parse_sort
from indexer.search.results import Hit, SearchResult
from indexer.search.searching import check_page, is_plain_words
from indexer.search.similar import Similar
from indexer.search.suggestions import Suggestion
from indexer.store.generations import IndexMissing


def search(
    index_dir: Path,
    text: str,
    *,
    page: int = 1,
    limit: int = 10,
    filters: Filters | None = None,
    sort: str = "relevance",
    with_facets: bool = False,
    suggest: bool = False,
    language: str | None = None,
) -> SearchResult:
    """Run a query on every shard and return one page of the merged hits (searching.search).

    A decision in both languages whose versions are in two shards is not made one hit."""
    check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    coord = coordinator(index_dir)
    gen = coord.live()
    # A first page's hits come with the ranking; a later page's are read after it.
    hits_for = keep if page == 1 else 0
    options = (keep, filters, sort, with_facets, suggest)
    answers = rank_all(coord, gen, text, options, hits_for, language)
    mode = answers[0].mode
    chosen = merging.best(answers, sort, keep)[(page - 1) * limit :]
    if hits_for:
        hits = merging.hits(answers, chosen)
    else:
        hits = hits_of(coord, gen, answers, text, mode, chosen)
    # An agenda's and the minutes' same section may be in two shards: made one on the page.
    hits = collapse_agenda_minutes(hits)
    return SearchResult(
        text,
        sum(a.total for a in answers),
        page,
        mode,
        round((time.perf_counter() - started) * 1000, 2),
        any(a.partial for a in answers),
        merging.notices(answers),
        hits,
        limit,
        merging.facet_counts(answers, filters) if with_facets else None,
        merging.suggestion(answers) if suggest else None,
        sort,
    )


def rank_all(
    coord: Coordinator,
    gen: str,
    text: str,
    options: tuple,
    hits_for: int = 0,
    language: str | None = None,
) -> list[ShardAnswer]:
    """Return every shard's ranked entries of a query; options are ShardSearcher.rank's
    (keep, filters, sort, with_facets, suggest). Any of the words only when the whole corpus
    has none with all of them, as one index does."""

    def ranked(any_word: bool) -> list[ShardAnswer]:
        return coord.call_all(gen, "rank", (text, *options, any_word, hits_for, language))

    answers = ranked(False)
    if (
        sum(a.total for a in answers) == 0
        and not any(a.partial for a in answers)
        and is_plain_words(text)
    ):
        answers = ranked(True)
    return answers


def browse(
    index_dir: Path,
    *,
    page: int = 1,
    limit: int = 10,
    filters: Filters | None = None,
    sort: str = "newest",
    sections: bool = False,
    case: str = "",
) -> SearchResult:
    """Return one page of every document that passes the filters (searching.browse)."""
    check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    order = "newest" if sort == "relevance" else sort
    coord = coordinator(index_dir)
    gen = coord.live()
    answers = coord.call_all(gen, "browse", (keep, filters, order, sections, case))
    chosen = merging.best(answers, order, keep)[(page - 1) * limit :]
    hits = hits_of(coord, gen, answers, None, "browse", chosen)
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    counts = merging.facet_counts(answers, filters)
    total = sum(a.total for a in answers)
    return SearchResult(
        "", total, page, "browse", took_ms, False, [], hits, limit, counts, None, sort
    )


def hits_of(
    coord: Coordinator,
    gen: str,
    answers: list[ShardAnswer],
    text: str | None,
    mode: str,
    chosen: list[tuple[int, float, int]],
) -> list[Hit]:
    """Read the chosen entries' hits from the shards that hold them, in the chosen order."""
    by_shard: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for shard, score, docnum in chosen:
        by_shard[shard].append((score, docnum))
    args = {
        shard: (text, mode, entries, {d: answers[shard].more.get(d, 0) for _, d in entries})
        for shard, entries in by_shard.items()
    }
    read = dict(zip(args, coord.call(gen, "hits", args), strict=True)) if args else {}
    taken = {shard: iter(hits) for shard, hits in read.items()}
    return [next(taken[shard]) for shard, _, _ in chosen]


def _read(index_dir: Path, reader: str, args: tuple, doc_id: str | None = None) -> list[Any]:
    """Run a reader on the shard holding a document, or on every shard when doc_id is None;
    return the answers."""
    coord = coordinator(index_dir)
    gen = coord.live()
    if doc_id is None:
        return coord.call_all(gen, "read", (reader, *args))
    shard = shard_of(doc_id, len(coord.replicas))
    return coord.call(gen, "read", {shard: (reader, *args)})


def get_document(
    index_dir: Path, doc_id: str, text: str = "", part: int = 1, page: int | None = None
) -> DocumentView | None:
    """Return a stored document from the shard that holds it (document_view.get_document)."""
    return _read(index_dir, "get_document", (doc_id, text, part, page), doc_id)[0]


def case_history(index_dir: Path, case: str) -> list[CaseSection]:
    """Return the sections of a case from every shard, oldest meeting first."""
    found = [s for sections in _read(index_dir, "case_history", (case,)) for s in sections]
    return sorted(found, key=lambda s: (s.date or "9999", s.id, int(s.section)))


def similar_documents(index_dir: Path, doc_id: str, limit: int = 5) -> list[Similar]:
    """Return documents like one from every shard (similar.similar_documents)."""
    coord = coordinator(index_dir)
    gen = coord.live()
    shard = shard_of(doc_id, len(coord.replicas))
    found = coord.call(gen, "key_terms", {shard: (doc_id,)})[0]
    if found is None:
        return []
    field, terms = found
    answers = coord.call_all(gen, "similar", (field, terms, doc_id, limit))
    return cluster_similar.best(answers, doc_id, limit)


def suggestions(index_dir: Path, prefix: str, limit: int = 10) -> list[Suggestion] | None:
    """Return the words and titles starting with a prefix over every shard, their counts
    added up, the most frequent first; None while a shard is still reading its lists."""
    answers = _read(index_dir, "suggestions", (prefix, limit * 2))
    if any(answer is None for answer in answers):
        return None
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for answer in answers:
        for s in answer:
            counts[(s.text, s.kind)] += s.count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1] != "word", item[0]))
    return [Suggestion(text, kind, n) for (text, kind), n in ranked[:limit]]


def warm(index_dir: Path) -> None:
    """Start every shard reading its suggestion lists; a web worker starting before the
    cluster or the index is ready reads them on its first suggestion instead."""
    with contextlib.suppress(IndexMissing):
        _read(index_dir, "warm", ())


def examples(index_dir: Path, count: int = 3) -> list[str]:
    """Return example queries: the shards' frequent words in turn, each once (each shard's
    by its own counts; none from a shard still reading its lists)."""
    found: dict[str, None] = {}
    for words in itertools.zip_longest(*_read(index_dir, "examples", (count,))):
        found.update((word, None) for word in words if word)
    return list(found)[:count]
