"""Visible text, <title> and first <h1> of an HTML page, read with libxml2's HTML parser (lxml).

CPython's html.parser takes quadratic time on some unclosed markup ('<a' * 100000 took
minutes); libxml2's parser is linear and recovers from broken markup the way browsers do.
"""

from dataclasses import dataclass, field

from lxml import etree

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


class HtmlUnreadable(ValueError):
    """The parser gave up on the page, so part of its text would be lost."""


@dataclass(frozen=True)
class HtmlText:
    title: str  # the first <title>, "" if none
    h1: str  # the first <h1>, "" if none
    text: str  # visible text, one line per block
    # The <meta name=... content=...> of the page's head, names in lower case: an archive's
    # export says there what a decision's page does not print (documents/decision_meta.py).
    meta: dict[str, str] = field(default_factory=dict)


def parse_html(markup: str) -> HtmlText:
    """Split an HTML page into its title, first heading and visible text.

    Raises HtmlUnreadable when the parser stops before the end of the page.
    """
    # The text is decoded already: given as UTF-8 bytes, a <meta charset> cannot re-decode
    # it, and an XML declaration naming an encoding is no error. huge_tree lifts libxml2's
    # 10 MB text-node and 256-level depth limits, which would otherwise cut pages short.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    root = etree.fromstring(markup.encode("utf-8"), parser)
    fatal = [e.message for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        # The advice libxml2 appends names an option that is on already.
        raise HtmlUnreadable(fatal[0].split(", use XML_PARSE_HUGE")[0].lower())
    page = _Page()
    if root is not None:
        for event, element in etree.iterwalk(root, events=("start", "end")):
            if event == "start":
                page.start(element.tag)
                if element.tag == "meta" and page.in_head:
                    page.add_meta(element.get("name"), element.get("content"))
                page.data(element.text)
            else:
                page.end(element.tag)
                page.data(element.tail)  # the tail follows the element, in its parent
    return HtmlText(
        title=" ".join("".join(page.title).split()),
        h1=" ".join("".join(page.h1).split()),
        text=_normalise("".join(page.text)),
        meta=page.meta,
    )


class _Page:
    """Collects a page's title, first heading and visible text from its elements in order."""

    def __init__(self) -> None:
        self.title: list[str] = []
        self.h1: list[str] = []
        self.text: list[str] = []
        self.meta: dict[str, str] = {}
        self._hidden = 0
        self._svg = 0  # an <svg> has its own <title>, which is not the page's
        self._in_head = False
        self._in_title = False
        self._in_h1 = False
        self._title_done = False
        self._h1_done = False

    def start(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "svg":
            self._svg += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "title" and not self._svg and not self._title_done:
            self._in_title = True
        elif tag == "h1" and not self._h1_done:
            self._in_h1 = True
        if tag in _BLOCK:
            self.text.append("\n")

    @property
    def in_head(self) -> bool:
        return self._in_head

    def add_meta(self, name: str | None, content: str | None) -> None:
        if name and content is not None:
            self.meta.setdefault(name.strip().lower(), " ".join(content.split()))

    def end(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden -= 1
        elif tag == "svg":
            self._svg -= 1
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

    def data(self, data: str | None) -> None:
        if not data or self._hidden:
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
