"""A folder of PDFs, scans, DOCX and ODT files and bad ones, built into a real index and
searched through the library, the API and the pages, with page numbers."""

import datetime
import re
from pathlib import Path

import pytest

from indexer.search.document_view import get_document
from indexer.search.searching import search
from indexer.service.stats import index_stats
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests import sample_documents as sd
from tests.test_admin import TOKEN, log_in
from webui import create_app

MINUTES = [
    [
        "Hyvinvointialueen valtuusto käsitteli erityishuol-",
        "topiirin asioita ja sote-",
        "uudistuksen aikataulua.",
    ],
    ["Toisella puolella käsiteltiin Ylöjärven", "terveyskeskuksen peruskorjauk-"],
    ["sesta ja rahoitusmallista."],
]
HEADER = "Pirkanmaan yhteistoiminta – Pöytäkirja 3/2021"
REASONS = {
    "salainen.pdf": "encrypted PDF: it opens only with a password",
    "katkennut.pdf": "damaged or not a PDF (data format error)",
    "katkennut.docx": "damaged or truncated DOCX (not a complete zip file)",
    "pommi.docx": "DOCX that unpacks to 202 MB, over the 200 MB limit (a zip bomb?)",
    "kirja.pdf": "PDF of 2,001 pages, over the 2,000-page limit",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """The seeds and index folders of a build of every format, and its report."""
    seeds = tmp_path_factory.mktemp("paged") / "seeds"
    minutes = sd.pdf_bytes(MINUTES, header=HEADER, created=datetime.date(2021, 5, 3))
    sd.write(seeds / "ptk.pdf", minutes)
    scan = ["Kangasalan kunnanhallitus kokoontui", "käsittelemään vanhuspalveluita."]
    sd.write(seeds / "skannattu.pdf", sd.scanned_pdf_bytes([scan]))
    memo = [("heading", "Muistio"), ("table", [["Aino Virtanen", "puheenjohtaja"]])]
    sd.write(seeds / "muistio.docx", sd.docx_bytes(memo, title="Vammaisneuvoston muistio"))
    sd.write(seeds / "raportti.odt", sd.odt_bytes([("paragraph", "Omaishoidon tuki kasvoi.")]))
    sd.write(seeds / "salainen.pdf", sd.pdf_bytes(MINUTES, password="salasana"))
    sd.write(seeds / "katkennut.pdf", minutes[: len(minutes) // 2])
    docx = sd.docx_bytes(memo)
    sd.write(seeds / "katkennut.docx", docx[: len(docx) // 2])
    sd.write(
        seeds / "pommi.docx", sd.docx_with_body(docx, b"<w:p/>" * (200 * 2**20 // 6 + 200_000))
    )
    sd.write(seeds / "kirja.pdf", sd.pdf_bytes([["x"]] * 2001, footer=None))
    index_dir = seeds.parent / "index"
    report = build_index(seeds, index_dir)
    return seeds, index_dir, report


def hits(index_dir: Path, query: str) -> list[tuple[str, int | None]]:
    return [(hit.id, hit.page) for hit in search(index_dir, query).hits]


def test_every_format_is_indexed_and_every_bad_file_has_its_reason(folder) -> None:
    _, index_dir, report = folder
    assert report.indexed == 4
    assert {s.id: s.reason for s in report.skipped} == REASONS
    assert report.notes == [("skannattu.pdf", "read by OCR (Tesseract fin+swe)")]
    assert {s["id"]: s["reason"] for s in index_stats(index_dir).skipped} == REASONS


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # Broken at a line end, across a page break, hyphenated for real.
        ("erityishuoltopiiri", [("ptk.pdf", 1)]),
        ("peruskorjaus", [("ptk.pdf", 2)]),
        ("rahoitusmalli", [("ptk.pdf", 3)]),
        ('"sote-uudistuksen aikataulua"', [("ptk.pdf", 1)]),
        ("vanhuspalvelu", [("skannattu.pdf", 1)]),
        ("puheenjohtaja", [("muistio.docx", None)]),
        ("omaishoito", [("raportti.odt", None)]),
        # The running header and the page numbers are not text.
        ("Pirkanmaan", []),
        ("yhteistoiminta", []),
        ("sivu", []),
        # Nor are half words.
        ("erityishuol", []),
        ("topiirin", []),
    ],
)
def test_words_are_found_in_their_documents_on_their_pages(folder, query, found) -> None:
    assert hits(folder[1], query) == found


def test_titles_and_dates_come_from_metadata_or_text(folder) -> None:
    found = {}
    for query, doc_id in [("erityishuoltopiiri", "ptk.pdf"), ("puheenjohtaja", "muistio.docx")]:
        (hit,) = search(folder[1], query).hits
        found[doc_id] = (hit.title, hit.date)
    assert found == {
        "ptk.pdf": ("Hyvinvointialueen valtuusto käsitteli erityishuoltopiirin", "2021-05-03"),
        "muistio.docx": ("Vammaisneuvoston muistio", "2013-12-23"),
    }


def test_the_api_gives_the_page_of_a_pdf_hit(folder) -> None:
    client = create_app(
        {"TESTING": True, "INDEX_DIR": folder[1], "SEEDS_DIR": folder[0]}
    ).test_client()
    (hit,) = client.get("/api/search?q=peruskorjaus").get_json()["hits"]
    assert (hit["id"], hit["page"]) == ("ptk.pdf", 2)
    assert "<mark>peruskorjauksesta</mark>" in hit["snippet"]
    (hit,) = client.get("/api/search?q=puheenjohtaja").get_json()["hits"]
    assert (hit["id"], hit["page"]) == ("muistio.docx", None)


def test_the_result_list_links_to_the_page_and_the_document_marks_its_pages(folder) -> None:
    client = create_app(
        {"TESTING": True, "INDEX_DIR": folder[1], "SEEDS_DIR": folder[0]}
    ).test_client()
    page = client.get("/?q=peruskorjaus").get_data(as_text=True)
    link = re.search(r'<a class="page-link" href="([^"]+)">s\. 2</a>', page)
    expected = "/doc/ptk.pdf?q=peruskorjaus&amp;page=2&amp;back=q%3Dperuskorjaus#sivu-2"
    assert link and link.group(1) == expected
    document = client.get("/doc/ptk.pdf?q=peruskorjaus&page=2").get_data(as_text=True)
    assert re.findall(r'id="(sivu-\d+)"', document) == ["sivu-1", "sivu-2", "sivu-3"]
    second = document[document.index('id="sivu-2"') : document.index('id="sivu-3"')]
    assert "s. 2" in second and "<mark>peruskorjauksesta</mark>" in second
    scan = client.get("/doc/skannattu.pdf").get_data(as_text=True)
    assert '<p class="meta note">read by OCR (Tesseract fin+swe)</p>' in scan
    docx = client.get("/doc/muistio.docx").get_data(as_text=True)
    assert "sivu-" not in docx and "puheenjohtaja" in docx


@pytest.fixture()
def admin(folder):
    """A test client of the app over the folder, logged in to the admin page."""
    app = create_app(
        {"TESTING": True, "INDEX_DIR": folder[1], "SEEDS_DIR": folder[0], "ADMIN_TOKEN": TOKEN}
    )
    client = app.test_client()
    log_in(client)
    return client


def test_the_admin_page_lists_the_reasons(admin) -> None:
    # In English the reasons are shown as recorded; other languages name their kind first.
    html = admin.get("/admin?lang=en").get_data(as_text=True)
    for doc_id, reason in REASONS.items():
        assert f'<td class="path">{doc_id}</td><td>{reason}</td>' in html


def test_the_admin_page_names_each_kind_of_reason_in_finnish(admin) -> None:
    html = admin.get("/admin?lang=fi").get_data(as_text=True)
    reason = REASONS["salainen.pdf"]
    assert f'<td class="path">salainen.pdf</td><td>Salattu PDF ({reason})</td>' in html


def test_a_long_pdf_in_parts_opens_at_the_part_of_its_page(tmp_path: Path) -> None:
    pages = sd.text_pages(sd.made_up_text(40_000, seed=3))
    pages[-1].append("Loppuun kirjattiin Kangasalan vanhuspalvelut.")
    sd.write(tmp_path / "seeds" / "pitka.pdf", sd.pdf_bytes(pages))
    build_index(tmp_path / "seeds", tmp_path / "index")
    ((doc_id, page),) = hits(tmp_path / "index", "Kangasalan")
    assert page == len(pages)
    view = get_document(tmp_path / "index", doc_id, "Kangasalan", page=page)
    assert view.parts > 1 and view.part == view.parts
    assert view.pages[-1].number == page and "<mark>Kangasalan</mark>" in view.pages[-1].html


def test_update_adds_changes_and_removes_documents_of_every_format(tmp_path: Path) -> None:
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    sd.write(seeds / "a.docx", sd.docx_bytes([("paragraph", "Kotihoito laajeni.")]))
    sd.write(seeds / "b.odt", sd.odt_bytes([("paragraph", "Ensihoito siirtyi.")]))
    build_index(seeds, index_dir)
    sd.write(seeds / "c.pdf", sd.pdf_bytes([["Päivystys"], ["lastensuojelu"]]))
    sd.write(seeds / "a.docx", sd.docx_bytes([("paragraph", "Kotihoito supistui.")]))
    (seeds / "b.odt").unlink()
    sd.write(seeds / "d.pdf", sd.pdf_bytes([["salaista"]], password="x"))
    report = update_index(seeds, index_dir)
    assert (report.added, report.changed, report.removed) == (["c.pdf"], ["a.docx"], ["b.odt"])
    assert [(s.id, s.reason) for s in report.skipped] == [("d.pdf", REASONS["salainen.pdf"])]
    assert hits(index_dir, "lastensuojelu") == [("c.pdf", 2)]
    assert hits(index_dir, "supistua") == [("a.docx", None)]
    assert hits(index_dir, "ensihoito") == []


def test_the_cli_shows_the_page_of_a_pdf_hit(folder) -> None:
    from click.testing import CliRunner

    from indexer.cli import cli

    run = CliRunner().invoke(cli, ["search", "peruskorjaus", "--index", str(folder[1])])
    assert run.exit_code == 0, run.output
    assert re.search(r"\n   \S+ptk\.pdf  s\. 2  score \d+\.\d\d\n", run.output)
