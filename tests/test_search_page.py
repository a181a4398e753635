"""The search page around the results, through the real app: facets, filters, order, did you
mean, suggestions, languages, feeds, browsing and similar documents."""

import html
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from indexer.writing.build import build_index
from tests.test_facets import ARCHIVE, write_archive
from webui import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    build_index(write_archive(root / "seeds", ARCHIVE), root / "index")
    return root / "index"


@pytest.fixture()
def web(archive_index: Path):
    return create_app({"TESTING": True, "INDEX_DIR": archive_index}).test_client()


def facet_links(page: str, facet: str) -> list[tuple[str, str, int]]:
    """Return (value, href, count) of a facet's links on a page."""
    section = page.split(f'id="facet-{facet}"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'<a href="([^"]+)">(?:<span[^>]*>[^<]*</span>)?([^<]+?) <span class="n">'
                       r"\((\d+)\)</span></a>", section)  # fmt: skip
    return [(value, href.replace("&amp;", "&"), int(n)) for href, value, n in found]


def test_api_has_facets_of_the_whole_result_and_a_suggestion(web) -> None:
    data = web.get("/api/search?q=rahoitusmalli&limit=1").get_json()
    assert list(data)[-2:] == ["facets", "suggestion"]
    assert (data["total"], len(data["hits"]), data["suggestion"]) == (5, 1, None)
    assert data["facets"] == {
        "year": [{"value": "2022", "count": 2}, {"value": "2021", "count": 2}],
        "source": [{"value": "etela-pohjanmaa", "count": 3}, {"value": "keski-suomi", "count": 2}],
        "format": [
            {"value": "txt", "count": 3},
            {"value": "html", "count": 1},
            {"value": "md", "count": 1},
        ],
        "language": [{"value": "fi", "count": 5}],
    }


def test_every_facet_link_finds_as_many_as_it_says(web) -> None:
    page = web.get("/?q=rahoitusmalli").get_data(as_text=True)
    facets = ("year", "source", "format", "language")
    links = [link for facet in facets for link in facet_links(page, facet)]
    assert len(links) == 8
    for value, href, count in links:
        args = parse_qsl(urlsplit(href).query)
        assert ("q", "rahoitusmalli") in args
        data = web.get("/api/search", query_string=args).get_json()
        assert data["total"] == count, (value, href)


def test_a_chosen_value_narrows_and_its_link_unchooses_it(web) -> None:
    page = web.get("/?q=rahoitusmalli&source=keski-suomi").get_data(as_text=True)
    assert page.count('class="hit"') == 2
    (chosen,) = [link for link in facet_links(page, "source") if link[0] == "keski-suomi"]
    assert dict(parse_qsl(urlsplit(chosen[1]).query)) == {"q": "rahoitusmalli"}
    assert '<li class="chosen">' in page
    assert "Poista kaikki rajaukset" in page


def test_filters_combine_and_values_of_one_facet_add_up(web) -> None:
    def total(query: str) -> int:
        return web.get("/api/search?q=rahoitusmalli&" + query).get_json()["total"]

    assert total("year=2021") == 2
    assert total("year=2021&year=2022") == 4
    assert total("year=2021&year=2022&format=txt") == 2
    assert total("source=keski-suomi&format=txt&from=2021-06-01&to=2021-06-30") == 1
    assert total("format=pdf") == 0


def test_sort_by_date_puts_undated_last(web) -> None:
    def dates(sort: str) -> list[str | None]:
        hits = web.get(f"/api/search?q=rahoitusmalli&sort={sort}").get_json()["hits"]
        return [h["date"] for h in hits]

    assert dates("newest") == ["2022-02-02", "2022-01-12", "2021-06-15", "2021-05-03", None]
    assert dates("oldest") == ["2021-05-03", "2021-06-15", "2022-01-12", "2022-02-02", None]


