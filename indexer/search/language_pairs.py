"""A decision in both languages shown once: its Finnish and its Swedish version (documents or
sections with the same key, documents/same_decision.py) are one hit, in the reader's
language where the result has both, with a link to the other.

A bilingual county's search for "äldreomsorg" or "vanhuspalvelut" would otherwise show each
of its decisions twice, one under the other, and a reader wants the one they can read.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from indexer.search.results import Hit
from indexer.store.per_reader import per_reader


@per_reader
def has_pair_keys(reader: Any) -> bool:
    """Tell whether the index holds a unit with a decision's key (deleted ones count: a guess
    that costs a term lookup). Versions are made one only where the index (or a cluster's
    corpus) holds Swedish too: Finnish decisions alone are ranked as before."""
    return "pair" in reader.schema and any(True for _ in reader.lexicon("pair"))


def one_per_decision(
    ranked: Sequence[tuple[float, int]],
    keys: Sequence[str],
    languages: Sequence[str],
    prefer: str | None,
) -> list[tuple[float, int]]:
    """Return the ranked units with the versions of a decision in another language left out:
    of a decision that the result has in several languages, the version in `prefer` if there
    is one, else the best ranked, where the best ranked of them was.

    >>> one_per_decision([(3.0, 0), (2.0, 1), (1.0, 2)], ["k", "", "k"], ["fi", "fi", "sv"],
    ...     "sv")
    [(3.0, 2), (2.0, 1)]
    """
    chosen: dict[str, str] = {}
    for _, d in ranked:
        key = keys[d]
        if key and (key not in chosen or languages[d] == prefer):
            chosen[key] = languages[d]
    shown: list[tuple[float, int]] = []
    # Where the best ranked version of a decision was, its chosen version is.
    placed: dict[str, int] = {}
    for score, d in ranked:
        key = keys[d]
        if not key:
            shown.append((score, d))
        elif key not in placed:
            placed[key] = len(shown)
            shown.append((score, d))
        elif languages[d] == chosen[key] and languages[shown[placed[key]][1]] != chosen[key]:
            shown[placed[key]] = (shown[placed[key]][0], d)
        elif languages[d] == chosen[key]:
            # Two copies in one language are not this module's business: both stay.
            shown.append((score, d))
    return shown


def counterpart(searcher: Any, key: str | None, language: str | None) -> dict | None:
    """Return the version of a decision in another language than the given one: its
    language, its file's id, its anchor on that file's page (None for a whole document) and
    its title; None when the index has none."""
    if not key or not language or "pair" not in searcher.schema:
        return None
    reader = searcher.reader()
    for d in searcher.document_numbers(pair=key):
        if reader.is_deleted(d):
            continue
        fields = searcher.stored_fields(d)
        other = fields.get("language")
        if other and other != language:
            section = fields.get("section")
            return {
                "language": other,
                "id": section["file"] if section else fields["id"],
                "anchor": section["anchor"] if section else None,
                "title": fields.get("title") or "",
            }
    return None


def linked(searcher: Any, hits: Sequence[Hit], keys: Sequence[str | None]) -> list[Hit]:
    """Return the hits, each with a link to its version in the other language
    (Hit.other_language) when the index has one; keys are the hits' decision keys."""
    return [
        replace(hit, other_language=found)
        if (found := counterpart(searcher, key, hit.language))
        else hit
        for hit, key in zip(hits, keys, strict=True)
    ]
