"""PDF, DOCX and ODT files written by real writers, read through the extraction workers."""

import datetime
import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from indexer.common.settings import SettingError
from indexer.documents import loading, readers
from indexer.documents.document import Document, Skipped
from indexer.documents.loading import load
from indexer.documents.office_text import MAX_UNPACKED_BYTES
from indexer.documents.pdf_text import render_page
from indexer.documents.skip_reasons import reason_kind
from tests import sample_documents as sd
from tests.conftest import needs_voikko

MINUTES = [
    [
        "Hyvinvointialueen valtuusto käsitteli erityishuol-",
        "topiirin asioita ja sote-",
        "uudistuksen aikataulua.",
    ],
    ["Toisella sivulla käsiteltiin Ylöjärven", "terveyskeskuksen peruskorjauk-"],
    ["sesta ja rahoitusmallista 29.4.2021."],
]
HEADER = "Pirkanmaan hyvinvointialue – Pöytäkirja 3/2021"
BLOCKS = [
    ("heading", "Vammaispalvelujen muistio"),
    ("paragraph", "Kokous 5.5.2022 käsitteli henkilökohtaista apua."),
    ("bullet", "omaishoidon tuki"),
    ("bullet", "kuljetuspalvelut"),
    ("table", [["Nimi", "Rooli"], ["Aino Virtanen", "puheenjohtaja"]]),
    ("paragraph", "Kokous päättyi."),
]
BLOCKS_TEXT = (
    "Vammaispalvelujen muistio\nKokous 5.5.2022 käsitteli henkilökohtaista apua.\n"
    "omaishoidon tuki\nkuljetuspalvelut\nNimi | Rooli\nAino Virtanen | puheenjohtaja\n"
    "Kokous päättyi."
)


@pytest.fixture()
def fresh_workers():
    """Start the extraction workers anew, so that they read the environment a test set."""
    loading._extraction.close()
    loading._ocr.close()
    yield
    loading._extraction.close()
    loading._ocr.close()


@needs_voikko  # which tells "sote-uudistuksen" from "soteuudistuksen"
def test_a_text_pdf_is_read_page_by_page_as_a_reader_sees_it(tmp_path: Path) -> None:
    raw = sd.pdf_bytes(MINUTES, header=HEADER, title="Microsoft Word - ptk_3_2021.docx")
    sd.write(tmp_path / "ptk.pdf", raw)
    doc = load(tmp_path, "ptk.pdf")
    expected = (
        "Hyvinvointialueen valtuusto käsitteli erityishuoltopiirin\n"
        "asioita ja sote-uudistuksen\naikataulua.\n"
        "Toisella sivulla käsiteltiin Ylöjärven\nterveyskeskuksen peruskorjauksesta\n"
        "ja rahoitusmallista 29.4.2021."
    )
    assert doc.body == expected
    assert doc.page_starts == (0, expected.index("Toisella"), expected.index("ja rahoitus"))
    # The metadata's title is a file name: the first line of the text stands instead.
    assert doc.title == "Hyvinvointialueen valtuusto käsitteli erityishuoltopiirin"
    assert (doc.size, doc.note) == (len(raw), None)


@needs_voikko
def test_a_pdf_title_and_date_come_from_its_metadata_when_meaningful(tmp_path: Path) -> None:
    created = datetime.date(2021, 5, 3)
    sd.write(tmp_path / "a.pdf", sd.pdf_bytes(MINUTES, title="Pöytäkirja 3/2021", created=created))
    doc = load(tmp_path, "a.pdf")
    assert (doc.title, doc.date) == ("Pöytäkirja 3/2021", created)
    future = datetime.date.today() + datetime.timedelta(days=400)
    sd.write(tmp_path / "b.pdf", sd.pdf_bytes(MINUTES, title="Asiakirja1", created=future))
    doc = load(tmp_path, "b.pdf")
    # Neither is meaningful: the text's first line and date stand in.
    assert doc.date == datetime.date(2021, 4, 29)
    assert doc.title.startswith("Hyvinvointialueen valtuusto")