@pytest.mark.parametrize(
    ("query", "fi", "en"),
    [
        ("year=21", "'year' on annettava nelinumeroisena vuotena", "'year' must be a year"),
        ("from=2021-02-30", "'from' on annettava päivämääränä", "'from' must be a date"),
        ("from=2022-01-01&to=2021-01-01", "Alkupäivä ('from')", "'from' must not be later"),
        ("sort=random", "'sort' on oltava relevance", "'sort' must be relevance"),
    ],
)
def test_bad_filters_are_400_with_a_clear_message(web, query: str, fi: str, en: str) -> None:
    r = web.get("/api/search?q=sote&" + query)
    assert r.status_code == 400 and fi in r.get_json()["error"]
    r = web.get("/api/search?q=sote&lang=en&" + query)
    assert r.status_code == 400 and en in r.get_json()["error"]
    page = web.get("/?q=sote&lang=fi&" + query)
    assert page.status_code == 400
    assert fi in html.unescape(page.get_data(as_text=True))


def test_a_page_size_typed_by_hand_is_the_nearest_offered(web) -> None:
    def sizes(limit: str) -> tuple[int, str]:
        r = web.get(f"/?q=sote&limit={limit}")
        current = re.findall(r'<span aria-current="true">(\d+)</span>', r.get_data(as_text=True))
        return r.status_code, current[0] if current else ""

    assert [sizes(n) for n in ("20", "30", "15", "36", "0", "-5", "1000")] == [
        (200, "20"), (200, "20"), (200, "10"), (200, "50"), (200, "10"), (200, "10"), (200, "50"),
    ]  # fmt: skip
    # Links carry the size used, not the one typed.
    page = html.unescape(web.get("/?q=sote&limit=30").get_data(as_text=True))
    assert '<a href="/?q=sote&limit=20&sort=newest">' in page
    r = web.get("/?q=sote&limit=kymmenen")
    assert r.status_code == 400
    assert "'limit' on oltava jokin näistä: 10, 20, 50." in html.unescape(r.get_data(as_text=True))


def test_order_and_page_size_are_links_that_apply_at_once(web) -> None:
    page = html.unescape(web.get("/?q=rahoitusmalli&year=2021&page=1").get_data(as_text=True))
    assert '<a href="/?q=rahoitusmalli&year=2021&sort=newest">Uusin ensin</a>' in page
    assert '<a href="/?q=rahoitusmalli&year=2021&limit=50">50</a>' in page
    assert '<span aria-current="true">Osuvuus</span>' in page


