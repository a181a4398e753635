"""Snippets and marked-up documents from the character offsets stored with the postings.

The body field is indexed with each occurrence's start and end character, for every token the
analyzer made of a word: base forms, compound parts, written forms, lexicon expansions. So
the words a query matched can be found in a hit by reading the matched terms' postings for
that document, without analysing its text again: a long document costs about as much as a
short one, and the snippet and the document page mark exactly the same words.
"""

import itertools
import re
from collections.abc import Iterable, Sequence

from whoosh import highlight, query
from whoosh.analysis import Token
from whoosh.reading import IndexReader, TermNotFound

from indexer.store.schema import SWEDISH_FIELDS

SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 3
# Context kept around the matched words of a fragment, in characters.
_SURROUND = 80
_WHITESPACE = re.compile(r"\s+")
_BLANK = re.compile(r"[^\n]")
_SENTENCE_ENDS = (". ", "! ", "? ", ".\n", "\n\n")
# How far from its matched words a fragment's sentence is looked for: a "sentence" longer than
# this is a table or a list, and an unbounded find read a 50-page text to its end per fragment.
_SENTENCE_REACH = 600


class MarkFormatter(highlight.HtmlFormatter):
    """Wrap matched words in a bare <mark>; the text between them is HTML-escaped."""

    def __init__(self) -> None:
        super().__init__(between=" … ")

    def format_token(self, text: str, token: Token, replace: bool = False) -> str:
        return f"<mark>{highlight.htmlescape(highlight.get_text(text, token, replace))}</mark>"


def matched_words(q: query.Query, fieldname: str) -> list[str]:
    """Return the terms of a query's positive clauses in one field, in a stable order.

    Terms under NOT (and the right side of ANDNOT) are left out: a document shown for
    "VATE NOT sote" has no "sote" to mark. Wildcards must be expanded to terms first.
    """
    words: dict[str, None] = {}

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            for field, text in node.terms():
                if field == fieldname:
                    words[text.decode("utf-8") if isinstance(text, bytes) else text] = None
            return
        for child in node.children():
            walk(child)

    walk(q)
    return list(words)


def spans_by_document(
    reader: IndexReader, fieldname: str, words: Iterable[str], docnums: Iterable[int]
) -> dict[int, list[tuple[int, int]]]:
    """Return, for each document, the (start, end) characters of every occurrence of the words.

    One pass over each word's postings in each segment that holds a wanted document,
    skipping from one wanted document to the next.
    """
    wanted = sorted(set(docnums))
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in wanted}
    words = list(words)
    for leaf, offset in reader.leaf_readers():
        # Segment by segment: the reader of the whole index would look each word up in
        # every segment, where a page's hits are often in one. A wildcard has many words.
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        if not local:
            continue
        for word in words:
            try:
                postings = leaf.postings(fieldname, word)
            except TermNotFound:
                continue
            for docnum in local:
                if not postings.is_active():
                    break
                if postings.id() < docnum:
                    postings.skip_to(docnum)
                    if not postings.is_active():
                        break
                if postings.id() == docnum:
                    found = spans[docnum + offset]
                    found.extend((s, e) for _, s, e in postings.value_as("characters"))
    return spans


def query_spans(
    reader: IndexReader, q: query.Query | None, docnums: Iterable[int]
) -> dict[int, list[tuple[int, int]]]:
    """Return, for each document, the characters of the words the query matched in its body:
    in body for a Finnish document, in body_sv for a Swedish one (both store their text in
    body)."""
    wanted = list(docnums)
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in wanted}
    for fieldname in ("body", SWEDISH_FIELDS["body"]):
        if q is None or fieldname not in reader.schema:
            continue
        words = matched_words(q, fieldname)
        for docnum, found in spans_by_document(reader, fieldname, words, wanted).items():
            spans[docnum].extend(found)
    return spans


