"""Text of word-processor files, DOCX and ODT, in reading order, with their metadata.

Both are zip files of XML. Before either is opened, the sizes its zip directory declares are
added up, and a file that would unpack to more than MAX_UNPACKED_BYTES is refused: a
"zip bomb" of a few kilobytes can unpack to gigabytes. Python's zipfile never reads past a
declared size, so a directory that lies cannot get round the check.

DOCX is opened with python-docx (MIT, the maintained library for the format), which finds
the main document through the package's relationships and reads the core properties; the
text is then read from its XML, so that content controls, tracked insertions and text boxes
are not lost. ODT is read with lxml directly: its XML is simple, and odfpy, the library for
it, builds a slow pure-Python tree and has had no release since 2020.
"""

import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from indexer.documents.unreadable import Unreadable

# Far above the text of any real document: a 400-page report's document.xml is a few MB;
# pictures are counted too, since python-docx reads every part of the package.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FOOTNOTES = f"{_RELATIONSHIPS}/footnotes"
_ENDNOTES = f"{_RELATIONSHIPS}/endnotes"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# No network, no entities from outside the file, no billion laughs.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# Between the cells of a table row, which is one line of text.
_CELL_SEPARATOR = " | "
_MAX_SPACES = 8


@dataclass(frozen=True)
class OfficeText:
    """A word-processor document's text and what its metadata says."""

    text: str
    title: str  # from the metadata, as it is written there
    date: datetime.date | None  # from the metadata


def read_docx(raw: bytes) -> OfficeText:
    """Return the paragraphs, headings, lists and tables of a DOCX in order; raise Unreadable."""
    _check_zip(raw, "DOCX").close()
    import docx  # here, not at import: only workers that meet a DOCX pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
        properties = document.core_properties
        title = properties.title or ""
        stamp = properties.modified or properties.created
        lines = list(_docx_blocks(document.element.body))
        # Footnotes and endnotes are the document's text too: after the body, as printed.
        for rel in document.part.rels.values():
            if rel.reltype in (_FOOTNOTES, _ENDNOTES) and not rel.is_external:
                notes = etree.fromstring(rel.target_part.blob, _PARSER)
                for note in notes:
                    if note.get(f"{{{_W}}}type") in (None, "normal"):
                        lines.extend(_docx_blocks(note))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise Unreadable(f"damaged DOCX ({error})") from None
    except etree.XMLSyntaxError as error:
        _raise_memory_error(error)
        raise Unreadable(f"damaged DOCX: its XML does not parse ({error})") from None
    return OfficeText("\n".join(lines), title.strip(), stamp.date() if stamp else None)


