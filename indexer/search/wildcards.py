"""Wildcards bounded: each replaced by its most frequent words in the index."""

import fnmatch
import heapq
import re
from collections.abc import Callable

from whoosh import query
from whoosh.reading import IndexReader

from indexer.common.messages import Message

# A wildcard stands for at most this many words of a field, the most frequent ones; finding
# them reads at most MAX_WILDCARD_SCAN words of the index.
MAX_WILDCARD_TERMS = 32
MAX_WILDCARD_SCAN = 20_000
# A wildcard's words are read in chunks of documents when they are in more than one document
# in this many.
_ARRAY_UNION_SHARE = 20


Expansions = dict[tuple[str, str], tuple[list[tuple[int, str]], bool]]
# Where a wildcard's words and their document frequencies come from: (field, head, limit) ->
# the first `limit` words starting with head, in order, and whether those are all of them. A
# shard of a cluster answers from the whole corpus's words (cluster/statistics.py), so that
# every shard, and one index, expands a wildcard to the same words.
PrefixWords = Callable[[str, str, int], tuple[list[tuple[bytes, int]], bool]]


def expand_wildcards(
    q: query.Query,
    reader: IndexReader,
    known: Expansions | None = None,
    prefix_words: PrefixWords | None = None,
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
            known[key] = _wildcard_terms(node, reader, prefix_words)
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
    node: query.Prefix | query.Wildcard, reader: IndexReader, prefix_words: PrefixWords | None
) -> tuple[list[tuple[int, str]], bool]:
    """Return the most frequent terms a wildcard matches with their document frequencies,
    and whether those are all of them."""
    if isinstance(node, query.Prefix):
        head, matches = node.text, None
    else:
        head = re.split(r"[*?]", node.text, maxsplit=1)[0]
        matches = re.compile(fnmatch.translate(node.text)).match
    if prefix_words is None:
        words, complete = _prefix_words(reader, node.fieldname, head, MAX_WILDCARD_SCAN)
    else:
        words, complete = prefix_words(node.fieldname, head, MAX_WILDCARD_SCAN)
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