def test_a_docx_keeps_headings_paragraphs_lists_and_tables_in_order(tmp_path: Path) -> None:
    saved = datetime.datetime(2022, 5, 6, 12, 0, tzinfo=datetime.UTC)
    sd.write(tmp_path / "m.docx", sd.docx_bytes(BLOCKS, title="Vammaispalvelut", modified=saved))
    doc = load(tmp_path, "m.docx")
    assert (doc.body, doc.title, doc.date) == (BLOCKS_TEXT, "Vammaispalvelut", saved.date())
    assert doc.page_starts == ()


def test_a_docx_without_a_meaningful_title_takes_it_from_the_text(tmp_path: Path) -> None:
    old = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
    sd.write(tmp_path / "m.docx", sd.docx_bytes(BLOCKS, title="Word Document", modified=old))
    doc = load(tmp_path, "m.docx")
    assert (doc.title, doc.date) == ("Vammaispalvelujen muistio", datetime.date(2022, 5, 5))


def test_footnotes_come_after_the_body(tmp_path: Path) -> None:
    sd.write(tmp_path / "a.docx", _docx_with_footnote(sd.docx_bytes(BLOCKS), "Lähde: THL 2021."))
    assert load(tmp_path, "a.docx").body == BLOCKS_TEXT + "\nLähde: THL 2021."
    odt = sd.odt_bytes([("footnote", ("Kotihoito kasvoi.", "Lähde: THL 2021."))])
    sd.write(tmp_path / "a.odt", odt)
    assert load(tmp_path, "a.odt").body == "Kotihoito kasvoi.\nLähde: THL 2021."


def test_an_odt_keeps_headings_paragraphs_lists_and_tables_in_order(tmp_path: Path) -> None:
    sd.write(tmp_path / "r.odt", sd.odt_bytes(BLOCKS, title="Muistio", date="2022-05-06T10:00:00"))
    doc = load(tmp_path, "r.odt")
    assert (doc.body, doc.title, doc.date) == (BLOCKS_TEXT, "Muistio", datetime.date(2022, 5, 6))
    sd.write(tmp_path / "s.odt", sd.odt_bytes(BLOCKS))
    assert load(tmp_path, "s.odt").title == "Vammaispalvelujen muistio"


def test_a_scanned_pdf_is_read_by_ocr_with_a_note(tmp_path: Path) -> None:
    lines = ["Kangasalan kunnanhallitus kokoontui", "käsittelemään vanhuspalveluita."]
    sd.write(tmp_path / "scan.pdf", sd.scanned_pdf_bytes([lines]))
    doc = load(tmp_path, "scan.pdf")
    assert isinstance(doc, Document), doc
    assert doc.body == "\n".join(lines)
    assert doc.note == "read by OCR (Tesseract fin+swe)"
    assert doc.page_starts == (0,)


def test_only_the_scanned_pages_of_a_pdf_are_read_by_ocr(tmp_path: Path) -> None:
    text = sd.pdf_bytes([["Ensimmäinen sivu on tekstiä."]], footer=None)
    scan = sd.scanned_pdf_bytes([["Toinen sivu on skannattu."]])
    sd.write(tmp_path / "mixed.pdf", _joined_pdfs(text, scan))
    doc = load(tmp_path, "mixed.pdf")
    assert doc.body == "Ensimmäinen sivu on tekstiä.\nToinen sivu on skannattu."
    assert doc.page_starts == (0, doc.body.index("Toinen"))
    assert doc.note == "page 2 read by OCR (Tesseract fin+swe)"


def test_a_page_whose_font_hides_its_letters_is_read_by_ocr(tmp_path: Path) -> None:
    sd.write(tmp_path / "fontti.pdf", sd.unmapped_pdf_bytes("KUNNANHALLITUS KOKOONTUI"))
    doc = load(tmp_path, "fontti.pdf")
    assert (doc.body, doc.note) == ("KUNNANHALLITUS KOKOONTUI", "read by OCR (Tesseract fin+swe)")


