"""Feeds that follow a decision maker or a case: their sections, newest meeting first."""

import xml.etree.ElementTree as ET

import pytest

from indexer.writing.build import build_index
from tests.conftest import write_files

ATOM = "{http://www.w3.org/2005/Atom}"


def minutes(body: str, day: str, number: str, sections: str) -> str:
    return f"Lapuan kaupunki Pöytäkirja {number}\n{body} {day}\nAika {day} klo 16\n{sections}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    seeds = tmp_path_factory.mktemp("feeds") / "seeds"
    write_files(
        seeds,
        {
            "kh-1.txt": minutes(
                "Kaupunginhallitus",
                "2.12.2024",
                "20/2024",
                "§ 347\nKokouksen laillisuus ja päätösvaltaisuus\nTodettiin.\n"
                "§ 348\nKaikukortin käyttöönotto\nLAPDno-2024-867\nPäätös\nValtuustolle.\n"
                "§ 349\nKotihoidon palveluseteli\nPäätös\nHyväksyttiin.",
            ),
            "kv.txt": minutes(
                "Kaupunginvaltuusto",
                "9.12.2024",
                "7/2024",
                "§ 90\nKaikukortin käyttöönotto\nLAPDno-2024-867\nPäätös\nHyväksyttiin.",
            ),
            "kh-2.txt": minutes(
                "Kaupunginhallitus",
                "16.12.2024",
                "21/2024",
                "§ 360\nTalousarvion toteutuminen\nPäätös\nMerkittiin.\n"
                "§ 361\nKaikukortin viestintä\nLAPDno-2024-867\nPäätös\nMerkittiin.",
            ),
            "uutinen.txt": "Kaupunginhallitus päätti 3.12.2024\n\nKaupunginhallitus kokoontui.",
        },
    )
    index_dir = seeds.parent / "index"
    build_index(seeds, index_dir)
    app = create_app({"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": seeds})
    return app.test_client()


def entries(client, url: str) -> tuple[str, list[tuple[str, str, str]]]:
    response = client.get(url)
    assert response.status_code == 200, response.data
    feed = ET.fromstring(response.data)
    return feed.findtext(f"{ATOM}title"), [
        (
            e.findtext(f"{ATOM}title"),
            e.find(f"{ATOM}link").get("href"),
            e.findtext(f"{ATOM}updated")[:10],
        )
        for e in feed.iter(f"{ATOM}entry")
    ]


def test_a_feed_follows_a_decision_maker(client) -> None:
    # Its sections, not files or the news, newest meeting first, without the formalities.
    assert entries(client, "/feed.atom?decision_maker=Kaupunginhallitus") == (
        "Sotehaku: Kaupunginhallitus",
        [
            ("§ 360 Talousarvion toteutuminen", "/doc/kh-2.txt#s360", "2024-12-16"),
            ("§ 361 Kaikukortin viestintä", "/doc/kh-2.txt#s361", "2024-12-16"),
            ("§ 348 Kaikukortin käyttöönotto", "/doc/kh-1.txt#s348", "2024-12-02"),
            ("§ 349 Kotihoidon palveluseteli", "/doc/kh-1.txt#s349", "2024-12-02"),
        ],
    )


def test_a_feed_follows_a_case_across_bodies(client) -> None:
    title, found = entries(client, "/feed.atom?case=lapdno+2024-867")
    assert (title, found) == (
        "Sotehaku: lapdno 2024-867",
        [
            ("§ 361 Kaikukortin viestintä", "/doc/kh-2.txt#s361", "2024-12-16"),
            ("§ 90 Kaikukortin käyttöönotto", "/doc/kv.txt#s90", "2024-12-09"),
            ("§ 348 Kaikukortin käyttöönotto", "/doc/kh-1.txt#s348", "2024-12-02"),
        ],
    )
    # The titles are the search's hits' titles.
    hits = client.get("/api/search?q=lapdno+2024-867&limit=10").get_json()["hits"]
    assert {h["title"] for h in hits} == {t for t, _, _ in found}
    # Both at once: the case's sections of that body.
    _, both = entries(client, "/feed.atom?case=lapdno+2024-867&decision_maker=Kaupunginvaltuusto")
    assert [t for t, _, _ in both] == ["§ 90 Kaikukortin käyttöönotto"]


def test_a_feed_of_no_case_number_is_refused_with_a_message(client) -> None:
    response = client.get("/feed.atom?case=kaikukortti")
    assert response.status_code == 400
    assert "&#39;kaikukortti&#39; ei ole diaarinumero" in response.get_data(as_text=True)


def test_the_case_page_links_its_feed(client) -> None:
    page = client.get("/asia/LAPDno-2024-867").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page
    assert 'href="/feed.atom?case=LAPDno-2024-867"' in page
    _, found = entries(client, "/feed.atom?case=LAPDno-2024-867")
    assert len(found) == 3
