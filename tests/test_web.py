"""The web UI and JSON API through Flask's test client."""

import gc
import re
import shutil
from pathlib import Path

import pytest

from indexer.writing.build import build_index
from tests.conftest import ROOT, SECURITY_HEADERS, damage_index, leaks_segment_file, write_files
from webui import create_app

S0 = "000_a240cdab87ab5ecb.txt"
S1 = "001_8cb112da170294d9.txt"


def test_empty_search_page_helps(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert 'name="q"' in page
    assert "Kokeile esimerkiksi" in page
    assert "http://" not in page and "https://" not in page  # no CDN


def test_search_page_lists_hits_with_marks_and_keeps_the_query(client) -> None:
    page = client.get("/?q=VATE").get_data(as_text=True)
    assert 'value="VATE"' in page
    assert "2 tulosta" in page
    assert page.index(f"/doc/{S0}") < page.index(f"/doc/{S1}")
    assert "<mark>VATE</mark>" in page
    # The document's id within the archive, not where the server keeps it.
    assert f'<span class="path">{S0}</span>' in page and "seeds/" not in page
    assert '<time datetime="2021-04-29">' in page


def test_no_results_and_any_word_fallback_are_explained(client) -> None:
    assert "Ei tuloksia" in client.get("/?q=qwertyzzz").get_data(as_text=True)
    page = client.get("/?q=Kuntaliitto+qwertyzzz").get_data(as_text=True)
    assert "Yksikään asiakirja ei sisällä kaikkia hakusanoja" in page


def test_pagination_links(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds", {f"{n:02}.txt": f"Otsikko {n}\n\nVATE {n}" for n in range(23)}
    )
    build_index(seeds, tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    first = client.get("/?q=VATE").get_data(as_text=True)
    assert "23 tulosta" in first and "sivu 1/3" in first
    assert 'rel="next" href="/?q=VATE&amp;page=2"' in first
    last = client.get("/?q=VATE&page=3").get_data(as_text=True)
    assert last.count('class="hit"') == 3
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize(
    "url, status",
    [
        ("/?q=*sote", 400),
        ("/?q=VATE&page=abc", 400),
        ("/?q=VATE&page=0", 400),
        ("/?q=" + "x" * 501, 400),
        ("/nowhere", 404),
    ],
)
def test_bad_requests_get_a_page_not_a_traceback(client, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert "Traceback" not in r.get_data(as_text=True)
    assert "<html" in r.get_data(as_text=True)


def test_document_page_shows_whole_text_with_marks(client) -> None:
    r = client.get(f"/doc/{S1}?q=VATE")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "<mark>VATEa</mark>" in page
    assert "Takaisin tuloksiin" in page and 'href="/?q=VATE"' in page


@pytest.mark.parametrize(
    "doc_id", ["nope.txt", "../pyproject.toml", "..%2Fpyproject.toml", "%2Fetc%2Fpasswd", "."]
)
def test_unknown_or_outside_documents_are_404(client, doc_id: str) -> None:
    r = client.get(f"/doc/{doc_id}", follow_redirects=True)
    assert r.status_code == 404
    assert "[project]" not in r.get_data(as_text=True)


def test_api_search_schema(client) -> None:
    r = client.get("/api/search?q=VATE")
    assert r.status_code == 200
    data = r.get_json()
    assert list(data) == [
        "query",
        "total",
        "page",
        "mode",
        "took_ms",
        "partial",
        "notices",
        "hits",
        "facets",
        "suggestion",
    ]
    assert (data["query"], data["total"], data["page"], data["mode"]) == ("VATE", 2, 1, "all")
    assert isinstance(data["took_ms"], float)
    assert [h["path"] for h in data["hits"]] == ["seeds/" + S0, "seeds/" + S1]
    hit = data["hits"][0]
    assert list(hit) == [
        "id",
        "path",
        "title",
        "date",
        "score",
        "snippet",
        "page",
        "language",
        "decision_maker",
        "organisation",
        "kind",
        "meeting",
        "section",
        "section_title",
        "anchor",
        "case",
        "more_in_meeting",
        "also",
        "other_language",
    ]
    assert (hit["id"], hit["date"]) == (S0, "2021-04-29")
    assert isinstance(hit["score"], float)
    assert "<mark>VATE</mark>" in hit["snippet"]


def test_api_paging(client) -> None:
    data = client.get("/api/search?q=VATE&limit=1&page=2").get_json()
    assert (data["page"], data["total"], [h["id"] for h in data["hits"]]) == (2, 2, [S1])


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "'q' is required"),
        ("q=", "'q' is required"),
        ("q=VATE&page=x", "'page' must be a whole number"),
        ("q=VATE&limit=0", "'limit' must be a whole number"),
        ("q=VATE&limit=101", "'limit' must be a whole number"),
        ("q=*sote", "at least 3 letters"),
        ("q=" + "x" * 501, "too long"),
    ],
)
def test_api_bad_parameters_are_400_json(client, query: str, message: str) -> None:
    r = client.get("/api/search?" + query, headers={"Accept-Language": "en"})
    assert r.status_code == 400
    assert message in r.get_json()["error"]


