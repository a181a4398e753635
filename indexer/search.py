"""Searching the live index: query parsing with bounds, ranking, snippets, documents."""

import math
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import highlight, query
from whoosh.analysis import Analyzer
from whoosh.qparser import AndGroup, OrGroup, QueryParser, plugins
from whoosh.qparser.common import QueryParserError
from whoosh.searching import Searcher

from indexer import store

MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
MIN_WILDCARD_PREFIX = 3
SNIPPET_CHARS = 240
FIELDS = ("title", "body")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


class QueryError(ValueError):
    """The query cannot be run; the message says why, in words for a user."""


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    id: str
    path: str
    title: str
    date: str | None
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    """One page of results and how they were found."""

    query: str
    total: int
    page: int
    mode: str
    took_ms: float
    hits: list[Hit]
    limit: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    def to_json(self) -> dict[str, Any]:
        """Return the API's JSON object."""
        data = asdict(self)
        del data["limit"]
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


class _MarkFormatter(highlight.HtmlFormatter):
    """Wrap matched words in a bare <mark>; the text between them is HTML-escaped."""

    def __init__(self) -> None:
        super().__init__(between=" … ")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{highlight.htmlescape(highlight.get_text(text, token, replace))}</mark>"


def _alternatives(analyzer: Analyzer, text: str) -> list[dict[str, float]]:
    """Return, per word position, the query terms that may stand there and their boosts."""
    by_pos: dict[int, dict[str, float]] = {}
    for t in analyzer(text, mode="query", positions=True, boosts=True):
        terms = by_pos.setdefault(t.pos, {})
        terms[t.text] = max(terms.get(t.text, 0.0), t.boost)
    return [by_pos[p] for p in sorted(by_pos)]


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


def _bounded_wildcard(fieldname: str, text: str, termclass: type, boost: float) -> query.Query:
    text = text.lower()
    literal = len(text) - len(text.lstrip("*?")) == 0
    head = text.split("*")[0].split("?")[0]
    if not literal or len(head) < MIN_WILDCARD_PREFIX:
        raise QueryError(
            f"A wildcard needs at least {MIN_WILDCARD_PREFIX} letters before it, "
            "for example 'rahoitus*'."
        )
    return termclass(fieldname, text, boost=boost)


def parse(schema: Any, text: str, *, any_word: bool = False) -> query.Query:
    """Parse a user's query, or raise QueryError with a message for them."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is too long: at most {MAX_QUERY_CHARS} characters.")
    if not text.strip():
        raise QueryError("Type a word to search for.")
    parser = FinnishQueryParser(schema, any_word=any_word)
    try:
        q = parser.parse(text)
    except QueryParserError as e:
        raise QueryError(f"The query could not be understood: {e}") from None
    errors = [sub for sub in q.leaves() if isinstance(sub, query.qcore._NullQuery)]
    if q is query.NullQuery or (errors and len(errors) == len(list(q.leaves()))):
        raise QueryError("The query has no words that can be searched for.")
    return q


def search(index_dir: Path, text: str, *, page: int = 1, limit: int = 10) -> SearchResult:
    """Run a query on the live index and return one page of ranked hits.

    All words are required; when that finds nothing, documents with any of the words are
    ranked instead and the result says so with mode "any".
    """
    if page < 1:
        raise QueryError("The page number must be 1 or more.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"The limit must be between 1 and {MAX_LIMIT}.")
    started = time.perf_counter()
    with store.live_searcher(index_dir) as (_, searcher):
        mode = "all"
        q = parse(searcher.schema, text)
        total = len(searcher.search(q, limit=None, scored=False))
        if total == 0 and _is_plain_words(text):
            q = parse(searcher.schema, text, any_word=True)
            total = len(searcher.search(q, limit=None, scored=False))
            mode = "any"
        hits = _page_hits(searcher, q, page, limit) if total else []
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return SearchResult(text, total, page, mode, took_ms, hits, limit)


def _is_plain_words(text: str) -> bool:
    """Tell whether a query is just several words, with no operator or group to respect."""
    words = text.split()
    return (
        len(words) > 1 and not OPERATORS.intersection(words) and not any(c in text for c in '"()')
    )


def _page_hits(searcher: Searcher, q: query.Query, page: int, limit: int) -> list[Hit]:
    results = searcher.search(q, limit=page * limit, terms=True)
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
    results.formatter = _MarkFormatter()
    hits = []
    for hit in results[(page - 1) * limit : page * limit]:
        # Fragments keep the text's line breaks; one line reads better in a result list.
        snippet = " ".join(hit.highlights("body", top=3).split()) or _lead(hit["body"])
        hits.append(
            Hit(
                id=hit["id"],
                path=hit["path"],
                title=hit["title"],
                date=_iso_date(hit.get("date")),
                score=round(hit.score, 4),
                snippet=snippet,
            )
        )
    return hits


def _lead(body: str) -> str:
    """Return the start of a text, escaped, for hits whose body has no matched word."""
    text = " ".join(body.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return highlight.htmlescape(text)


def _iso_date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _body_words(q: query.Query, searcher: Searcher) -> frozenset[str]:
    """Return the body terms a query matches, wildcards expanded against the index."""
    # Query.existing_terms() reuses its fieldname argument as a loop variable and drops
    # fields after the first, so collect the leaves' terms here.
    words = set()
    for leaf in q.leaves():
        if leaf.field() == "body":
            for _, text in leaf.expanded_terms(searcher.reader()):
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


def get_document(index_dir: Path, doc_id: str, text: str = "") -> DocumentView | None:
    """Return a stored document with the query's words marked, or None for an unknown id.

    Documents are read from the index, never from disk, so no id can reach another file.
    """
    with store.live_searcher(index_dir) as (_, searcher):
        fields = searcher.document(id=doc_id)
        if fields is None:
            return None
        body = fields["body"]
        body_html = highlight.htmlescape(body)
        if text.strip():
            try:
                q = parse(searcher.schema, text, any_word=True)
            except QueryError:
                q = None
            if q is not None:
                marked = highlight.highlight(
                    body,
                    _body_words(q, searcher),
                    searcher.schema["body"].analyzer,
                    highlight.WholeFragmenter(charlimit=None),
                    _MarkFormatter(),
                    top=1,
                )
                body_html = marked or body_html
    return DocumentView(
        id=fields["id"],
        path=fields["path"],
        title=fields["title"],
        date=_iso_date(fields.get("date")),
        body_html=body_html,
        note=fields.get("note"),
    )
