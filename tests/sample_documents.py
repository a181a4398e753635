"""Write made-up PDF, DOCX and ODT files, for the tests, the evaluation and the benchmark.

Real files are made with the writers people's files come from, so that the readers meet what
they will meet: PDFs typeset by ReportLab (BSD) line by line with running headers and page
numbers, scanned pages as pictures of text (Pillow), DOCX files by python-docx, ODT files as
the zip of XML that LibreOffice writes. ReportLab and Pillow are test dependencies
(`pip install -e '.[test]'`), imported only when a PDF is written.
"""

import datetime
import io
import random
import zipfile
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

# Pages of a made-up PDF have this many lines of at most LINE_CHARS characters.
LINES_PER_PAGE = 40
LINE_CHARS = 85
_FONT = "Vera"  # Bitstream Vera, shipped with ReportLab: every Finnish and Swedish letter
_ODT_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


# Words of the made-up texts: the reform's vocabulary, inflected, with long compounds that
# a typesetter breaks at line ends.
_VOCABULARY_TEXT = (
    "hyvinvointialueen valtuusto käsitteli sosiaali- ja terveyspalvelujen järjestämistä "
    "erityishuoltopiirin vammaispalvelujen omaishoidon tuki kotihoito ikäihmisten "
    "terveyskeskuksen peruskorjauksesta rahoitusmallin mukaisesti päätettiin esitettiin "
    "hallitus kunnanhallitus sote-uudistuksen valmistelu väliaikainen valmistelutoimielin "
    "talousarvio investointisuunnitelma henkilöstö palvelustrategia asukkaiden "
    "lastensuojelun mielenterveyspalvelujen päivystys ensihoito sairaanhoitopiiri "
    "kuntayhtymän yhteistyöalue selvitys lausunto ohjausryhmä kokous pöytäkirja asia "
    "hyväksyttiin merkittiin tiedoksi vuonna aikana sekä että jotta koska myös"
)
_VOCABULARY = _VOCABULARY_TEXT.split()


