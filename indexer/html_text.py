"""Visible text, <title> and first <h1> of an HTML page, with the standard library's parser."""

from dataclasses import dataclass
from html.parser import HTMLParser

# Never shown to a reader; <template> content is inert until a script uses it.
_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


@dataclass(frozen=True)
class HtmlText:
    title: str  # the first <title>, "" if none
    h1: str  # the first <h1>, "" if none
    text: str  # visible text, one line per block


def parse_html(markup: str) -> HtmlText:
    """Split an HTML page into its title, first heading and visible text."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return HtmlText(
        title=" ".join("".join(parser.title).split()),
        h1=" ".join("".join(parser.h1).split()),
        text=_normalise("".join(parser.text)),
    )


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.h1: list[str] = []
        self.text: list[str] = []
        self._hidden = 0
        self._svg = 0  # an <svg> has its own <title>, which is not the page's
        self._in_head = False
        self._in_title = False
        self._in_h1 = False
        self._title_done = False
        self._h1_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "svg":
            self._svg += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            # </head> is optional in HTML, so <body> ends the head too.
            self._in_head = False
        elif tag == "title" and not self._svg and not self._title_done:
            self._in_title = True
        elif tag == "h1" and not self._h1_done:
            self._in_h1 = True
        if tag in _BLOCK:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "svg":
            self._svg = max(0, self._svg - 1)
        elif tag == "head":
            self._in_head = False
        elif tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag == "h1" and self._in_h1:
            self._in_h1 = False
            self._h1_done = True
        if tag in _BLOCK:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._in_title:
            self.title.append(data)
        elif not self._in_head:
            if self._in_h1:
                self.h1.append(data)
            # A newline in the markup is plain whitespace; only blocks break lines.
            self.text.append(data.replace("\n", " "))


def _normalise(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
