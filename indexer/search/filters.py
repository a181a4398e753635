"""What a search is narrowed to and ordered by: the facets' filters and the sort order, read
from a request's arguments (facets.py counts and applies them)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer.analysis.languages import LANGUAGES
from indexer.common.messages import Message

FACETS = ("year", "source", "format", "language", "decision_maker", "organisation", "kind")
SORTS = ("relevance", "newest", "oldest")
# No sensible query selects more values of one facet than this.
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200


class FilterError(ValueError):
    """A filter or sort value cannot be used; the message says why, in words for a user."""

    def __init__(self, template: str, **params: Any) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to: values within a facet are OR-ed, facets are AND-ed."""

    year: frozenset[str] = frozenset()
    source: frozenset[str] = frozenset()
    format: frozenset[str] = frozenset()
    language: frozenset[str] = frozenset()
    decision_maker: frozenset[str] = frozenset()
    organisation: frozenset[str] = frozenset()
    kind: frozenset[str] = frozenset()
    # Inclusive days.
    date_from: date | None = None
    date_to: date | None = None

    def active(self) -> bool:
        """Tell whether anything is filtered at all."""
        return any(map(self.selected, FACETS)) or bool(self.date_from or self.date_to)

    def selected(self, facet: str) -> frozenset[str]:
        """Return the chosen values of one facet."""
        return getattr(self, facet)


def parse_filters(args: Mapping[str, Sequence[str]]) -> Filters:
    """Return the filters of a request's arguments (each name to its list of values), or
    raise FilterError. Empty values are ignored, so an empty form field filters nothing."""

    def values(name: str) -> frozenset[str]:
        given = [v.strip() for v in args.get(name, ()) if v.strip()]
        if len(given) > MAX_FILTER_VALUES:
            raise FilterError(
                "'%(name)s' can be given at most %(count)s times.",
                name=name,
                count=MAX_FILTER_VALUES,
            )
        for value in given:
            if len(value) > MAX_FILTER_CHARS:
                raise FilterError(
                    "'%(name)s' is too long: at most %(count)s characters.",
                    name=name,
                    count=MAX_FILTER_CHARS,
                )
        return frozenset(given)

    years = values("year")
    for year in years:
        if not (len(year) == 4 and year.isdigit() and year.isascii()):
            raise FilterError("'year' must be a year of four digits, such as 2021.")
    formats = frozenset(f.lower().lstrip(".") for f in values("format"))
    languages = frozenset(v.lower() for v in values("language"))
    if not languages <= frozenset(LANGUAGES):
        raise FilterError("'language' must be fi or sv.")
    date_from, date_to = _day(args, "from"), _day(args, "to")
    if date_from and date_to and date_from > date_to:
        raise FilterError("'from' must not be later than 'to'.")
    return Filters(
        year=years,
        source=values("source"),
        format=formats,
        language=languages,
        decision_maker=values("decision_maker"),
        organisation=values("organisation"),
        kind=values("kind"),
        date_from=date_from,
        date_to=date_to,
    )


def _day(args: Mapping[str, Sequence[str]], name: str) -> date | None:
    given = [v.strip() for v in args.get(name, ()) if v.strip()]
    if not given:
        return None
    if len(given) > 1:
        raise FilterError("'%(name)s' can be given only once.", name=name)
    try:
        return date.fromisoformat(given[0]) if len(given[0]) == 10 else _bad_day(name)
    except ValueError:
        return _bad_day(name)


def _bad_day(name: str) -> date:
    raise FilterError("'%(name)s' must be a date as YYYY-MM-DD, such as 2021-06-30.", name=name)


def parse_sort(value: str) -> str:
    """Return a sort order by name ("" is relevance), or raise FilterError."""
    value = value.strip() or "relevance"
    if value not in SORTS:
        raise FilterError("'sort' must be relevance, newest or oldest.")
    return value
