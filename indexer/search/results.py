"""A page of search results as the library returns it, and as the API's JSON shows it."""

import math
from dataclasses import dataclass, fields
from typing import Any

from indexer.common.messages import Message


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
    # "fi" or "sv"; None in an index built before languages were recorded.
    language: str | None = None
    # A decision document's body, organisation, kind ("pöytäkirja") and meeting number
    # ("11/2024"); None for other documents.
    decision_maker: str | None = None
    organisation: str | None = None
    kind: str | None = None
    meeting: str | None = None
    # A section's number ("140"), title, anchor on the document page ("s140") and case
    # number as printed ("LAPDno-2024-867"); None for a hit that is not a section.
    section: str | None = None
    section_title: str | None = None
    anchor: str | None = None
    case: str | None = None
    # How many more sections of this hit's meeting the result has than it shows (grouping).
    more_in_meeting: int = 0
    # The same section elsewhere, shown through this hit: {"relation": "agenda", "id",
    # "anchor", "page"} for the agenda of the minutes it is (search/agenda_minutes.py).
    also: tuple[dict[str, str | int | None], ...] = ()
    # The same decision in the other language (search/language_pairs.py): its "language",
    # file "id", "anchor" on that file's page (None for a whole document) and "title".
    other_language: dict[str, str | None] | None = None


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
