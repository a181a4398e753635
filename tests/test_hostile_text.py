"""Text meant to hurt the pages and feeds: characters XML does not allow, bidi controls in
names, zero-width characters in titles, HTML without visible text, admin pages in caches."""

import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from indexer.documents.document import Skipped
from indexer.documents.loading import scan
from indexer.search.suggestions import suggest
from indexer.service.logs import JsonFormatter
from indexer.writing.build import build_index
from tests.conftest import write_files
from webui import create_app

TOKEN = "oikea-tunnus-7f3a"
RLO = "\u202e"
FILES = {
    "ohjaus.txt": "Sote-ohjaus\x01\x02 \ufffe\n\nSote-uudistus ja hyvinvointialue.",
    "kokous.html": (
        "<html><head><title>Soteuudistuksen\x1b kokous</title></head>"
        "<body><p>Sote-uudistus etenee.\x0b</p></body></html>"
    ),
    f"{RLO}txt.exe.txt": "Sote-uudistus ja nimi, joka kääntyy.",
    "nolla.txt": "Sote\u200buudistuksen aikataulu\n\nSote-uudistus ja aikataulu.",
    "tyhja.html": "<html><head><script>var x = 1;</script></head><body> <br> </body></html>",
}


@pytest.fixture()
def folders(tmp_path: Path) -> tuple[Path, Path]:
    seeds = write_files(tmp_path / "seeds", FILES)
    build_index(seeds, tmp_path / "index")
    return seeds, tmp_path / "index"


@pytest.fixture()
def client(folders: tuple[Path, Path]):
    seeds, index_dir = folders
    config = {"TESTING": True, "SEEDS_DIR": seeds, "INDEX_DIR": index_dir, "ADMIN_TOKEN": TOKEN}
    return create_app(config).test_client()


@pytest.mark.parametrize("query", ["", "sote", "sote\x01\x1b\ufffe"])
def test_the_feed_is_valid_xml_whatever_the_documents_and_the_query_hold(client, query) -> None:
    response = client.get("/feed.atom", query_string={"q": query} if query else None)
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    atom = "{http://www.w3.org/2005/Atom}"
    titles = sorted(e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry"))
    assert "Sote-ohjaus" in titles
    assert "Soteuudistuksen kokous" in titles
    ET.fromstring(client.get("/opensearch.xml").get_data())


def test_characters_xml_does_not_allow_are_not_indexed(folders) -> None:
    seeds, _ = folders
    found, _ = scan(seeds)
    by_id = {d.id: d for d in found}
    assert by_id["ohjaus.txt"].title == "Sote-ohjaus"
    assert "\x0b" not in by_id["kokous.html"].body
    assert by_id["kokous.html"].title == "Soteuudistuksen kokous"


def test_an_html_file_without_visible_text_is_skipped(folders) -> None:
    seeds, _ = folders
    _, skipped = scan(seeds)
    assert Skipped("tyhja.html", "HTML without visible text") in skipped


def test_bidi_controls_in_names_are_shown_escaped(client) -> None:
    page = client.get("/", query_string={"q": "kääntyy"}).get_data(as_text=True)
    assert RLO not in page
    assert "\\u202etxt.exe.txt" in page
    client.post("/admin/login", data={"token": TOKEN})
    admin = client.get("/admin").get_data(as_text=True)
    assert RLO not in admin


def test_bidi_controls_in_log_lines_are_json_escapes() -> None:
    record = logging.LogRecord("sotehaku", logging.INFO, __file__, 1, "skipped", None, None)
    record.fields = {"id": f"{RLO}txt.exe.txt"}
    line = JsonFormatter().format(record)
    assert RLO not in line
    assert json.loads(line)["id"] == f"{RLO}txt.exe.txt"


def test_admin_pages_are_not_stored(client) -> None:
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
    client.post("/admin/login", data={"token": TOKEN})
    assert client.get("/admin").headers["Cache-Control"] == "no-store"


def test_suggestions_hold_no_invisible_characters(folders) -> None:
    _, index_dir = folders
    found = suggest(index_dir, "soteuudistuksen", wait=True)
    assert [s.text for s in found if s.kind == "title"] == [
        "Soteuudistuksen aikataulu",
        "Soteuudistuksen kokous",
    ]
    for s in suggest(index_dir, "sote", wait=True):
        assert s.text.isprintable(), s
