"""Searching the live index: query parsing with bounds, ranking, snippets, documents."""

import fnmatch
import heapq
import math
import re
import time
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import collectors, query
from whoosh.analysis import Analyzer
from whoosh.qparser import AndGroup, OrGroup, QueryParser, plugins
from whoosh.qparser.common import QueryParserError
from whoosh.qparser.syntax import Whitespace, WordNode
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer import facets, snippets, spelling, store
from indexer.analysis import terms_by_position
from indexer.deadline import OutOfTime, time_limit
from indexer.facets import Filters
from indexer.messages import Message
from indexer.page_text import page_at
from indexer.ranking import CachedBM25F, rank_termwise, termwise_scores

MAX_QUERY_CHARS = 500
# More words than this make no better search, only a slower one.
MAX_QUERY_WORDS = 32
MAX_LIMIT = 100
# Hits per page unless asked otherwise: the CLI's, the API's and the search page's first size.
DEFAULT_LIMIT = 10
MIN_WILDCARD_PREFIX = 3
# A wildcard stands for at most this many words of a field, the most frequent ones; finding
# them reads at most MAX_WILDCARD_SCAN words of the index. A query has at most MAX_WILDCARDS:
# each adds up to MAX_WILDCARD_TERMS posting lists per field to read.
MAX_WILDCARDS = 4
MAX_WILDCARD_TERMS = 32
MAX_WILDCARD_SCAN = 20_000
MAX_BOOST = 100.0
# Collecting and ranking the matches of one query stops after this long; the page then says
# that the results are partial. A query that has used HARD_SECONDS of CPU time (Whoosh can
# match for long without finding anything), or ten times as long on the clock, is stopped and
# refused. CPU time, so that on a busy server a query is not stopped for waiting its turn.
SEARCH_SECONDS = 0.4
HARD_SECONDS = 0.8
# The document page shows a long document in parts of this many characters.
DOCUMENT_PART_CHARS = 100_000
FIELDS = ("title", "body")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


class QueryError(ValueError):
    """The query cannot be run; the message says why, in words for a user."""

    def __init__(self, template: str, **params: Any) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    id: str
    path: str
    title: str
    date: str | None
    score: float
    snippet: str
    # The page of a PDF the best fragment of the snippet is on; None for formats without pages.
    page: int | None = None


# SearchResult fields the API's JSON leaves out: the request gave them.
_UNLISTED = ("limit", "sort")


@dataclass(frozen=True)
class SearchResult:
    """One page of results and how they were found."""

    query: str
    total: int
    page: int
    mode: str
    took_ms: float
    # True when the time budget ran out: total counts the documents found until then.
    partial: bool
    # What was left out of the query, in words for a user (a wildcard's rarer words).
    notices: list[Message]
    hits: list[Hit]
    limit: int
    # Each facet's values and counts over the whole filtered result, when they were asked for.
    facets: dict[str, list[dict[str, Any]]] | None = None
    # A corrected query that finds more, or None.
    suggestion: str | None = None
    sort: str = "relevance"

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    def to_json(self) -> dict[str, Any]:
        """Return the API's JSON object."""
        # Not dataclasses.asdict: it deep-copies every value, about 5% of an API request.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _UNLISTED}
        data["notices"] = list(self.notices)
        data["hits"] = [dict(vars(hit)) for hit in self.hits]
        return data


@dataclass(frozen=True)
class DocumentView:
    """A whole stored document, its body marked up with the query's words."""

    id: str
    path: str
    title: str
    date: str | None
    body_html: str
    note: str | None
    # Which part of a long document body_html is, from 1, and how many there are.
    part: int = 1
    parts: int = 1
    # For a PDF, body_html page by page: the pages of this part.
    pages: list["PageView"] = field(default_factory=list)


@dataclass(frozen=True)
class PageView:
    """The marked-up text of one page of a document, or of its part in a document part."""

    number: int  # from 1
    html: str
    starts: bool  # False when the page began in the part before


def _alternatives(analyzer: Analyzer, text: str) -> list[dict[str, float]]:
    """Return, per word position, the query terms that may stand there and their boosts."""
    return list(terms_by_position(analyzer, text, "query").values())


def _position_query(fieldname: str, terms: dict[str, float]) -> query.Query:
    clauses = [query.Term(fieldname, text, boost=b) for text, b in terms.items()]
    return clauses[0] if len(clauses) == 1 else query.Or(clauses)


