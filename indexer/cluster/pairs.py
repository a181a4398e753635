"""A decision in both languages across shards: its Finnish and its Swedish version are placed
by their files' ids, so they are often in two shards, and one index shows them as one hit
(search/language_pairs.py) before it groups a result's sections by file.

The coordinator does the same in two steps. Each shard first ranks a query as one index
would and says, for every matched unit with a decision key, the key, its language and its
place in the order (versions()). Where a key's versions are in several shards, the
coordinator decides as one index does (decide()): the version in the reader's language if
the result has one, else the best ranked one's, at the place of the best ranked version; the
others left out. The shards concerned then rank the query again with that decided (Collapse),
group the sections by file, and the coordinator merges their blocks (merging.best): the
result, its total and its order are one index's.

A hit or a document page is linked to its version in another shard, as one index links it.
"""

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.cluster.order import file_id, order_key
from indexer.search import language_pairs
from indexer.search.document_view import DocumentView
from indexer.search.results import Hit

# (key, language) of a ranked unit, by document number, from one shard
Keys = dict[int, tuple[str, str]]
# A matched unit with a decision key: (key, language, score, document number, day, file id)
Version = tuple[str, str, float, int, int, str]
# The place of the best ranked version of a decision: (score, document number, day, file id)
Place = tuple[float, int, int, str]


@dataclass
class Decided:
    """What one shard does with its versions of decisions that are in several shards: the
    units left out, and the units put in the place of a better ranked version elsewhere."""

    drop: set[int] = field(default_factory=set)
    moved: dict[int, Place] = field(default_factory=dict)


def entry_keys(cols: Any, ranked: Sequence[tuple[float, int]]) -> Keys:
    """Return the decision keys and languages of a shard's ranked units that have one."""
    if cols is None or cols.pair is None or cols.language is None:
        return {}
    pair, language = cols.pair, cols.language
    return {d: (pair[d], language[d]) for _, d in ranked if pair[d] and language[d]}


def decide(versions: list[list[Version]], sort: str, prefer: str | None) -> dict[int, Decided]:
    """Return, by shard, what the shards do with the versions of decisions that are in more
    than one of them, as language_pairs.one_per_decision does in one index.

    >>> fi, sv = ("k", "fi", 3.0, 7, 0, "a.txt"), ("k", "sv", 2.0, 4, 0, "b.txt")
    >>> decide([[fi], [sv]], "relevance", "sv")
    {0: Decided(drop={7}, moved={}), 1: Decided(drop=set(), moved={4: (3.0, 7, 0, 'a.txt')})}
    """
    by_key: dict[str, list[tuple[tuple, int, Version]]] = defaultdict(list)
    for shard, found in enumerate(versions):
        for v in found:
            by_key[v[0]].append((order_key(sort, v[2], v[3], v[4], v[5]), shard, v))
    decided: dict[int, Decided] = {}
    for found in by_key.values():
        if len({shard for _, shard, _ in found}) < 2:
            continue  # the shard that holds them all decides as one index
        found.sort(key=lambda item: item[:2])
        _, place_shard, place = found[0]
        languages = {v[1] for _, _, v in found}
        chosen = prefer if prefer in languages else place[1]
        for _, shard, v in found:
            if v[1] != chosen:
                decided.setdefault(shard, Decided()).drop.add(v[3])
        if place[1] != chosen:
            # The best ranked version in the chosen language takes the place.
            _, shard, v = next(item for item in found if item[2][1] == chosen)
            decided.setdefault(shard, Decided()).moved[v[3]] = (
                place[2],
                place[3],
                place[4],
                place[5],
            )
    return dict(sorted(decided.items()))


