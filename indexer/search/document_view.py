"""One stored document as the document page shows it: in parts, page by page, the query's
words marked."""

import bisect
import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from indexer.search import snippets
from indexer.search.language_pairs import counterpart
from indexer.search.query import QueryError, parse
from indexer.search.wildcards import expand_wildcards
from indexer.store import searchers
from indexer.store.schema import holds_swedish
from indexer.store.units import is_sectioned

# The document page shows a long document in parts of this many characters.
DOCUMENT_PART_CHARS = 100_000


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
    # "fi" or "sv"; None in an index built before languages were recorded.
    language: str | None = None
    # A decision document's sections: number, title, case, anchor ("s140"), page, language
    # and version in the other language (as other_language), in order; each starts at an
    # element with the anchor as its id.
    sections: list[dict] = field(default_factory=list)
    # The same decision in the other language (language_pairs.counterpart), or None.
    other_language: dict | None = None


@dataclass(frozen=True)
class PageView:
    """The marked-up text of one page of a document, or of its part in a document part."""

    number: int  # from 1
    html: str
    starts: bool  # False when the page began in the part before


def iso_date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def get_document(
    index_dir: Path, doc_id: str, text: str = "", part: int = 1, page: int | None = None
) -> DocumentView | None:
    """Return a stored document with the query's words marked, or None for an unknown id.

    Documents are read from the index, never from disk, so no id can reach another file. A
    long document is shown in parts of about DOCUMENT_PART_CHARS characters; part is clamped
    to the ones there are. A page of a PDF, when given, picks the part it starts in.
    """
    with searchers.live_searcher(index_dir) as (_, searcher):
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
                    parse(
                        searcher.schema,
                        text,
                        any_word=True,
                        swedish=holds_swedish(searcher.reader()),
                    ),
                    searcher.reader(),
                )
            except QueryError:
                q = None
            if q is not None:
                spans = [
                    (s - start, e - start)
                    for s, e in _spans(searcher, docnum, doc_id, q)
                    if start <= s < e <= end
                ]
        sections = [
            {
                **s,
                "anchor": s.get("anchor") or f"s{s['number']}",
                "page": page_at(page_starts, s["start"]),
            }
            for s in _sections(searcher, doc_id, fields)
        ]
        other = counterpart(searcher, fields.get("pair"), fields.get("language"))
    anchors = [(s["start"], s["anchor"]) for s in sections if start <= s["start"] < end]
    pages = _page_views(body, page_starts, start, end, spans, anchors)
    return DocumentView(
        id=fields["id"],
        path=fields["path"],
        title=fields["title"],
        date=iso_date(fields.get("date")),
        body_html="".join(p.html for p in pages)
        or _marked(body[start:end], start, start, spans, anchors),
        note=fields.get("note"),
        part=part,
        parts=len(bounds),
        pages=pages,
        language=fields.get("language"),
        sections=sections,
        other_language=other,
    )


def _units(searcher: Any, doc_id: str) -> list[int]:
    """Return the live document numbers of a file's sections' units."""
    if not is_sectioned(searcher.schema):
        return []
    reader = searcher.reader()
    own = searcher.document_number(id=doc_id)
    return [
        d for d in searcher.document_numbers(file=doc_id) if d != own and not reader.is_deleted(d)
    ]


def _sections(searcher: Any, doc_id: str, fields: dict) -> list[dict]:
    """Return what a file's unit says of its sections, with each section unit's anchor,
    language and version in the other language."""
    units = {}
    for d in _units(searcher, doc_id):
        unit = searcher.stored_fields(d)
        language = unit.get("language")
        units[unit["section"]["start"]] = {
            "anchor": unit["section"]["anchor"],
            "language": language,
            "other_language": counterpart(searcher, unit.get("pair"), language),
        }
    return [
        {**s, "anchor": None, "language": None, "other_language": None, **units.get(s["start"], {})}
        for s in fields.get("sections") or []
    ]


def _spans(searcher: Any, docnum: int, doc_id: str, q: Any) -> list[tuple[int, int]]:
    """Return the matched words' spans in a file's whole text: its own unit's and, moved to
    where each starts, its sections' units'."""
    units = _units(searcher, doc_id)
    found = snippets.query_spans(searcher.reader(), q, [docnum, *units])
    spans = list(found[docnum])
    for d in units:
        begins = searcher.stored_fields(d)["section"]["start"]
        spans.extend((s + begins, e + begins) for s, e in found[d])
    return spans


def _marked(
    text: str,
    lo: int,
    start: int,
    spans: list[tuple[int, int]],
    anchors: list[tuple[int, str]],
) -> str:
    """Return text, the body from lo on, marked up with the spans (relative to start), an
    empty element with its id before each section that starts in it."""
    hi = lo + len(text)
    cuts = [(at, anchor) for at, anchor in anchors if lo <= at < hi]
    pieces = []
    edges = [lo, *(at for at, _ in cuts), hi]
    names = ["", *(anchor for _, anchor in cuts)]
    for (first, last), name in zip(itertools.pairwise(edges), names, strict=True):
        own = [
            (s - (first - start), e - (first - start))
            for s, e in spans
            if first - start <= s < last - start
        ]
        if name:
            pieces.append(f'<span class="section-start" id="{html.escape(name)}"></span>')
        pieces.append(snippets.mark_all(text[first - lo : last - lo], own))
    return "".join(pieces)


def _page_views(
    body: str,
    page_starts: list[int],
    start: int,
    end: int,
    spans: list[tuple[int, int]],
    anchors: list[tuple[int, str]],
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
        views.append(
            PageView(
                number, _marked(_reflowed(body[lo:hi]), lo, start, spans, anchors), first >= start
            )
        )
    return views


# A line at least this share of its page's longest line is full: the typesetter broke it.
_FULL_LINE = 0.75
# Lines that start so are items of a list, each on a line of its own.
_ITEM_STARTS = ("-", "–", "•", "*", "")


def _reflowed(text: str) -> str:
    r"""Return a page's text with the line breaks its typesetter made turned into spaces, so
    that on a narrow screen a paragraph wraps as one instead of in ragged halves; the break
    after a short line (a paragraph's end, a heading, a list item) stays. Same length, so
    the highlighted spans still hold.

    >>> _reflowed("Hallitus esitti uuden\nrahoitusmallin.\nLiite 1\n- kohta")
    'Hallitus esitti uuden rahoitusmallin.\nLiite 1\n- kohta'
    """
    lines = text.split("\n")
    longest = max(map(len, lines))
    out = []
    for line, following in zip(lines, lines[1:], strict=False):
        full = len(line.rstrip()) >= _FULL_LINE * longest and line.strip()
        item = following.lstrip()[:1] in _ITEM_STARTS
        # A sentence's end, then a short line that starts anew: a heading follows.
        heading = (
            line.rstrip().endswith((".", ":", "!", "?"))
            and following.lstrip()[:1].isupper()
            and len(following.rstrip()) < _FULL_LINE * longest
        )
        out.append(line + (" " if full and not item and not heading else "\n"))
    out.append(lines[-1])
    return "".join(out)


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


def page_at(page_starts: Sequence[int], offset: int) -> int | None:
    """Return the page number (from 1) that holds the character at offset, or None when the
    document has no pages.

    >>> page_at((0, 10, 25), 12)
    2
    """
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))