class _PhraseNode(plugins.PhrasePlugin.PhraseNode):
    def query(self, parser: "FinnishQueryParser") -> query.Query:
        fieldname = self.fieldname or parser.fieldname
        return plugins.attach(parser.phrase_query(fieldname, self.text, self.boost), self)


class _PhraseTagger(plugins.PhrasePlugin.PhraseTagger):
    def create(self, parser: Any, match: Any) -> _PhraseNode:
        return _PhraseNode(match.group("text"), match.start("text"))


class _PhrasePlugin(plugins.PhrasePlugin):
    """Quoted phrases whose words may each be any of their analyses (lemmas, parts)."""

    def taggers(self, parser: Any) -> list:
        return [(_PhraseTagger(self.expr), 0)]


class FinnishQueryParser(QueryParser):
    """Whoosh's parser over title and body, analysing each word into its alternatives.

    Whoosh would AND together several tokens from one word; here tokens at the same position
    are alternatives of that word (its lemmas, compound parts, synonyms) and are OR-ed.
    Syntax that can make a query expensive is left out or bounded.
    """

    def __init__(self, schema: Any, *, any_word: bool = False) -> None:
        super().__init__(None, schema, group=OrGroup if any_word else AndGroup)
        self.add_plugin(plugins.MultifieldPlugin(FIELDS))
        # Field names would turn "STM:n" into a search of a field called STM; ranges, fuzzy
        # terms and match-everything are off.
        self.remove_plugin_class(plugins.FieldsPlugin)
        self.remove_plugin_class(plugins.RangePlugin)
        self.remove_plugin_class(plugins.EveryPlugin)
        self.remove_plugin_class(plugins.PhrasePlugin)
        self.add_plugin(_PhrasePlugin())

    def tag(self, text: str, pos: int = 0, debug: bool = False) -> Any:
        """Whoosh's tagging, without trying every tagger at every character of a query whose
        only syntax is whitespace: that was a third of the time a query of plain words took
        to parse. The nodes are the ones Whoosh's loop makes (tests/test_search.py checks)."""
        if pos or debug or not _only_whitespace_syntax(text):
            return super().tag(text, pos, debug)
        whitespace = next(t for t in self.taggers() if getattr(t, "nodetype", None) is Whitespace)
        stack = []
        for match in _WORDS_AND_SPACES.finditer(text):
            if match.group(1):
                stack.append(whitespace.match(self, text, match.start()))
            else:
                word = WordNode(match.group())
                word.startchar, word.endchar = match.span()
                stack.append(word)
        return self.group(stack)

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: type,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> query.Query | None:
        if termclass in (query.Prefix, query.Wildcard):
            return _bounded_wildcard(fieldname, text, termclass, boost)
        positions = _alternatives(self.schema[fieldname].analyzer, text)
        if not positions:
            return None
        clauses = [_position_query(fieldname, terms) for terms in positions]
        q = clauses[0] if len(clauses) == 1 else query.And(clauses)
        if boost != 1.0:
            q = q.with_boost(boost)
        return q

    def phrase_query(self, fieldname: str, text: str, boost: float = 1.0) -> query.Query:
        """Return a query for words that must stand next to each other, in order."""
        positions = _alternatives(self.schema[fieldname].analyzer, text)
        if not positions:
            return query.NullQuery
        clauses = [_position_query(fieldname, terms) for terms in positions]
        if len(clauses) == 1:
            return clauses[0]
        return query.Sequence(clauses, boost=boost)


# Characters that the parser's taggers (quotes, wildcards, groups, boosts, phrases) start at,
# and its operator words; a query with none of them is words and whitespace.
_SYNTAX_CHARS = frozenset("'*?\u055e\u061f\u1367()^\"")
_OPERATOR_WORDS = OPERATORS | {"REQUIRE"}
# The whitespace Whoosh's WhitespacePlugin tags, and the words between.
_WORDS_AND_SPACES = re.compile(r"(\s+)|\S+")


def _only_whitespace_syntax(text: str) -> bool:
    return _SYNTAX_CHARS.isdisjoint(text) and _OPERATOR_WORDS.isdisjoint(text.split())


def _bounded_wildcard(fieldname: str, text: str, termclass: type, boost: float) -> query.Query:
    text = text.lower()
    literal = len(text) - len(text.lstrip("*?")) == 0
    head = text.split("*")[0].split("?")[0]
    if not literal or len(head) < MIN_WILDCARD_PREFIX:
        raise QueryError(
            "A wildcard needs at least %(count)s letters before it, for example 'rahoitus*'.",
            count=MIN_WILDCARD_PREFIX,
        )
    return termclass(fieldname, text, boost=boost)


