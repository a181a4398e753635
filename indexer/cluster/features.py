"""Searching, browsing and reading a cluster's index through the coordinator: what the
single-machine functions of the same names do, with the same arguments and answers."""

import contextlib
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from indexer.cluster import merging, pairs
from indexer.cluster import similar as cluster_similar
from indexer.cluster.coordinator import Coordinator, coordinator
from indexer.cluster.replicas import ShardAnswer
from indexer.cluster.shards import shard_of
from indexer.search import spelling
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
    """Run a query on every shard and return one page of the merged hits (searching.search);
    a decision's versions in two shards are one hit, as in one index (cluster/pairs.py)."""
    check_page(page, limit)
    filters = filters or Filters()
    sort = parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    coord = coordinator(index_dir)
    gen = coord.live()
    # A first page's hits come with the ranking, but for those of a shard holding more of
    # them than most do; a later page's are read after it.
    hits_for = merging.hits_per_shard(keep, len(coord.replicas)) if page == 1 else 0
    options = (keep, filters, sort, with_facets, suggest)
    answers = rank_all(coord, gen, text, options, hits_for, language)
    any_word = answers[0].mode == "any"
    decided = pairs.decide([a.versions for a in answers], sort, language)
    if decided:
        # Versions of a decision in several shards: those shards rank again with them made
        # one hit as one index makes them.
        args = {
            shard: (text, *options, any_word, hits_for, language, decision)
            for shard, decision in decided.items()
        }
        for shard, answer in zip(args, coord.call(gen, "rank", args), strict=True):
            answers[shard] = answer
    mode = answers[0].mode
    total = sum(a.total for a in answers)
    chosen = merging.best(answers, sort, keep)[(page - 1) * limit :]
    sent = merging.hits(answers, chosen)
    unsent = [entry for entry, hit in zip(chosen, sent, strict=True) if hit is None]
    read = iter(hits_of(coord, gen, answers, text, mode, unsent))
    hits = [hit if hit is not None else next(read) for hit in sent]
    if any(a.pairs for a in answers):
        keys = [answers[shard].pairs.get(d) for shard, _, d in chosen]
        hits = _linked(coord, gen, hits, keys)
    # An agenda's and the minutes' same section may be in two shards: made one on the page.
    hits = collapse_agenda_minutes(hits)
    return SearchResult(
        text,
        total,
        page,
        mode,
        round((time.perf_counter() - started) * 1000, 2),
        any(a.partial for a in answers),
        merging.notices(answers),
        hits,
        limit,
        merging.facet_counts(answers, filters) if with_facets else None,
        _suggestion(coord, gen, answers, text, filters, total) if suggest else None,
        sort,
    )


def _suggestion(
    coord: Coordinator,
    gen: str,
    answers: list[ShardAnswer],
    text: str,
    filters: Filters,
    total: int,
) -> str | None:
    """Return the shards' did-you-mean if the corrected query finds many more documents of
    the corpus than the query (spelling.MORE_HITS): a shard corrects by its own count."""
    offered = merging.suggestion(answers)
    if offered is None:
        return None
    found = sum(coord.call_all(gen, "count", (offered, filters)))
    total = total if answers[0].mode == "all" else 0
    return offered if found >= max(1, spelling.MORE_HITS * total) else None


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
        # Every shard ranked by any of the words already (ShardSearcher.rank); asked again
        # only if one did not (a replica of older code) or refused.
        instead = [a.instead for a in answers]
        if all(isinstance(a, ShardAnswer) for a in instead):
            return instead  # type: ignore[return-value]
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


def _linked(
    coord: Coordinator, gen: str, hits: list[Hit], keys: list[tuple[str, str] | None]
) -> list[Hit]:
    """Return the hits linked to their versions in the other language held by other shards."""
    wanted = pairs.missing(hits, keys)
    if not wanted:
        return hits
    found = pairs.first_found(coord.call_all(gen, "counterparts", (wanted,)))
    return pairs.linked(hits, keys, found)


def _read(index_dir: Path, reader: str, args: tuple) -> list[Any]:
    """Run a reader on every shard; return the answers."""
    coord = coordinator(index_dir)
    return coord.call_all(coord.live(), "read", (reader, *args))


def get_document(
    index_dir: Path, doc_id: str, text: str = "", part: int = 1, page: int | None = None
) -> DocumentView | None:
    """Return a stored document from the shard that holds it (document_view.get_document),
    linked to its and its sections' versions in the other language in other shards."""
    coord = coordinator(index_dir)
    gen = coord.live()
    shard = shard_of(doc_id, len(coord.replicas))
    view, keys = coord.call(gen, "document", {shard: (doc_id, text, part, page)})[0]
    if view is None or not keys:
        return view
    wanted = {key: language for key, language in keys.values()}
    found = pairs.first_found(coord.call_all(gen, "counterparts", (wanted,)))
    return pairs.linked_document(view, keys, found)


def case_history(index_dir: Path, case: str) -> list[CaseSection]:
    """Return the sections of a case from every shard, oldest meeting first."""
    found = [s for sections in _read(index_dir, "case_history", (case,)) for s in sections]
    return sorted(found, key=lambda s: (s.date or "9999", s.id, int(s.section)))


def similar_documents(index_dir: Path, doc_id: str, limit: int = 5) -> list[Similar]:
    """Return documents like one from every shard (similar.similar_documents)."""
    coord = coordinator(index_dir)
    gen = coord.live()
    shard = shard_of(doc_id, len(coord.replicas))
    found = coord.call(gen, "term_weights", {shard: (doc_id,)})[0]
    if found is None:
        return []
    field, weights = found
    counts = coord.call_all(gen, "frequencies", (field, sorted(weights)))
    terms = cluster_similar.key_terms(weights, counts)
    answers = coord.call_all(gen, "similar", (field, terms, doc_id, limit))
    return cluster_similar.best(answers, doc_id, limit)


def suggestions(index_dir: Path, prefix: str, limit: int = 10) -> list[Suggestion]:
    """Return the words and titles starting with a prefix, the most frequent first: the
    words, with the whole corpus's counts, from any shard (each offers the same); the titles
    from every shard, their counts added up (each shard's most frequent: a title that misses
    every shard's first `limit * 2` is not offered, though its sum might rank it)."""
    coord = coordinator(index_dir)
    gen = coord.live()
    answers = coord.call_all(gen, "suggest", (prefix, limit * 2))
    words = [s for s in answers[0] if s.kind == "word"]
    said = {s.text.lower() for s in words}
    titles: dict[str, int] = defaultdict(int)
    shown: dict[str, str] = {}
    for answer in answers:
        for s in answer:
            if s.kind == "title" and s.text.lower() not in said:
                titles[s.text.lower()] += s.count
                shown.setdefault(s.text.lower(), s.text)
    found = words + [Suggestion(shown[t], "title", n) for t, n in titles.items()]
    found.sort(key=lambda s: (-s.count, s.kind != "word", s.text.lower()))
    return found[:limit]


def warm(index_dir: Path) -> None:
    """Have every replica open the live generation, with its suggestion lists; a web worker
    starting before the cluster or the index is ready opens it on its first request."""
    with contextlib.suppress(IndexMissing):
        coordinator(index_dir).live()


def examples(index_dir: Path, count: int = 3) -> list[str]:
    """Return example queries: the whole corpus's frequent words (suggestions.examples), from
    any shard."""
    coord = coordinator(index_dir)
    gen = coord.live()
    return coord.call(gen, "examples", {0: (count,)})[0]