def _tokens(spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> list[Token]:
    """Turn spans into the sorted, non-overlapping tokens Whoosh's fragmenters expect."""
    inside = sorted(s for s in set(spans) if s[0] >= start and (end is None or s[1] <= end))
    tokens = []
    # Tokens of one word share its start; mark the longest (a whole compound, not its part).
    for _, group in itertools.groupby(inside, key=lambda s: s[0]):
        s, e = max(group, key=lambda span: span[1])
        if tokens and s < tokens[-1].endchar:
            continue
        tokens.append(Token(startchar=s, endchar=e, matched=True, boost=1.0))
    return tokens


def snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """Return up to three fragments of the text around the matched spans, words in <mark>.

    Empty when nothing in the text matched.
    """
    return snippet_at(text, spans)[0]


def snippet_at(
    text: str, spans: list[tuple[int, int]], hidden: Sequence[Sequence[int]] = ()
) -> tuple[str, int | None]:
    """Return snippet()'s fragments and the character where the best of them has its first
    matched word (for the page a PDF's snippet is on); ("", None) when nothing matched.

    hidden: (start, end) ranges of boilerplate (signature blocks) that no fragment shows
    while a word matched outside them; the snippet is theirs only when all matched there.
    """
    outside = [s for s in spans if not _within(s, hidden)] if hidden else spans
    if hidden and outside:
        # Piece by piece: a minutes file's text is long, and a list of its characters cost
        # a millisecond a hit.
        pieces, at = [], 0
        for start, end in sorted(hidden):
            start = max(start, at)
            pieces += [text[at:start], _BLANK.sub(" ", text[start:end])]
            at = max(at, end)
        pieces.append(text[at:])
        text, spans = "".join(pieces), outside
    tokens = _tokens(spans)
    if not tokens:
        return "", None
    fragmenter = highlight.PinpointFragmenter(
        maxchars=SNIPPET_CHARS, surround=_SURROUND, autotrim=False, charlimit=None
    )
    fragments = list(fragmenter.fragment_matches(text, tokens))
    for previous, f in zip([None, *fragments], fragments, strict=False):
        # Each fragment's context reaches back over the previous one's words: start after it.
        if previous is not None:
            f.startchar = max(f.startchar, previous.endchar)
        _trim(f)
        # Whoosh scores a fragment by its distinct matched terms; here a term is a span's text.
        f.matched_terms = {text[t.startchar : t.endchar].lower() for t in f.matches}
    scorer = highlight.BasicFragmentScorer()
    # One fragment cannot repeat another: most hits of a news archive have one.
    unique = _unrepeated(text, fragments) if len(fragments) > 1 else fragments
    best = highlight.top_fragments(unique, SNIPPET_FRAGMENTS, scorer, highlight.FIRST)
    # Fragments keep the text's line breaks; one line reads better in a result list.
    html = " ".join(MarkFormatter().format(best).split())
    return html, max(best, key=scorer).matches[0].startchar


def _within(span: tuple[int, int], ranges: Sequence[Sequence[int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in ranges)


def _unrepeated(text: str, fragments: list[highlight.Fragment]) -> list[highlight.Fragment]:
    """Return the fragments without those whose matched sentences an earlier one has: a
    minutes file repeats its decisions, and a snippet should not."""
    seen: set[str] = set()
    unique = []
    for f in fragments:
        first, last = f.matches[0].startchar, f.matches[-1].endchar
        before, after = max(first - _SENTENCE_REACH, 0), last + _SENTENCE_REACH
        ends = [(text.rfind(end, before, first), len(end)) for end in _SENTENCE_ENDS]
        start = max([i + size for i, size in ends if i >= 0], default=before)
        stops = [i for i in (text.find(end, last, after) for end in _SENTENCE_ENDS) if i >= 0]
        sentences = " ".join(
            text[start : min(stops, default=min(after, len(text)))].lower().split()
        )
        if sentences not in seen:
            seen.add(sentences)
            unique.append(f)
    return unique


def _trim(fragment: highlight.Fragment) -> None:
    """Cut a fragment at whitespace so it starts and ends with whole words.

    Whoosh's own autotrim also cuts a fragment that ends where the text ends.
    """
    text, start, end = fragment.text, fragment.startchar, fragment.endchar
    first, last = fragment.matches[0].startchar, fragment.matches[-1].endchar
    if start > 0:
        space = _WHITESPACE.search(text, start, first)
        start = space.end() if space else start
    if end < len(text):
        spaces = list(_WHITESPACE.finditer(text, last, end))
        end = spaces[-1].start() if spaces else end
    fragment.startchar, fragment.endchar = start, end


def mark_all(text: str, spans: list[tuple[int, int]]) -> str:
    """Return the whole text HTML-escaped with every matched span in <mark>."""
    tokens = _tokens(spans)
    if not tokens:
        return highlight.htmlescape(text)
    return MarkFormatter().format_fragment(highlight.Fragment(text, tokens, 0, len(text)))


def lead(text: str) -> str:
    """Return the start of a text, escaped, for hits whose body has no matched word."""
    flat = " ".join(text[: SNIPPET_CHARS * 4].split())
    if len(flat) > SNIPPET_CHARS:
        flat = flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return highlight.htmlescape(flat)