# Whoosh's parser fails on some operator sequences with errors of its own internals
# ("NOT NOT VATE" IndexError, "VATE ANDNOT ANDMAYBE sote" AssertionError, " } (^2)" KeyError):
# to a user they are all a query that could not be understood.
_PARSER_FAILURES = (
    QueryParserError,
    IndexError,
    AssertionError,
    KeyError,
    TypeError,
    AttributeError,
    ValueError,
    RecursionError,
)


def parse(schema: Any, text: str, *, any_word: bool = False) -> query.Query:
    """Parse a user's query, or raise QueryError with a message for them."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "The query is too long: at most %(count)s characters.", count=MAX_QUERY_CHARS
        )
    if not text.strip():
        raise QueryError("Type a word to search for.")
    if len(re.findall(r"\w+", text)) > MAX_QUERY_WORDS:
        raise QueryError("The query has too many words: at most %(count)s.", count=MAX_QUERY_WORDS)
    parser = FinnishQueryParser(schema, any_word=any_word)
    try:
        q = parser.parse(text)
    except QueryError:
        raise
    except _PARSER_FAILURES:
        raise QueryError(
            "The query could not be understood. Check its quotes, brackets and operators "
            "(AND, OR, NOT)."
        ) from None
    leaves = list(q.leaves())
    errors = [sub for sub in leaves if isinstance(sub, query.qcore._NullQuery)]
    if q is query.NullQuery or (errors and len(errors) == len(leaves)):
        raise QueryError("The query has no words that can be searched for.")
    # Each wildcard is a leaf per field.
    wildcards = sum(isinstance(leaf, query.Prefix | query.Wildcard) for leaf in leaves)
    if wildcards > MAX_WILDCARDS * len(FIELDS):
        raise QueryError(
            "The query has too many wildcards: at most %(count)s.", count=MAX_WILDCARDS
        )
    return q.accept(_clamp_boost)


def _clamp_boost(q: query.Query) -> query.Query:
    # "VATE^999...9" parses to an infinite boost, and an infinite score is not JSON.
    if q.boost > MAX_BOOST:
        q.boost = MAX_BOOST
    return q


# A wildcard's words are read in chunks of documents when they are in more than one document
# in this many.
_ARRAY_UNION_SHARE = 20

Expansions = dict[tuple[str, str], tuple[list[tuple[int, str]], bool]]


def expand_wildcards(
    q: query.Query, reader: IndexReader, known: Expansions | None = None
) -> tuple[query.Query, list[Message]]:
    """Replace each wildcard by its most frequent words in the index; return the query and
    notices for the wildcards that stood for more words than were kept.

    Whoosh would expand "val*" to every word starting with "val", thousands in a large index,
    and open each one's postings. `known` keeps expansions for the next query of one search.
    """
    notices: dict[Message, None] = {}
    known = {} if known is None else known

    def expand(node: query.Query) -> query.Query:
        if not isinstance(node, query.Prefix | query.Wildcard):
            return node
        key = (node.fieldname, node.text)
        if key not in known:
            known[key] = _wildcard_terms(node, reader)
        terms, complete = known[key]
        if not complete:
            pattern = f"{node.text}*" if isinstance(node, query.Prefix) else node.text
            notices[
                Message(
                    "'%(pattern)s' matches too many words; the %(count)s most common of them "
                    "were searched.",
                    pattern=pattern,
                    count=MAX_WILDCARD_TERMS,
                )
            ] = None
        if not terms:
            return query.NullQuery
        expanded = query.Or([query.Term(node.fieldname, t) for _, t in terms], boost=node.boost)
        # Whoosh's default union of words is a binary tree that each step walks through: a
        # second for "val* suo*" at 100,000 documents. Where the words are in many documents,
        # reading their postings in chunks of documents is faster; for rare words it reads
        # mostly empty chunks.
        if sum(df for df, _ in terms) * _ARRAY_UNION_SHARE > reader.doc_count_all():
            expanded.matcher_type = query.Or.ARRAY_MATCHER
        return expanded

    return q.accept(expand), list(notices)


def _wildcard_terms(
    node: query.Prefix | query.Wildcard, reader: IndexReader
) -> tuple[list[tuple[int, str]], bool]:
    """Return the most frequent terms a wildcard matches with their document frequencies,
    and whether those are all of them."""
    if isinstance(node, query.Prefix):
        head, matches = node.text, None
    else:
        head = re.split(r"[*?]", node.text, maxsplit=1)[0]
        matches = re.compile(fnmatch.translate(node.text)).match
    words, complete = _prefix_words(reader, node.fieldname, head, MAX_WILDCARD_SCAN)
    found: list[tuple[int, str]] = []
    for btext, frequency in words:
        text = btext.decode("utf-8")
        if matches is None or matches(text):
            found.append((frequency, text))
    if len(found) > MAX_WILDCARD_TERMS:
        complete = False
        found = heapq.nlargest(MAX_WILDCARD_TERMS, found)
    return sorted(found, key=lambda f: f[1]), complete


def _prefix_words(
    reader: IndexReader, fieldname: str, head: str, limit: int
) -> tuple[list[tuple[bytes, int]], bool]:
    """Return the first `limit` words of a field that start with head, in order, with their
    document frequencies, and whether those are all of them.

    Read segment by segment: the index-wide reader merges every word's entries of all the
    segments into one, which was most of a wildcard's expansion. A word among the first
    `limit` of the index is among the first `limit` of every segment that has it, so the
    first `limit` of each segment hold them all, with all of their counts.
    """
    counts: dict[bytes, int] = {}
    complete = True
    for leaf, _ in reader.leaf_readers():
        for scanned, (btext, info) in enumerate(leaf.iter_prefix(fieldname, head), 1):
            if scanned > limit:
                complete = False
                break
            counts[btext] = counts.get(btext, 0) + info.doc_frequency()
    words = sorted(counts)
    if len(words) > limit:
        complete = False
        words = words[:limit]
    return [(w, counts[w]) for w in words], complete


_WEIGHTING = CachedBM25F()


class _PageCollector(collectors.ScoredCollector):
    """Count every match and keep the best-scored ones, in one pass, until a deadline.

    Whoosh's TopCollector skips blocks that cannot reach the top, and then needs a second
    search to count the matches; this scores each match once and counts as it goes.
    """

    def __init__(self, limit: int, deadline: float, *, keep_all: bool = False) -> None:
        super().__init__(replace=0)
        self.limit = limit
        self.deadline = deadline
        self.total = 0
        self.timed_out = False
        # Every match's score by document number, for filters, facets and date order.
        self.scores: dict[int, float] | None = {} if keep_all else None

    def collect_matches(self) -> None:
        # Called once per segment: one that starts past the deadline is not searched at all.
        if self.timed_out or time.perf_counter() > self.deadline:
            self.timed_out = True
            return
        matcher = self.matcher
        items, limit, offset, scores = self.items, self.limit, self.offset, self.scores
        while matcher.is_active():
            if scores is not None:
                scores[offset + matcher.id()] = matcher.score()
            else:
                # Lower document numbers first among equal scores, as Whoosh orders them.
                entry = (matcher.score(), -(offset + matcher.id()))
                if len(items) < limit:
                    heapq.heappush(items, entry)
                elif entry > items[0]:
                    heapq.heapreplace(items, entry)
            self.total += 1
            matcher.next()
            # A phrase or AND may pass many documents between two matches.
            if time.perf_counter() > self.deadline:
                self.timed_out = True
                return
            if self.total % 256 == 0:
                # Drop the sub-matchers that have run out, as Whoosh's collectors do.
                matcher = self.matcher = matcher.replace(0)

    def ranked(self) -> list[tuple[float, int]]:
        """Return (score, document number) of the kept matches, best first."""
        return [(score, -neg) for score, neg in sorted(self.items, reverse=True)]


@dataclass
class _Found:
    q: query.Query
    total: int
    ranked: list[tuple[float, int]]
    partial: bool
    notices: list[str] = field(default_factory=list)
    # Every match's score, when the search was asked to keep them all.
    scores: dict[int, float] | None = None


def _find(
    searcher: Searcher,
    text: str,
    *,
    any_word: bool,
    keep: int,
    deadline: float,
    known: Expansions,
    keep_all: bool = False,
) -> _Found:
    parsed = parse(searcher.schema, text, any_word=any_word)
    q, notices = expand_wildcards(parsed, searcher.reader(), known)
    if keep_all:
        scores = termwise_scores(searcher, q, _WEIGHTING)
        if scores is not None:
            return _Found(q, len(scores), [], False, notices, scores)
        collector = _PageCollector(keep, deadline, keep_all=True)
        searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
        return _Found(q, collector.total, [], collector.timed_out, notices, collector.scores)
    termwise = rank_termwise(searcher, q, _WEIGHTING, keep)
    if termwise is not None:
        total, ranked = termwise
        return _Found(q, total, ranked, False, notices)
    collector = _PageCollector(keep, deadline)
    searcher.search_with_collector(q, collector, searcher.context(weighting=_WEIGHTING))
    return _Found(q, collector.total, collector.ranked(), collector.timed_out, notices)


def search(
    index_dir: Path,
    text: str,
    *,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    sort: str = "relevance",
    with_facets: bool = False,
    suggest: bool = False,
) -> SearchResult:
    """Run a query on the live index and return one page of ranked hits.

    All words are required; when that finds nothing, documents with any of the words are
    ranked instead and the result says so with mode "any". A query that runs out of its time
    budget returns what it found so far, flagged partial. Filters narrow the matches (the
    total counts what passes them), sort orders them by date instead of score, with_facets
    counts the facets of the whole filtered result, and suggest looks for a corrected query
    that finds more.
    """
    _check_page(page, limit)
    filters = filters or Filters()
    sort = facets.parse_sort(sort)
    keep_all = filters.active() or sort != "relevance" or with_facets
    started = time.perf_counter()
    keep = page * limit
    counts = None
    suggestion = None
    try:
        with store.live_searcher(index_dir) as (_, searcher):
            # Read once per segment for every later query (facets.py): not this query's
            # work, so outside its time limits.
            cols = facets.columns(searcher) if keep_all else None
            deadline = time.perf_counter() + SEARCH_SECONDS
            with time_limit(HARD_SECONDS):
                mode = "all"
                known: Expansions = {}

                def run(any_word: bool) -> _Found:
                    found = _find(
                        searcher,
                        text,
                        any_word=any_word,
                        keep=keep,
                        deadline=deadline,
                        known=known,
                        keep_all=keep_all,
                    )
                    if cols is not None:
                        matched = facets.narrow(cols, list(found.scores or ()), filters)
                        found.total = len(matched)
                        found.ranked = facets.top(cols, matched, found.scores or {}, sort, keep)
                    return found

                found = run(any_word=False)
                if found.total == 0 and not found.partial and _is_plain_words(text):
                    found = run(any_word=True)
                    mode = "any"
                if cols is not None and with_facets:
                    counts = facets.count(cols, list(found.scores or ()), filters)
                if suggest and not found.partial:
                    suggestion = spelling.suggestion(
                        searcher,
                        text,
                        found.total if mode == "all" else 0,
                        lambda corrected: _count(searcher, corrected, filters, cols, deadline),
                        filters,
                    )
                hits = _hits(searcher, found.q, found.ranked[(page - 1) * limit :])
    except OutOfTime:
        raise QueryError(
            "The query needed more than %(seconds)s s of work and was stopped. Make it more "
            "specific: fewer very common words, or a rarer word with them.",
            seconds=format(HARD_SECONDS, "g"),
        ) from None
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    notices = found.notices
    if found.partial:
        notices = [*notices, Message("The search took too long; the results are incomplete.")]
    return SearchResult(
        text,
        found.total,
        page,
        mode,
        took_ms,
        found.partial,
        notices,
        hits,
        limit,
        counts,
        suggestion,
        sort,
    )


def browse(
    index_dir: Path,
    *,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
    sort: str = "newest",
) -> SearchResult:
    """Return one page of every document that passes the filters, newest first unless asked
    otherwise, with the facets of all of them: what a search page shows before a query."""
    _check_page(page, limit)
    filters = filters or Filters()
    sort = facets.parse_sort(sort)
    started = time.perf_counter()
    keep = page * limit
    with store.live_searcher(index_dir) as (_, searcher):
        cols = facets.columns(searcher)
        matched = facets.narrow(cols, cols.live, filters)
        # No query, so no relevance: the newest first.
        order = "newest" if sort == "relevance" else sort
        ranked = facets.top(cols, matched, {}, order, keep)
        counts = facets.count(cols, cols.live, filters)
        hits = _hits(searcher, None, ranked[(page - 1) * limit :])
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return SearchResult(
        "", len(matched), page, "browse", took_ms, False, [], hits, limit, counts, None, sort
    )


def _check_page(page: int, limit: int) -> None:
    if page < 1:
        raise QueryError("The page number must be 1 or more.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError("The limit must be between 1 and %(count)s.", count=MAX_LIMIT)


def _count(
    searcher: Searcher,
    text: str,
    filters: Filters,
    cols: facets.Columns | None,
    deadline: float,
) -> int:
    """Return how many documents a query finds with the filters; 0 for a failing query."""
    try:
        found = _find(
            searcher, text, any_word=False, keep=1, deadline=deadline, known={}, keep_all=True
        )
    except QueryError:
        return 0
    if found.partial:
        return 0
    if cols is None or not filters.active():
        return found.total
    return len(facets.narrow(cols, list(found.scores or ()), filters))


def _is_plain_words(text: str) -> bool:
    """Tell whether a query is just several words, with no operator or group to respect."""
    words = text.split()
    return (
        len(words) > 1 and not OPERATORS.intersection(words) and not any(c in text for c in '"()')
    )


def _hits(searcher: Searcher, q: query.Query | None, ranked: list[tuple[float, int]]) -> list[Hit]:
    words = snippets.matched_words(q, "body") if q is not None else []
    spans = snippets.spans_by_document(searcher.reader(), "body", words, [d for _, d in ranked])
    hits = []
    for score, docnum in ranked:
        fields = searcher.stored_fields(docnum)
        body = fields["body"]
        text, at = snippets.snippet_at(body, spans[docnum])
        hits.append(
            Hit(
                id=fields["id"],
                path=fields["path"],
                title=fields["title"],
                date=_iso_date(fields.get("date")),
                score=round(score, 4),
                snippet=text or snippets.lead(body),
                # A lead is the start of the first page.
                page=page_at(fields.get("pages") or (), at or 0),
            )
        )
    return hits


def _iso_date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def get_document(
    index_dir: Path, doc_id: str, text: str = "", part: int = 1, page: int | None = None
) -> DocumentView | None:
    """Return a stored document with the query's words marked, or None for an unknown id.

    Documents are read from the index, never from disk, so no id can reach another file. A
    long document is shown in parts of about DOCUMENT_PART_CHARS characters; part is clamped
    to the ones there are. A page of a PDF, when given, picks the part it starts in.
    """
    with store.live_searcher(index_dir) as (_, searcher):
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        fields = searcher.stored_fields(docnum)
        body = fields["body"]
        bounds = _part_bounds(body)
        page_starts = fields.get("pages") or []
        if page is not None and page_starts:
            first = page_starts[min(max(page, 1), len(page_starts)) - 1]
            part = next(
                n for n, (_, end) in enumerate(bounds, 1) if first < end or n == len(bounds)
            )
        part = min(max(part, 1), len(bounds))
        start, end = bounds[part - 1]
        spans: list[tuple[int, int]] = []
        if text.strip():
            try:
                q, _ = expand_wildcards(
                    parse(searcher.schema, text, any_word=True), searcher.reader()
                )
            except QueryError:
                q = None
            if q is not None:
                words = snippets.matched_words(q, "body")
                found = snippets.spans_by_document(searcher.reader(), "body", words, [docnum])
                spans = [(s - start, e - start) for s, e in found[docnum] if start <= s < e <= end]
    pages = _page_views(body, page_starts, start, end, spans)
    return DocumentView(
        id=fields["id"],
        path=fields["path"],
        title=fields["title"],
        date=_iso_date(fields.get("date")),
        body_html="".join(p.html for p in pages) or snippets.mark_all(body[start:end], spans),
        note=fields.get("note"),
        part=part,
        parts=len(bounds),
        pages=pages,
    )


def _page_views(
    body: str, page_starts: list[int], start: int, end: int, spans: list[tuple[int, int]]
) -> list[PageView]:
    """Return the pages of body[start:end], each marked up with its own spans (relative to
    start); [] for a document without pages."""
    if not page_starts:
        return []
    views = []
    limits = [*page_starts[1:], len(body)]
    for number, (first, last) in enumerate(zip(page_starts, limits, strict=True), 1):
        lo, hi = max(first, start), min(last, end)
        if lo >= hi:
            continue
        own = [
            (s - (lo - start), e - (lo - start)) for s, e in spans if lo - start <= s < hi - start
        ]
        views.append(PageView(number, snippets.mark_all(body[lo:hi], own), first >= start))
    return views


def _part_bounds(body: str) -> list[tuple[int, int]]:
    """Split a text into parts of about DOCUMENT_PART_CHARS, each ending at a line or space."""
    bounds = []
    start = 0
    while len(body) - start > DOCUMENT_PART_CHARS:
        cut = start + DOCUMENT_PART_CHARS
        space = max(body.rfind("\n", start + 1, cut), body.rfind(" ", start + 1, cut))
        end = space if space > start else cut
        bounds.append((start, end))
        start = end
    bounds.append((start, len(body)))
    return bounds