def made_up_text(words: int, seed: int = 0) -> str:
    """Return a text of about `words` words of the reform's vocabulary, in sentences and
    paragraphs, the same for the same seed."""
    chooser = random.Random(seed)
    paragraphs = []
    for _ in range(max(1, words // 60)):
        sentences = []
        for _ in range(5):
            sentence = " ".join(chooser.choice(_VOCABULARY) for _ in range(12))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def pdf_bytes(
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    header: str | None = None,
    footer: str | None = "Sivu {page} ({pages})",
    password: str | None = None,
    owner_password: str | None = None,
    created: datetime.date | None = None,
) -> bytes:
    """Return a PDF whose pages have the given lines, under a running header (its lines
    split at newlines) and above a footer ("{page}" and "{pages}" are filled in in both);
    password encrypts it, owner_password alone
    forbids copying and printing, as many published PDFs do, without a password to open."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_font()
    out = io.BytesIO()
    encrypt = None
    if password or owner_password:
        encrypt = pdfencrypt.StandardEncryption(
            password or "", owner_password, canPrint=0, canCopy=0, strength=128
        )
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt, invariant=created is not None)
    if title is not None:
        pdf.setTitle(title)
    if created is not None:
        pdf.setDateFormatter(lambda *_: created.strftime("D:%Y%m%d000000+00'00'"))
    width, height = A4
    for number, lines in enumerate(pages, 1):
        pdf.setFont(_FONT, 9)
        if header:
            for row, line in enumerate(header.format(page=number, pages=len(pages)).split("\n")):
                pdf.drawString(56, height - 40 - row * 11, line)
        if footer:
            pdf.drawString(width - 150, 30, footer.format(page=number, pages=len(pages)))
        pdf.setFont(_FONT, 11)
        for row, line in enumerate(lines):
            pdf.drawString(56, height - 80 - row * 16, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def text_pages(text: str, *, hyphenate: bool = True) -> list[list[str]]:
    """Lay a text out in lines and pages as a typesetter would; with hyphenate, a long word
    at the end of a line is broken with a hyphen where Voikko says it may be."""
    hyphenator = _hyphenator() if hyphenate else None
    lines: list[str] = []
    for paragraph in text.splitlines():
        if not paragraph.strip():
            lines.append("")
            continue
        lines.extend(_wrap(paragraph, hyphenator))
    return [lines[n : n + LINES_PER_PAGE] for n in range(0, len(lines), LINES_PER_PAGE)] or [[]]


def unmapped_pdf_bytes(capitals: str) -> bytes:
    """Return a one-page PDF whose text (A to Z and spaces) is drawn in a font that maps its
    letters to private-use characters, as broken producers' fonts do: it reads as text on
    paper and as nothing in the text layer."""
    content = b"BT /F1 24 Tf 72 700 Td (%s) Tj ET" % capitals.encode("ascii")
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"1 beginbfrange <41> <5A> <E000> endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def scanned_pdf_bytes(pages: Sequence[Sequence[str]], *, dpi: int = 200) -> bytes:
    """Return a PDF of pictures of text only, as a scanner makes, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(_font_path(), round(dpi * 14 / 72))
    images = []
    for lines in pages:
        image = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            draw.text((dpi, dpi + row * round(dpi * 22 / 72)), line, font=font, fill=0)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def docx_bytes(
    blocks: Sequence[tuple[str, object]],
    *,
    title: str = "",
    modified: datetime.datetime | None = None,
) -> bytes:
    """Return a DOCX of blocks in order: ("heading", text), ("paragraph", text),
    ("bullet", text) or ("table", [[cell, ...], ...])."""
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "heading":
            document.add_heading(str(content), level=1)
        elif kind == "bullet":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(str(content))
    document.core_properties.title = title
    if modified is not None:
        document.core_properties.created = modified
        document.core_properties.modified = modified
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_body(raw: bytes, body: bytes) -> bytes:
    """Return a DOCX whose body is the given XML instead (a zip bomb, a body that swells)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    # The fastest compression: a bomb's body is hundreds of megabytes of one pattern.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                head = data.split(b"<w:body>")[0]
                data = head + b"<w:body>" + body + b"</w:body></w:document>"
            package.writestr(info.filename, data)
    return out.getvalue()


def odt_bytes(
    blocks: Sequence[tuple[str, object]], *, title: str = "", date: str | None = None
) -> bytes:
    """Return an ODT of blocks in order, of the kinds docx_bytes takes, and ("footnote",
    (paragraph, note))."""
    body = []
    for kind, content in blocks:
        if kind == "heading":
            body.append(f'<text:h text:outline-level="1">{escape(str(content))}</text:h>')
        elif kind == "bullet":
            item = f"<text:list-item><text:p>{escape(str(content))}</text:p></text:list-item>"
            body.append(f"<text:list>{item}</text:list>")
        elif kind == "table":
            rows = "".join(
                "<table:table-row>"
                + "".join(
                    f"<table:table-cell><text:p>{escape(cell)}</text:p></table:table-cell>"
                    for cell in row
                )
                + "</table:table-row>"
                for row in content  # type: ignore[attr-defined]
            )
            body.append(f"<table:table>{rows}</table:table>")
        elif kind == "footnote":
            text, note = content  # type: ignore[misc]
            body.append(
                f'<text:p>{escape(text)}<text:note text:note-class="footnote">'
                "<text:note-citation>1</text:note-citation><text:note-body>"
                f"<text:p>{escape(note)}</text:p></text:note-body></text:note></text:p>"
            )
        else:
            body.append(f"<text:p>{escape(str(content))}</text:p>")
    namespaces = " ".join(f'xmlns:{k}="{v}"' for k, v in _ODT_NS.items())
    content_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    meta = f"<dc:title>{escape(title)}</dc:title>" if title else ""
    if date:
        meta += f"<dc:date>{date}</dc:date>"
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {namespaces}>'
        f"<office:meta>{meta}</office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        # The mimetype comes first and uncompressed, as the OpenDocument standard says.
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", content_xml, zipfile.ZIP_DEFLATED)
        package.writestr("meta.xml", meta_xml, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write(path: Path, content: bytes) -> Path:
    """Write a file, making its folder; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _wrap(paragraph: str, hyphenator: Callable[[str], str] | None) -> list[str]:
    lines: list[str] = []
    line = ""
    words = deque(paragraph.split())
    while words:
        word = words.popleft()
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= LINE_CHARS or not line:
            line = candidate  # a word longer than a line stands on its own
            continue
        head, tail = _break(word, LINE_CHARS - len(line) - 2, hyphenator)
        if head:
            lines.append(f"{line} {head}-")
            words.appendleft(tail)
        else:
            lines.append(line)
            words.appendleft(word)
        line = ""
    if line:
        lines.append(line)
    return lines


def _break(word: str, room: int, hyphenator: Callable[[str], str] | None) -> tuple[str, str]:
    """Return the longest head of a word that fits in room with its hyphen, and the rest;
    ("", "") when no hyphenation point fits. Words with a hyphen of their own are not broken."""
    if hyphenator is None or room < 3 or "-" in word or not word.isalpha():
        return "", ""
    pattern = hyphenator(word)  # "   -  " marks where a hyphen may go
    points = [n for n, mark in enumerate(pattern) if mark == "-" and 2 <= n <= room]
    if not points:
        return "", ""
    return word[: points[-1]], word[points[-1] :]


def _hyphenator() -> Callable[[str], str] | None:
    try:
        import libvoikko

        return libvoikko.Voikko("fi").getHyphenationPattern
    except (ImportError, OSError):
        return None


def _font_path() -> str:
    import reportlab

    return str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, _font_path()))