def test_without_tesseract_a_scanned_pdf_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_workers: None
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    sd.write(tmp_path / "scan.pdf", sd.scanned_pdf_bytes([["Vanhuspalvelut"]]))
    text = sd.pdf_bytes([["Ensimmäinen sivu on tekstiä."]], footer=None)
    sd.write(tmp_path / "mixed.pdf", _joined_pdfs(text, sd.scanned_pdf_bytes([["Toinen"]])))
    missing = (
        "Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe)"
    )
    assert load(tmp_path, "scan.pdf") == Skipped(
        "scan.pdf", f"PDF without text: scanned page 1 not read: {missing}"
    )
    doc = load(tmp_path, "mixed.pdf")
    # The unread page keeps its place, after the first page's newline.
    assert (doc.body, doc.note) == (
        "Ensimmäinen sivu on tekstiä.\n",
        f"scanned page 2 not read: {missing}",
    )


def test_a_page_that_ocr_reads_too_slowly_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_workers: None
) -> None:
    monkeypatch.setenv("SOTEHAKU_OCR_PAGE_SECONDS", "0.01")
    text = sd.pdf_bytes([["Ensimmäinen sivu on tekstiä."]], footer=None)
    sd.write(tmp_path / "mixed.pdf", _joined_pdfs(text, sd.scanned_pdf_bytes([["Toinen"]])))
    doc = load(tmp_path, "mixed.pdf")
    assert doc.note == "page 2 not read: OCR took longer than the 0.01 s limit"


def test_an_encrypted_pdf_is_skipped_with_the_reason(tmp_path: Path) -> None:
    sd.write(tmp_path / "salainen.pdf", sd.pdf_bytes(MINUTES, password="salasana"))
    assert load(tmp_path, "salainen.pdf") == Skipped(
        "salainen.pdf", "encrypted PDF: it opens only with a password"
    )


def test_a_pdf_protected_only_against_copying_is_indexed(tmp_path: Path) -> None:
    raw = sd.pdf_bytes([["Kopiosuojattu pöytäkirja"]], owner_password="omistaja", footer=None)
    sd.write(tmp_path / "suojattu.pdf", raw)
    assert load(tmp_path, "suojattu.pdf").body == "Kopiosuojattu pöytäkirja"


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_a_truncated_pdf_is_skipped_with_the_reason(tmp_path: Path, keep: float) -> None:
    raw = sd.pdf_bytes(MINUTES)
    sd.write(tmp_path / "katkennut.pdf", raw[: int(len(raw) * keep)])
    assert load(tmp_path, "katkennut.pdf") == Skipped(
        "katkennut.pdf", "damaged or not a PDF (data format error)"
    )


def test_a_pdf_over_the_page_limit_is_skipped_with_the_reason(tmp_path: Path) -> None:
    sd.write(tmp_path / "iso.pdf", sd.pdf_bytes([[f"Sivu {n}"] for n in range(2500)]))
    assert load(tmp_path, "iso.pdf") == Skipped(
        "iso.pdf", "PDF of 2,500 pages, over the 2,000-page limit"
    )


def test_a_pdf_that_parses_past_the_time_limit_is_skipped(tmp_path: Path) -> None:
    pages = sd.text_pages(sd.made_up_text(60_000), hyphenate=False)
    assert len(pages) > 200
    sd.write(tmp_path / "hidas.pdf", sd.pdf_bytes(pages))
    started = time.perf_counter()
    assert load(tmp_path, "hidas.pdf", max_seconds=0.05) == Skipped(
        "hidas.pdf", "reading its text took longer than the 0.05 s limit"
    )
    assert time.perf_counter() - started < 5
    assert len(load(tmp_path, "hidas.pdf", max_seconds=60).page_starts) == len(pages)