def test_script_in_a_document_and_in_the_query_shows_as_text(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"x.txt": "<script>alert(1)</script> otsikko\n\nVATE <script>alert(1)</script>"},
    )
    build_index(seeds, tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    for url in ["/?q=VATE", "/?q=<script>alert(1)</script>", "/doc/x.txt?q=VATE"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page, url
        assert "&lt;script&gt;" in page, url
    snippet = client.get("/api/search?q=VATE").get_json()["hits"][0]["snippet"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_healthz(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    data = r.get_json()
    assert (data["status"], data["documents"]) == ("ok", 5)
    assert data["generation"].startswith("gen-") and data["built_at"]


def test_missing_index_is_503_everywhere(tmp_path: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "none"}).test_client()
    assert client.get("/healthz").status_code == 503
    r = client.get("/?q=VATE")
    assert r.status_code == 503
    page = r.get_data(as_text=True)
    # Where the index should be and the command that builds it are for the logs and the admin.
    assert "Hakemistoa ei ole vielä rakennettu" in page
    assert "python -m indexer build" not in page and str(tmp_path) not in page
    assert client.get("/api/search?q=VATE").status_code == 503
    assert "error" in client.get("/api/search?q=VATE").get_json()


def test_templates_need_no_inline_script_or_style() -> None:
    # The Content-Security-Policy forbids both: a template using one would break in browsers.
    for template in (ROOT / "webui" / "templates").glob("*.html"):
        html = template.read_text(encoding="utf-8")
        # Script files are allowed ('self'), inline scripts are not.
        html = re.sub(r'<script src="[^"]+" defer></script>', "", html)
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", html), template.name


@pytest.fixture()
def damaged(seed_index: Path, tmp_path: Path, request: pytest.FixtureRequest):
    """A copy of the seed index, damaged as the test's parameter says."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    damage_index(index_dir, request.param)
    yield index_dir
    gc.collect()  # once the test's client is gone: see leaks_segment_file


@pytest.mark.parametrize(
    "damaged", ["current", pytest.param("segment", marks=leaks_segment_file)], indirect=True
)
def test_a_damaged_index_fails_with_a_status_not_a_traceback(
    damaged: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": damaged}).test_client()
    r = client.get("/healthz")
    assert (r.status_code, r.get_json()["status"]) == (503, "unavailable")
    r = client.get("/api/search?q=VATE")
    assert r.status_code >= 500 and list(r.get_json()) == ["error"]
    for url in ["/?q=VATE", f"/doc/{S0}"]:
        r = client.get(url)
        assert r.status_code >= 500
        assert "Traceback" not in r.get_data(as_text=True) and "<html" in r.get_data(as_text=True)
    for r in [client.get("/healthz"), client.get("/?q=VATE"), client.get("/api/search?q=x")]:
        assert {name: r.headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS
    caplog.clear()  # the logged errors' tracebacks hold Whoosh's leaked files


@pytest.mark.parametrize("damaged", ["current"], indirect=True)
def test_an_unreadable_current_pointer_is_a_clear_503_page(damaged: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": damaged}).test_client()
    for url in ["/?q=VATE", f"/doc/{S0}"]:
        r = client.get(url)
        assert r.status_code == 503
        assert "Hakemisto on vioittunut, joten haku ei nyt toimi." in r.get_data(as_text=True)


def test_api_and_health_answer_wrong_methods_with_json_and_allow(client) -> None:
    for url in ["/api/search?q=VATE", "/healthz"]:
        r = client.post(url)
        assert (r.status_code, list(r.get_json())) == (405, ["error"])
        assert sorted(r.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert client.get("/api/nowhere").get_json() == {"error": "Sivua ei löytynyt."}
