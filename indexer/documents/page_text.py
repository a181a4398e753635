"""The text of a paged document (PDF, OCR) as a reader sees it, with its page boundaries.

A PDF's text comes out line by line as it was typeset: words broken at a line end, ligatures
and compatibility characters, and on every page the same running header, footer and page
number. Those are noise to a search: "Sivu 3 (12)" would make every page of every minutes
file match "sivu", and "erityishuol-" + "topiirin" would match neither half. clean_pages()
turns the pages' lines into one text, and keeps where each page starts in it.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Lines looked at for a running header at the top and a footer at the bottom of a page.
EDGE_LINES = 3
# PDFium writes a hyphen that ends a line as one of these and joins the two lines itself.
_PDFIUM_LINE_END_HYPHEN = ("\ufffe", "\x02")
_HYPHENS = "-\u2010\u2011"
_BREAKS = _HYPHENS + "\u00ad"
# Control characters, and invisible ones that only hint at layout (zero-width spaces and
# joiners, byte-order marks). A soft hyphen marks a possible break: it is dropped, unless it
# ends a line.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# "3", "- 3 -", "Sivu 3", "Sivu 3 (12)", "s. 3/12", "3 (12)", "Page 3 of 12", "Sida 3 av 12".
_PAGE_NUMBER = re.compile(
    r"[-–—]?\s*(?:(?:sivu|sida|page|s\.)\s*)?(\d{1,4})"
    r"(?:\s*(?:\(\s*\d{1,4}\s*\)|/\s*\d{1,4}|(?:of|/|av)\s+\d{1,4}))?\s*[-–—]?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# A section's heading ("§ 56"), which minutes put at the top of a page: its number tells one
# from another, so that headings on most pages are not taken for a running header.
_SECTION_HEADING = re.compile(r"§\s*\d{1,4}|\d{1,4}\s*§")
_LINE_END_WORD = re.compile(r"([^\W\d_]|\d)([^\W_]*)([" + _BREAKS + r"])$")
# The rest of a broken word, and the punctuation after it, which goes along with it.
_LINE_START_WORD = re.compile(r"^([^\W_]+)(\S*)")

# Words after which a line-end hyphen is a compound's shared part, not a break.
_CONJUNCTIONS = frozenset({"ja", "tai", "sekä", "eli", "ynnä", "taikka", "och", "eller", "samt"})
# is_word(text) tells whether a dictionary knows a word (Voikko), or None when there is none.
IsWord = Callable[[str], bool] | None


@dataclass(frozen=True)
class PagedText:
    """A document's text and the character offset where each of its pages starts."""

    text: str
    page_starts: tuple[int, ...]


def clean_pages(pages: Sequence[str], is_word: IsWord = None) -> PagedText:
    """Return the text of the pages as a reader sees it: characters normalised, running
    headers, footers and page numbers left out, words broken at a line end joined again.

    is_word decides whether "sote-" + "uudistus" at a line end is one hyphenated word.
    """
    lines = [[line for line in _normal_lines(page) if line] for page in pages]
    _drop_running_lines(lines)
    _join_broken_words(lines, is_word)
    texts = ["\n".join(line for line in page if line) for page in lines]
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1  # the newline between two pages
    return PagedText("\n".join(texts), tuple(starts))


def normalize(text: str) -> str:
    """Return a word processor's text with characters normalised (NFKC) and invisible ones
    (soft hyphens, zero-width spaces) dropped; its lines stay as they are."""
    return "\n".join(_normal_lines(text))


def _normal_lines(page: str) -> list[str]:
    """Split a page into lines of normalised characters with single spaces."""
    for marker in _PDFIUM_LINE_END_HYPHEN:
        page = page.replace(marker, "-\n")
    page = page.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # NFKC: ligatures (ﬁ -> fi), full-width and superscript forms, non-breaking spaces.
    page = unicodedata.normalize("NFKC", page)
    page = _SPACES.sub(" ", _INVISIBLE.sub("", page))
    lines = [line.strip() for line in page.split("\n")]
    if "\u00ad" in page:
        for n, line in enumerate(lines):
            # A soft hyphen at a line end is where the word was broken: keep it for
            # _join_broken_words, which joins such a break whatever the dictionary says.
            rest = line.replace("\u00ad", "").rstrip()
            lines[n] = rest + "\u00ad" if line.endswith("\u00ad") and rest else rest
    return lines


def _edge_key(line: str) -> str:
    """Return what a running line has in common from page to page: its words, not its
    numbers ("Sivu 3 (12)" and "Sivu 4 (12)" are one footer)."""
    if _PAGE_NUMBER.fullmatch(line):
        return "#page"
    if _SECTION_HEADING.fullmatch(line):
        return line
    return _DIGITS.sub("#", line.casefold())


def _is_edge(index: int, length: int) -> bool:
    return index < EDGE_LINES or index >= length - EDGE_LINES


def _drop_running_lines(pages: list[list[str]]) -> None:
    """Remove the lines at the top or bottom of pages that repeat on most of them."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_edge_key(line) for i, line in enumerate(page) if _is_edge(i, len(page))})
    # On most pages, and on two at least: a line that is on one page only is just text.
    running = {key for key, count in seen.items() if count >= 2 and count * 2 > len(pages)}
    if not running:
        return
    kept = [
        [
            line
            for i, line in enumerate(page)
            if not (_is_edge(i, len(page)) and _edge_key(line) in running)
        ]
        for page in pages
    ]
    # Pages that are all alike (a form printed many times) are text, not running lines.
    if any(kept):
        pages[:] = kept


def _join_broken_words(pages: list[list[str]], is_word: IsWord) -> None:
    """Join a word broken with a hyphen at the end of a line to its rest on the next line,
    the next page's first line included; a real hyphen ("sote-" + "uudistus") stays."""
    flat = [(p, i) for p, page in enumerate(pages) for i in range(len(page))]
    for (p, i), (q, j) in zip(flat, flat[1:], strict=False):
        line, following = pages[p][i], pages[q][j]
        if not line or line[-1] not in _BREAKS:
            continue
        end = _LINE_END_WORD.search(line.rsplit(" ", 1)[-1])
        start = _LINE_START_WORD.match(following)
        if not end or not start:
            if line.endswith("\u00ad"):
                pages[p][i] = line[:-1]
            continue
        head = end.group(1) + end.group(2)
        tail = start.group(1)
        joined = _joined(head, tail, soft=end.group(3) == "\u00ad", is_word=is_word)
        pages[p][i] = line[: len(line) - len(head) - 1] + joined + start.group(2)
        pages[q][j] = following[start.end() :].lstrip()


def _joined(head: str, tail: str, *, soft: bool, is_word: IsWord) -> str:
    """Return a word broken at a line end as "head-" + "tail", with or without its hyphen."""
    if soft:
        return head + tail
    # "sosiaali- ja terveyspalvelut": the hyphen stands for a part the next word shares.
    if tail.casefold() in _CONJUNCTIONS:
        return f"{head}- {tail}"
    # An abbreviation, a number or a name on either side keeps the hyphen: EU-maat,
    # 2020-luvulla, Keski-Suomi.
    if not head[-1].islower() or not tail[0].islower():
        return f"{head}-{tail}"
    if is_word is not None:
        if is_word(head + tail):
            return head + tail
        if is_word(f"{head}-{tail}"):
            return f"{head}-{tail}"
    # Finnish writes a hyphen where a compound's parts meet with the same vowel
    # (linja-auto, sote-etuus); a break anywhere else is a typesetter's.
    if head[-1] == tail[0] and head[-1] in "aeiouyäö":
        return f"{head}-{tail}"
    return head + tail