def read_odt(raw: bytes) -> OfficeText:
    """Return the paragraphs, headings, lists and tables of an ODT in order; raise Unreadable."""
    with _check_zip(raw, "ODT") as package:
        try:
            if "mimetype" not in package.namelist() or package.read("mimetype") != _ODT_MIMETYPE:
                raise Unreadable("not an OpenDocument text (its mimetype says otherwise)")
            content = etree.fromstring(package.read("content.xml"), _PARSER)
            names = package.namelist()
            meta = (
                etree.fromstring(package.read("meta.xml"), _PARSER) if "meta.xml" in names else None
            )
        except KeyError as error:
            raise Unreadable(f"damaged ODT: {error.args[0]}") from None
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise Unreadable(f"damaged ODT ({error})") from None
        except etree.XMLSyntaxError as error:
            _raise_memory_error(error)
            raise Unreadable(f"damaged ODT: its XML does not parse ({error})") from None
    lines = []
    for text in content.iterfind(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text"):
        lines.extend(_odt_blocks(text))
        # Footnotes and endnotes, left out of their paragraphs' running text, come after it.
        for note in text.iter(f"{{{_TEXT}}}note-body"):
            lines.extend(_odt_blocks(note))
    title, date = "", None
    if meta is not None:
        title = meta.findtext(f".//{{{_DC}}}title") or ""
        date = _iso_date(
            meta.findtext(f".//{{{_DC}}}date") or meta.findtext(f".//{{{_META}}}creation-date")
        )
    return OfficeText("\n".join(lines), title.strip(), date)


def _raise_memory_error(error: etree.XMLSyntaxError) -> None:
    """Raise MemoryError for libxml2's failure to allocate, which lxml reports as a syntax
    error ("unknown error"): the file is too big for the memory limit, not damaged."""
    if error.code == etree.ErrorTypes.ERR_NO_MEMORY:
        raise MemoryError(str(error)) from None


def _check_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """Open a zip file whose parts unpack to at most MAX_UNPACKED_BYTES; raise Unreadable."""
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Unreadable(f"damaged or truncated {kind} (not a complete zip file)") from None
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        package.close()
        raise Unreadable(
            f"{kind} that unpacks to {unpacked / 2**20:,.0f} MB, over the "
            f"{MAX_UNPACKED_BYTES // 2**20} MB limit (a zip bomb?)"
        )
    return package


def _docx_blocks(container: etree._Element) -> Iterator[str]:
    """Yield a line for each paragraph and table row of a DOCX body or cell, in order."""
    for child in container:
        tag = child.tag
        if tag == f"{{{_W}}}p":
            yield _docx_paragraph(child)
        elif tag == f"{{{_W}}}tbl":
            for row in child.iterfind(f"{{{_W}}}tr"):
                cells = [" ".join(_docx_blocks(cell)) for cell in row.iterfind(f"{{{_W}}}tc")]
                yield _CELL_SEPARATOR.join(" ".join(cell.split()) for cell in cells)
        elif tag in (f"{{{_W}}}sdt", f"{{{_W}}}customXml"):
            # A content control (a template's date or name field) holds blocks of its own.
            for content in child.iterfind(f"{{{_W}}}sdtContent"):
                yield from _docx_blocks(content)
            if tag == f"{{{_W}}}customXml":
                yield from _docx_blocks(child)


def _docx_paragraph(paragraph: etree._Element) -> str:
    """Return the text of a paragraph as Word shows it: deleted revisions and field codes
    left out, tabs and breaks as spaces and newlines."""
    parts = []
    for node in paragraph.iter():
        tag = node.tag
        if tag == f"{{{_W}}}t":
            if not _in_fallback(node):
                parts.append(node.text or "")
        elif tag in (f"{{{_W}}}tab", f"{{{_W}}}ptab"):
            parts.append(" ")
        elif tag in (f"{{{_W}}}br", f"{{{_W}}}cr"):
            parts.append("\n")
        elif tag == f"{{{_W}}}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _in_fallback(node: etree._Element) -> bool:
    # A text box is written twice, for new and old Word versions: read only the first.
    return any(a.tag == f"{{{_MC}}}Fallback" for a in node.iterancestors())


def _odt_blocks(container: etree._Element) -> Iterator[str]:
    """Yield a line for each paragraph, heading and table row of an ODT, in order."""
    for child in container:
        tag = child.tag
        if tag in (f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"):
            yield _odt_paragraph(child)
        elif tag == f"{{{_TABLE}}}table-row":
            cells = [
                " ".join(_odt_blocks(cell)) for cell in child.iterfind(f"{{{_TABLE}}}table-cell")
            ]
            yield _CELL_SEPARATOR.join(" ".join(cell.split()) for cell in cells)
        elif tag in (
            f"{{{_TEXT}}}list",
            f"{{{_TEXT}}}list-item",
            f"{{{_TEXT}}}list-header",
            f"{{{_TEXT}}}section",
            f"{{{_TABLE}}}table",
            f"{{{_TABLE}}}table-header-rows",
            f"{{{_TABLE}}}table-rows",
            f"{{{_TABLE}}}table-row-group",
        ):
            yield from _odt_blocks(child)


def _odt_paragraph(paragraph: etree._Element) -> str:
    """Return a paragraph's text, with ODF's space, tab and line-break elements; notes and
    comments are left out of the running text."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        tag = child.tag
        if tag == f"{{{_TEXT}}}s":
            count = child.get(f"{{{_TEXT}}}c", "1")
            # Runs of spaces only lay text out; a huge count must not cost memory.
            parts.append(" " * min(int(count) if count.isdigit() else 1, _MAX_SPACES))
        elif tag == f"{{{_TEXT}}}tab":
            parts.append(" ")
        elif tag == f"{{{_TEXT}}}line-break":
            parts.append("\n")
        elif tag not in (f"{{{_OFFICE}}}annotation", f"{{{_TEXT}}}note"):
            parts.append(_odt_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _iso_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