def test_a_truncated_docx_is_skipped_with_the_reason(tmp_path: Path) -> None:
    raw = sd.docx_bytes(BLOCKS)
    sd.write(tmp_path / "katkennut.docx", raw[: len(raw) // 2])
    sd.write(tmp_path / "katkennut.odt", sd.odt_bytes(BLOCKS)[:300])
    assert load(tmp_path, "katkennut.docx") == Skipped(
        "katkennut.docx", "damaged or truncated DOCX (not a complete zip file)"
    )
    assert load(tmp_path, "katkennut.odt") == Skipped(
        "katkennut.odt", "damaged or truncated ODT (not a complete zip file)"
    )


def test_a_docx_zip_bomb_is_skipped_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = sd.docx_with_body(sd.docx_bytes(BLOCKS), b"<w:p/>" * (MAX_UNPACKED_BYTES // 6 + 200_000))
    assert len(bomb) < 1024 * 1024
    sd.write(tmp_path / "pommi.docx", bomb)
    started = time.perf_counter()
    assert load(tmp_path, "pommi.docx") == Skipped(
        "pommi.docx", "DOCX that unpacks to 202 MB, over the 200 MB limit (a zip bomb?)"
    )
    assert time.perf_counter() - started < 3


def test_a_docx_that_needs_more_memory_than_the_limit_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_workers: None
) -> None:
    monkeypatch.setenv("SOTEHAKU_MAX_FILE_MEMORY_MB", "300")
    # Under the unpacked size limit, but ten million paragraphs swell as a tree.
    hog = sd.docx_with_body(sd.docx_bytes(BLOCKS), b"<w:p/>" * 10_000_000)
    sd.write(tmp_path / "ahne.docx", hog)
    sd.write(tmp_path / "ok.docx", sd.docx_bytes(BLOCKS))
    loaded = list(loading.load_all(tmp_path, ["ahne.docx", "ok.docx"], max_seconds=60))
    assert loaded[0] == Skipped(
        "ahne.docx", "reading its text needed more than the 300 MB memory limit"
    )
    assert loaded[1].body == BLOCKS_TEXT


@pytest.mark.parametrize(
    ("doc_id", "content", "reason"),
    [
        ("tyhja.docx", sd.docx_bytes([]), "DOCX without text"),
        ("tyhja.odt", sd.odt_bytes([]), "ODT without text"),
        ("kuva.pdf", sd.pdf_bytes([[]], footer=None), "PDF without text: no text layer, no scans"),
        ("teksti.docx", b"Pelkkaa tekstia", "damaged or truncated DOCX (not a complete zip file)"),
        (
            "zip.odt",
            sd.docx_bytes(BLOCKS),
            "not an OpenDocument text (its mimetype says otherwise)",
        ),
    ],
)
def test_files_without_text_are_skipped_with_the_reason(
    tmp_path: Path, doc_id: str, content: bytes, reason: str
) -> None:
    sd.write(tmp_path / doc_id, content)
    assert load(tmp_path, doc_id) == Skipped(doc_id, reason)


def _docx_with_footnote(raw: bytes, note: str) -> bytes:
    """Return a DOCX with a footnotes part, as Word writes it (python-docx writes none)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{note}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    relationship = (
        '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/footnotes"/></Relationships>'
    )
    override = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>'
    )
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", relationship.encode())
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode())
            package.writestr(info.filename, data)
        package.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def _joined_pdfs(*parts: bytes) -> bytes:
    """Return one PDF of the pages of several."""
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument.new()
    for raw in parts:
        joined.import_pages(pdfium.PdfDocument(raw))
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue()


def test_a_failure_no_reader_foresaw_is_the_files_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: bytes) -> None:
        raise KeyError("word/footnotes.xml")

    monkeypatch.setattr(readers.binary, "read_docx", broken)
    # parse_file is what the worker runs; here it runs in this process, with the reader patched.
    assert readers.parse_file("a.docx", sd.docx_bytes(BLOCKS), 0.0) == Skipped(
        "a.docx", "DOCX that its reader failed on (KeyError: 'word/footnotes.xml')"
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_PDF_PAGES", "many", "SOTEHAKU_MAX_PDF_PAGES must be a whole number of 1 or more"),
        ("OCR_PAGE_SECONDS", "-1", "SOTEHAKU_OCR_PAGE_SECONDS must be a number above 0"),
    ],
)
def test_a_limit_without_meaning_stops_before_the_first_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"SOTEHAKU_{name}", value)
    sd.write(tmp_path / "a.odt", sd.odt_bytes(BLOCKS))
    with pytest.raises(SettingError, match=message):
        load(tmp_path, "a.odt")


@pytest.mark.parametrize("width", [1000, 1001])
def test_a_scanned_page_renders_as_a_greyscale_image_without_row_padding(width: int) -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, 700), 255).save(out, "PDF", resolution=100)
    image, dpi = render_page(out.getvalue(), 0, dpi=100)
    header, pixels = image.split(b"\n255\n", 1)
    w, h = map(int, header.removeprefix(b"P5\n").split())
    assert (abs(w - width) <= 1, abs(h - 700) <= 1, dpi) == (True, True, 100)
    assert pixels == b"\xff" * (w * h)


def test_every_reason_of_the_formats_has_a_kind_for_the_metrics() -> None:
    reasons = [
        "encrypted PDF: it opens only with a password",
        "damaged or not a PDF (data format error)",
        "damaged or truncated DOCX (not a complete zip file)",
        "not an OpenDocument text (its mimetype says otherwise)",
        "DOCX that unpacks to 202 MB, over the 200 MB limit (a zip bomb?)",
        "PDF of 2,500 pages, over the 2,000-page limit",
        "reading its text needed more than the 300 MB memory limit",
        "PDF without text: no text layer, no scans",
        "DOCX that its reader failed on (KeyError: 'word/footnotes.xml')",
    ]
    assert [reason_kind(r) for r in reasons] == [
        "encrypted",
        "damaged",
        "damaged",
        "damaged",
        "zip_bomb",
        "too_many_pages",
        "out_of_memory",
        "no_text",
        "reader_failed",
    ]


def _fake_tesseract(folder: Path, seconds: float) -> Path:
    """Put a `tesseract` on PATH that logs each page it reads, takes `seconds` over it and
    reads "Sivu": the number of pages OCR read, whatever the machine's speed."""
    folder.mkdir()
    script = folder / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --list-langs ]; then printf "List:\\nfin\\nswe\\n"; exit 0; fi\n'
        f'cat > /dev/null; echo page >> "{folder}/read.log"; sleep {seconds}; echo Sivu\n'
    )
    script.chmod(0o755)
    return folder / "read.log"


def test_pages_with_the_same_image_are_read_by_ocr_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_workers: None
) -> None:
    log = _fake_tesseract(tmp_path / "bin", 0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    same, other = ["Sama kuva joka sivulla"], ["Toinen kuva"]
    sd.write(tmp_path / "seeds" / "toisto.pdf", sd.scanned_pdf_bytes([same, same, other, same]))
    doc = load(tmp_path / "seeds", "toisto.pdf")
    assert isinstance(doc, Document), doc
    assert doc.body.split() == ["Sivu"] * 4
    assert log.read_text().split() == ["page", "page"]


def test_ocr_stops_at_the_files_time_limit_and_names_the_pages_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_workers: None
) -> None:
    log = _fake_tesseract(tmp_path / "bin", 0.5)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("SOTEHAKU_OCR_FILE_SECONDS", "2")
    pages = [[f"Sivu numero {n}"] for n in range(1, 9)]
    sd.write(tmp_path / "seeds" / "pitka.pdf", sd.scanned_pdf_bytes(pages, dpi=50))
    doc = load(tmp_path / "seeds", "pitka.pdf")
    assert isinstance(doc, Document), doc
    # Each page takes 0.5 s and more: within 2 s at most four are read, and one more may be
    # stopped at the time the file had left; the rest are not started.
    read = doc.body.split().count("Sivu")
    started = len(log.read_text().split())
    assert 1 <= started <= 5 and read <= started <= read + 1
    notes = doc.note.split("; ")
    if read:
        done = "page 1" if read == 1 else "pages " + ", ".join(map(str, range(1, read + 1)))
        assert notes[0] == f"{done} read by OCR (Tesseract fin+swe)"
    left = ", ".join(str(n) for n in range(started + 1, 9))
    assert notes[-1] == f"pages {left} not read: OCR of this file took longer than its 2 s limit"
    assert len(notes) == (1 if read else 0) + 1 + (started - read)