def links(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


def test_the_document_and_the_help_lead_back_to_the_same_results(web) -> None:
    results = web.get("/?q=rahoitusmalli&source=etela-pohjanmaa&sort=newest&limit=20&page=1")
    doc_links = links(results.get_data(as_text=True), "/doc/")
    back = "back=q%3Drahoitusmalli%26source%3Detela-pohjanmaa%26sort%3Dnewest%26limit%3D20"
    assert doc_links[0] == f"/doc/etela-pohjanmaa/tiedote.html?q=rahoitusmalli&{back}"
    document = web.get(doc_links[0]).get_data(as_text=True)
    results_url = "/?q=rahoitusmalli&source=etela-pohjanmaa&sort=newest&limit=20"
    assert f'class="back"><a href="{html.escape(results_url)}">' in document
    # The document page has a search box, and its similar documents keep the way back.
    assert '<form class="search" action="/"' in document and 'value="rahoitusmalli"' in document
    assert all(back in link for link in links(document, "/doc/"))
    help_link = links(results.get_data(as_text=True), "/help")[0]
    assert help_link == f"/help?{back}"
    help_page = web.get(help_link).get_data(as_text=True)
    assert links(help_page, "/?q=") == [results_url]
    # Only the search's own arguments come back: nothing else rides along.
    odd = web.get("/help?back=q%3Dsote%26next%3Dhttps%3A%2F%2Fevil.example%26year%3D2021")
    assert links(odd.get_data(as_text=True), "/?q=") == ["/?q=sote&year=2021"]
    assert '<p><a href="/">' in web.get("/help").get_data(as_text=True)


def test_did_you_mean_links_to_a_query_that_finds(web) -> None:
    page = web.get("/?q=rahoitusmali&format=txt").get_data(as_text=True)
    assert 'Tarkoititko: <a href="/?q=rahoitusmalli&amp;format=txt">rahoitusmalli</a>?' in page
    data = web.get("/api/search?q=rahoitusmali").get_json()
    assert (data["total"], data["suggestion"]) == (0, "rahoitusmalli")


def test_suggest_lists_words_and_titles_by_frequency(web) -> None:
    data = web.get("/api/suggest?q=Rahoi").get_json()
    # The first request of a generation may come before the lists are read: ask again.
    for _ in range(100):
        if data["ready"]:
            break
        data = web.get("/api/suggest?q=Rahoi").get_json()
    # Words in as many documents go alphabetically: the compound part first.
    assert data["suggestions"][:2] == [
        {"text": "rahoitus", "kind": "word", "count": 5},
        {"text": "rahoitusmalli", "kind": "word", "count": 5},
    ]
    assert web.get("/api/suggest?q=r").get_json()["suggestions"] == []
    titles = web.get("/api/suggest?q=hallituksen").get_json()["suggestions"]
    assert {"text": "Hallituksen kokous 3.5.2021", "kind": "title", "count": 1} in titles
    assert web.get("/api/suggest?q=ra&limit=11").status_code == 400
    opensearch = web.get("/api/suggest?q=rahoi&format=opensearch")
    assert opensearch.mimetype == "application/x-suggestions+json"
    assert opensearch.get_json()[0] == "rahoi" and "rahoitusmalli" in opensearch.get_json()[1]


def test_the_front_page_lists_the_newest_and_counts_the_whole_archive(web) -> None:
    page = web.get("/").get_data(as_text=True)
    assert "Kokeile esimerkiksi" in page and "Uusimmat asiakirjat" in page
    order = [m for m in re.findall(r'href="/doc/([^"?]+)"', page)]
    assert order[:3] == [
        "etela-pohjanmaa/tiedote.html",
        "etela-pohjanmaa/2022/poytakirja.md",
        "keski-suomi/muistio.txt",
    ]
    assert [(v, n) for v, _, n in facet_links(page, "year")] == [
        ("2022", 2), ("2021", 2), ("2020", 1),
    ]  # fmt: skip
    browsed = web.get("/?source=keski-suomi&sort=oldest").get_data(as_text=True)
    assert browsed.count('class="hit"') == 2
    assert '<p class="count" role="status">2 tulosta</p>' in browsed


def test_the_atom_feed_has_the_newest_matches(web) -> None:
    r = web.get("/feed.atom?q=rahoitusmalli&source=etela-pohjanmaa")
    assert r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Sotehaku: rahoitusmalli"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}updated").text[:10] for e in entries] == [
        "2022-02-02", "2022-01-12", "2021-05-03",
    ]  # fmt: skip
    assert entries[0].find(f"{ATOM}link").get("href") == "/doc/etela-pohjanmaa/tiedote.html"
    assert "<mark>" in entries[0].find(f"{ATOM}summary").text
    assert len(ET.fromstring(web.get("/feed.atom").data).findall(f"{ATOM}entry")) == 6
    assert web.get("/feed.atom?q=*x").status_code == 400


def test_opensearch_is_described_and_linked_from_every_page(web) -> None:
    root = ET.fromstring(web.get("/opensearch.xml").data)
    assert root.find(f"{OPENSEARCH}ShortName").text == "Sotehaku"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"] == "http://localhost/?q={searchTerms}"
    assert templates["application/x-suggestions+json"].endswith("&format=opensearch")
    link = '<link rel="search" type="application/opensearchdescription+xml"'
    for url in ("/", "/?q=sote", "/help", "/doc/juuri.txt", "/nowhere"):
        assert link in web.get(url).get_data(as_text=True), url


