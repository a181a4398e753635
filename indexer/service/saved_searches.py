"""A saved search: the query and filters a person follows by e-mail, as it is stored, and
what it finds now.

It is kept as the search page's own arguments (q and the filters, urlencoded), so that an
alert links to the same search the person saw, and the filters are read by the same code.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from indexer.search.filters import FACETS, FilterError, Filters, parse_filters
from indexer.search.results import Hit
from indexer.search.searching import MAX_LIMIT, browse, search

# The arguments a saved search keeps: the order is always newest first, and pages are moot.
ARGUMENTS = ("q", *FACETS, "from", "to")
# The newest matches an alert looks at: a document added with a date older than all of
# these is not announced (see docs/alerts.md).
NEWEST = MAX_LIMIT


@dataclass(frozen=True)
class SavedSearch:
    """A query (maybe empty: every document) and the filters that narrow it."""

    q: str
    filters: Filters
    # The arguments as given, in order, for the stored form and the links.
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]]) -> "SavedSearch":
        """Return the saved search of a page's arguments (others, and a second query, are
        left out); raise FilterError for filters the search page would refuse too."""
        kept, q = [], None
        for name, value in pairs:
            if name in ARGUMENTS and value.strip() and not (name == "q" and q is not None):
                kept.append((name, value.strip()))
                q = value.strip() if name == "q" else q
        filters = parse_filters({k: [v for n, v in kept if n == k] for k in ARGUMENTS[1:]})
        return cls(q or "", filters, tuple(kept))

    @classmethod
    def stored(cls, text: str, *, strict: bool = True) -> "SavedSearch":
        """Return a saved search from its stored form (encoded). Not strict, filters that
        the search no longer takes are kept to be shown but filter nothing: ending a
        subscription must work whatever became of its search."""
        try:
            return cls.from_pairs(parse_qsl(text))
        except FilterError:
            if strict:
                raise
            pairs = tuple(parse_qsl(text))
            return cls(next((v for k, v in pairs if k == "q"), ""), Filters(), pairs)

    @property
    def encoded(self) -> str:
        """Return the stored form: the arguments urlencoded, as in the page's address."""
        return urlencode(self.pairs)

    def page_path(self) -> str:
        """Return the search page's path and arguments, newest first."""
        return "/?" + urlencode([*self.pairs, ("sort", "newest")])

    def described(self, labels: Mapping[str, str] | None = None) -> str:
        """Return the search in one line for a person: the query, then the filters, each
        named by its label (the argument's name without one); label "*" for no query and no
        filter."""
        labels = labels or {}
        filters = [f"{labels.get(k, k)}: {v}" for k, v in self.pairs if k != "q"]
        return " · ".join([f"“{self.q}”"] * bool(self.q) + filters) or labels.get("*", "*")


def newest_matches(index_dir: Path, saved: SavedSearch) -> list[Hit]:
    """Return the NEWEST most recent documents and sections the search finds, newest first.

    Raises what the search raises (QueryError, IndexMissing, ...).
    """
    if saved.q:
        found = search(index_dir, saved.q, limit=NEWEST, filters=saved.filters, sort="newest")
    else:
        found = browse(index_dir, limit=NEWEST, filters=saved.filters, sort="newest")
    return found.hits


def item_key(hit: Hit) -> str:
    """Return what identifies a hit among what was sent: a document, or one of its sections."""
    return f"{hit.id}#{hit.anchor}" if hit.anchor else hit.id
