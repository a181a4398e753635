"""A search page's arguments: the query, filters, order and page, and links that change one.

Every choice is a plain link or form field in the address, so that the page works without
JavaScript, can be bookmarked and shared, and the back button undoes a choice.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import request

from indexer import (
    DEFAULT_LIMIT,
    FACETS,
    MAX_LIMIT,
    Filters,
    SearchResult,
    parse_filters,
    parse_sort,
    search_index,
)
from webui.i18n import language
from webui.params import MAX_PAGE, BadParameter, int_arg

# Hits per page the page offers; the API takes any limit up to MAX_LIMIT.
PAGE_SIZES = (DEFAULT_LIMIT, 20, 50)
# Arguments a link keeps; "lang" is the cookie's business.
_KEPT = ("q", *FACETS, "from", "to", "sort", "limit")


@dataclass(frozen=True)
class SearchArgs:
    """What a search page was asked for."""

    q: str
    page: int
    limit: int
    sort: str
    filters: Filters
    # The arguments as given, in order, for links that change one of them.
    given: tuple[tuple[str, str], ...]

    def url(self, endpoint_path: str = "/", **changes: str | int | None) -> str:
        """Return the address with some arguments replaced (None removes one); any change
        but a page number goes back to page 1."""
        page = changes.pop("page", None)
        pairs = []
        for name, value in self.given:
            if name == "page" or (name in changes and changes[name] in (None, "")):
                continue
            # A changed argument keeps its place, so that the address reads the same.
            pairs.append((name, str(changes.pop(name)) if name in changes else value))
        for name, value in changes.items():
            if value not in (None, ""):
                pairs.append((name, str(value)))
        if page not in (None, 1):
            pairs.append(("page", str(page)))
        return f"{endpoint_path}?{urlencode(pairs)}" if pairs else endpoint_path

    def back(self, page: int) -> str:
        """Return this page of results as a `back` argument: the document page and the help
        link back to it with the filters, order and page kept."""
        return self.page_url(page).removeprefix("/").removeprefix("?")

    def page_url(self, page: int) -> str:
        """Return the address of another page of the same results."""
        pairs = [(k, v) for k, v in self.given if k != "page"]
        if page != 1:
            pairs.append(("page", str(page)))
        return f"/?{urlencode(pairs)}" if pairs else "/"

    def toggle_url(self, facet: str, value: str) -> str:
        """Return the address with one facet value chosen, or unchosen if it was."""
        chosen = (facet, value) in self.given
        pairs = [p for p in self.given if p != (facet, value) and p[0] != "page"]
        if not chosen:
            pairs.append((facet, value))
        return f"/?{urlencode(pairs)}" if pairs else "/"

    def active_filters(self) -> list[tuple[str, str, str]]:
        """Return (name, value, address without it) of each filter given, in order: the
        removable chips above the results."""
        return [
            (name, value, self._without(name, value))
            for name, value in self.given
            if name in (*FACETS, "from", "to")
        ]

    def _without(self, name: str, value: str) -> str:
        pairs = [p for p in self.given if p != (name, value) and p[0] != "page"]
        return f"/?{urlencode(pairs)}" if pairs else "/"

    def cleared_url(self) -> str:
        """Return the address of the query without any filter."""
        keep = [(k, v) for k, v in self.given if k in ("q", "sort", "limit")]
        return f"/?{urlencode(keep)}" if keep else "/"

    def is_chosen(self, facet: str, value: str) -> bool:
        return value in self.filters.selected(facet)


def read(page_sizes: tuple[int, ...] | None = PAGE_SIZES) -> SearchArgs:
    """Return the request's search arguments; raise BadParameter or FilterError for bad ones.

    page_sizes None accepts any limit the library does (the API).
    """
    q = request.args.get("q", "")
    page = int_arg("page", 1, 1, MAX_PAGE)
    if page_sizes:
        limit = _page_size(request.args.get("limit", "").strip(), page_sizes)
    else:
        limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    filters = parse_filters({k: request.args.getlist(k) for k in (*FACETS, "from", "to")})
    sort = parse_sort(request.args.get("sort", ""))
    given = tuple(
        (k, str(limit) if k == "limit" else v.strip())
        for k, v in request.args.items(multi=True)
        if k in (*_KEPT, "page") and v.strip()
    )
    return SearchArgs(q, page, limit, sort, filters, given)


def _page_size(raw: str, page_sizes: tuple[int, ...]) -> int:
    """Return the page size offered nearest to the one asked (a number typed by hand)."""
    if not raw:
        return page_sizes[0]
    try:
        asked = int(raw)
    except ValueError:
        raise BadParameter(
            "'limit' must be one of %(sizes)s.", sizes=", ".join(map(str, page_sizes))
        ) from None
    return min(page_sizes, key=lambda size: (abs(size - asked), size))


def back_url(back: str) -> str | None:
    """Return the address of the results a `back` argument names (SearchArgs.back), keeping
    only the search's own arguments; None when it names none."""
    pairs = [(k, v) for k, v in parse_qsl(back) if k in (*_KEPT, "page")]
    return f"/?{urlencode(pairs)}" if pairs else None


def plain(q: str) -> SearchArgs:
    """Return the arguments of a bare query, for a page whose other arguments were refused."""
    return SearchArgs(q, 1, PAGE_SIZES[0], "relevance", Filters(), (("q", q),) if q else ())


def run(index_dir: Path, args: SearchArgs) -> SearchResult:
    """Search as the page and the API both do: the filters and order asked for, with facets
    and a did-you-mean, and a decision in both languages shown in the page's language (the
    API's `lang`)."""
    return search_index(
        index_dir,
        args.q,
        page=args.page,
        limit=args.limit,
        filters=args.filters,
        sort=args.sort,
        with_facets=True,
        suggest=True,
        language=language(),
    )