def test_opensearch_links_use_the_public_address_when_set(web, monkeypatch) -> None:
    # Without it the links follow the request's Host header, which a client chooses.
    monkeypatch.setenv("SOTEHAKU_PUBLIC_URL", "https://haku.example.fi/")
    root = ET.fromstring(web.get("/opensearch.xml", headers={"Host": "evil.example"}).data)
    templates = [u.get("template") for u in root.findall(f"{OPENSEARCH}Url")]
    assert templates and all(t.startswith("https://haku.example.fi/") for t in templates)


@pytest.mark.parametrize(
    ("headers", "query", "lang", "text"),
    [
        ({}, "", "fi", "Hakuohjeet"),
        ({"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"}, "", "sv", "Sökhjälp"),
        ({"Accept-Language": "en-GB"}, "", "en", "Search help"),
        ({"Accept-Language": "de"}, "", "fi", "Hakuohjeet"),
        ({"Accept-Language": "en"}, "?lang=sv", "sv", "Sökhjälp"),
        ({}, "?lang=xx", "fi", "Hakuohjeet"),
    ],
)
def test_the_language_comes_from_lang_or_the_browser(
    web, headers: dict, query: str, lang: str, text: str
) -> None:
    page = web.get("/help" + query, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and text in page


def test_a_chosen_language_is_remembered_and_switched_visibly(web) -> None:
    r = web.get("/?q=sote&lang=sv")
    assert "lang=sv" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert "Accept-Language" in r.headers["Vary"]
    page = web.get("/?q=sote", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert '<a href="/?q=sote&amp;lang=fi" hreflang="fi" lang="fi">suomi</a>' in page
    assert '<span aria-current="true" lang="sv">svenska</span>' in page


def test_errors_speak_the_page_language(web) -> None:
    assert "Sidan hittades inte." in web.get("/nowhere?lang=sv").get_data(as_text=True)
    page = web.get("/?q=*sote&lang=en").get_data(as_text=True)
    assert "A wildcard needs at least 3 letters before it" in page
    page = web.get("/?q=*sote&lang=fi").get_data(as_text=True)
    assert "Jokerimerkin edellä on oltava vähintään 3 kirjainta" in page


def test_the_help_page_explains_the_syntax(web) -> None:
    page = web.get("/help").get_data(as_text=True)
    for syntax in ("VATE OR Soite", "sote NOT maakunta", "rahoitus*", "Lainausmerkit"):
        assert syntax in page
    assert 'href="/help"' in web.get("/").get_data(as_text=True)


def test_the_document_page_lists_similar_documents(web) -> None:
    page = web.get("/doc/etela-pohjanmaa/2021/kokous.txt").get_data(as_text=True)
    assert "Samankaltaisia asiakirjoja" in page
    similar = page.split('id="similar-title"', 1)[1]
    links = re.findall(r'href="/doc/([^"]+)"', similar)
    assert 1 <= len(links) <= 5 and "etela-pohjanmaa/2021/kokous.txt" not in links


def test_public_pages_show_no_server_paths(web, archive_index: Path) -> None:
    for url in ("/", "/?q=sote", "/doc/juuri.txt", "/feed.atom"):
        body = web.get(url).get_data(as_text=True)
        assert str(archive_index.parent) not in body, url


def test_the_filters_in_use_are_chips_above_the_results(web) -> None:
    page = web.get("/?q=rahoitusmalli&source=keski-suomi&from=2021-01-01").get_data(as_text=True)
    chips = page.split('<ul class="chips"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="([^"]+)">(.*?)</a>', chips)
    assert [(html.unescape(href), re.sub("<[^>]+>", "", text)) for href, text in links] == [
        ("/?q=rahoitusmalli&from=2021-01-01", "Poista rajaus Lähde: keski-suomi ×"),
        ("/?q=rahoitusmalli&source=keski-suomi", "Poista rajaus Alkaen: 1.1.2021 ×"),
        ("/?q=rahoitusmalli", "Poista kaikki rajaukset"),
    ]
    # Above the results, and the filters before the results too, for the keyboard and phones.
    assert page.index('class="chips"') < page.index('class="refine"') < page.index('class="hit"')
    assert 'class="chips"' not in web.get("/?q=rahoitusmalli").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "hit_date", "chip"),
    [("fi", "15.6.2021", "Alkaen: 1.6.2021"), ("sv", "15.6.2021", "Från: 1.6.2021"),
     ("en", "Jun 15, 2021", "From: Jun 1, 2021")],
)  # fmt: skip
def test_dates_are_written_as_the_language_writes_them(
    web, lang: str, hit_date: str, chip: str
) -> None:
    page = web.get(f"/?q=kunnat&source=keski-suomi&from=2021-06-01&lang={lang}")
    text = page.get_data(as_text=True)
    assert f'<time datetime="2021-06-15">{hit_date}</time>' in text
    assert chip in re.sub("<[^>]+>", "", text.split('<ul class="chips"', 1)[1])
    document = web.get(f"/doc/keski-suomi/muistio.txt?lang={lang}").get_data(as_text=True)
    assert f'<time datetime="2021-06-15">{hit_date}</time>' in document