class Collapse:
    """A shard's step in place of language_pairs.one_per_decision (searching.rank's
    `decisions`): with nothing decided, it notes the versions and makes one hit of those
    this shard holds; with the coordinator's Decided, it leaves out and moves the units
    first."""

    def __init__(
        self, searcher: Any, cols: Any, sort: str, prefer: str | None, decided: Decided | None
    ) -> None:
        self.searcher, self.cols, self.sort = searcher, cols, sort
        self.prefer, self.decided = prefer, decided
        self.versions: list[Version] = []

    def __call__(self, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        pair, language = self.cols.pair, self.cols.language
        if self.decided is None:
            self.versions = [
                (pair[d], language[d], score, d, self.day(d), self.file_id(d))
                for score, d in ranked
                if pair[d]
            ]
        else:
            ranked = self._placed(ranked, self.decided)
        return language_pairs.one_per_decision(ranked, pair, language, self.prefer)

    def day(self, d: int) -> int:
        return self.cols.day[d] if self.cols.day else 0

    def file_id(self, d: int) -> str:
        return file_id(self.searcher, self.cols, d)

    def place(self, d: int) -> Place | None:
        """Return the place a unit was moved to, if it was."""
        return self.decided.moved.get(d) if self.decided is not None else None

    def _placed(self, ranked: list[tuple[float, int]], decided: Decided) -> list[tuple[float, int]]:
        kept = [(s, d) for s, d in ranked if d not in decided.drop and d not in decided.moved]
        keys = {}

        def key(entry: tuple[float, int]) -> tuple:
            # Worked out only for the entries a binary search looks at.
            d = entry[1]
            if d not in keys:
                score, docnum, day, file_id = decided.moved.get(d) or (
                    entry[0],
                    d,
                    self.day(d),
                    self.file_id(d),
                )
                keys[d] = order_key(self.sort, score, docnum, day, file_id)
            return keys[d]

        present = {d for _, d in ranked}
        for d, place in decided.moved.items():
            if d not in present:
                continue  # not matched this time (out of time): nothing to move
            entry = (place[0], d)
            kept.insert(bisect.bisect_left(kept, key(entry), key=key), entry)
        return kept


def missing(hits: Sequence[Hit], keys: Sequence[tuple[str, str] | None]) -> dict[str, str]:
    """Return key -> language of the hits with a key whose other version their shard lacks."""
    return {
        found[0]: found[1]
        for hit, found in zip(hits, keys, strict=True)
        if found and hit.other_language is None
    }


def counterparts(searcher: Any, wanted: dict[str, str]) -> dict[str, dict]:
    """Return, of the keys wanted (key -> the language a reader has), the versions this shard
    holds in another language (language_pairs.counterpart)."""
    found = {}
    for key, language in wanted.items():
        other = language_pairs.counterpart(searcher, key, language)
        if other is not None:
            found[key] = other
    return found


def first_found(answers: list[dict[str, dict]]) -> dict[str, dict]:
    """Return each key's version from the shards' answers: of several, the first file by id,
    as one index finds the first document number (its files are indexed in order of id)."""
    chosen: dict[str, dict] = {}
    for answer in answers:
        for key, other in answer.items():
            if key not in chosen or (other["id"], other["anchor"] or "") < (
                chosen[key]["id"],
                chosen[key]["anchor"] or "",
            ):
                chosen[key] = other
    return chosen


def linked(
    hits: list[Hit], keys: list[tuple[str, str] | None], found: dict[str, dict]
) -> list[Hit]:
    """Return the hits with the versions found in other shards linked."""
    return [
        replace(hit, other_language=found[k[0]])
        if k and hit.other_language is None and k[0] in found
        else hit
        for hit, k in zip(hits, keys, strict=True)
    ]


def document_keys(searcher: Any, doc_id: str) -> dict[str, tuple[str, str]]:
    """Return the keys and languages of a file ("") and of its sections' units (by anchor)
    whose version in the other language this shard does not hold."""
    wanted: dict[str, tuple[str, str]] = {}
    if "pair" not in searcher.schema:
        return wanted
    reader = searcher.reader()
    for d in searcher.document_numbers(id=doc_id):
        if not reader.is_deleted(d):
            _want(searcher, wanted, "", searcher.stored_fields(d))
    if "file" in searcher.schema:
        for d in searcher.document_numbers(file=doc_id):
            fields = searcher.stored_fields(d)
            section = fields.get("section")
            if section and not reader.is_deleted(d):
                _want(searcher, wanted, section["anchor"], fields)
    return wanted


def _want(searcher: Any, wanted: dict, anchor: str, fields: dict) -> None:
    key, language = fields.get("pair"), fields.get("language")
    if key and language and language_pairs.counterpart(searcher, key, language) is None:
        wanted[anchor] = (key, language)


def linked_document(
    view: DocumentView, keys: dict[str, tuple[str, str]], found: dict[str, dict]
) -> DocumentView:
    """Return a document page with its and its sections' versions in other shards linked."""
    own = keys.get("")
    other = view.other_language
    if other is None and own is not None:
        other = found.get(own[0])
    sections = [
        {**s, "other_language": found.get(keys[s["anchor"]][0])}
        if s.get("other_language") is None and s.get("anchor") in keys
        else s
        for s in view.sections
    ]
    return replace(view, other_language=other, sections=sections)