def test_a_pdf_page_flows_as_paragraphs(tmp_path: Path) -> None:
    from tests.sample_documents import pdf_bytes

    lines = [
        "Hallitus esitti eilen uuden rahoitusmallin, jonka mukaan kunnat",
        "saavat rahoituksen asukasluvun ja palvelutarpeen perusteella.",
        "Liitteet",
        "- rahoituslaskelma",
        "- aikataulu",
    ]
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "malli.pdf").write_bytes(pdf_bytes([lines], footer=None))
    build_index(seeds, tmp_path / "index")
    web = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    page = web.get("/doc/malli.pdf?q=rahoitusmalli").get_data(as_text=True)
    body = html.unescape(re.sub("<[^>]+>", "", page.split('class="page-number"', 1)[1]))
    assert body.split("\n")[:4] == [
        ">s. 1Hallitus esitti eilen uuden rahoitusmallin, jonka mukaan kunnat saavat rahoituksen"
        " asukasluvun ja palvelutarpeen perusteella.",
        "Liitteet",
        "- rahoituslaskelma",
        "- aikataulu",
    ]
    assert "<mark>rahoitusmallin</mark>" in page


def test_the_name_tagline_and_examples_are_settings_in_each_language(archive_index) -> None:
    config = {
        "TESTING": True,
        "INDEX_DIR": archive_index,
        "SITE_NAME_SV": "Arkivsök",
        "TAGLINE_SV": "Sökning i stadens protokoll",
        "EXAMPLES_SV": "budget, <skola>",
    }
    web = create_app(config).test_client()
    page = web.get("/?lang=sv").get_data(as_text=True)
    assert "<title>Arkivsök</title>" in page and 'class="brand" href="/">Arkivsök</a>' in page
    assert "<h1>Sökning i stadens protokoll</h1>" in page
    examples = page.split('class="examples">', 1)[1].split("</p>", 1)[0]
    assert re.sub(r"\s+", " ", examples) == (
        'Pröva till exempel <a href="/?q=budget">budget</a> eller'
        ' <a href="/?q=%3Cskola%3E">&lt;skola&gt;</a>.'
    )
    assert 'placeholder="Till exempel budget, &lt;skola&gt;"' in page
    root = ET.fromstring(web.get("/opensearch.xml?lang=sv").data)
    assert root.find(f"{OPENSEARCH}ShortName").text == "Arkivsök"
    # Finnish is left as it was: the name, and examples from the index's frequent words.
    page = web.get("/?lang=fi").get_data(as_text=True)
    assert "<title>Sotehaku</title>" in page and "Sote-uudistuksen asiakirjahaku" in page
    for _ in range(200):
        if 'class="examples"' in page:
            break
        time.sleep(0.02)  # the word lists are read in the background as the app starts
        page = web.get("/?lang=fi").get_data(as_text=True)
    examples = re.findall(r'<a href="/\?q=[^"]+">([^<]+)</a>', page.split('class="examples">')[1])
    # "sote" stands for them (the lexicon), in three documents of six.
    assert examples == ["sosiaali", "terveydenhuolto", "terveyspalvelu"]
