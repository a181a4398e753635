"""Queries meant to hurt: expensive wildcards, operator soup, huge boosts, long queries.

Each is answered or refused with a clear message, by the library, the web page, the API and
the real server, never with an exception or a 500.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search import searching as search_module
from indexer.search.query import MAX_QUERY_WORDS, QueryError
from indexer.search.searching import search
from indexer.search.wildcards import MAX_WILDCARD_TERMS
from indexer.writing.build import build_index
from tests.conftest import write_files

# Fuzzing found these three making Whoosh's parser raise IndexError, AssertionError, KeyError.
PARSER_BREAKERS = ["NOT NOT VATE", "VATE ANDNOT ANDMAYBE sote", " } (^2)"]


@pytest.mark.parametrize("text", PARSER_BREAKERS)
def test_queries_that_broke_the_parser_get_a_clear_message(seed_index: Path, text: str) -> None:
    with pytest.raises(QueryError, match="could not be understood"):
        search(seed_index, text)


@pytest.mark.parametrize("text", PARSER_BREAKERS)
def test_queries_that_broke_the_parser_are_a_400_on_every_page(client, text: str) -> None:
    assert client.get("/", query_string={"q": text}).status_code == 400
    response = client.get("/api/search", query_string={"q": text, "lang": "en"})
    assert response.status_code == 400
    assert "could not be understood" in response.get_json()["error"]
    finnish = client.get("/api/search", query_string={"q": text, "lang": "fi"})
    assert "Hakua ei voitu tulkita" in finnish.get_json()["error"]
    # The document page shows the document, unmarked, whatever the query.
    page = client.get("/doc/000_a240cdab87ab5ecb.txt", query_string={"q": text})
    assert page.status_code == 200
    assert "<mark>" not in page.get_data(as_text=True)


def test_queries_that_broke_the_parser_are_a_400_through_gunicorn(gunicorn_server: str) -> None:
    for text in PARSER_BREAKERS:
        url = f"{gunicorn_server}/api/search?q={urllib.parse.quote(text)}"
        asked = urllib.request.Request(url, headers={"Accept-Language": "en"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(asked, timeout=10)
        assert e.value.code == 400
        assert "could not be understood" in json.loads(e.value.read())["error"]


def test_a_huge_boost_gives_a_finite_score_and_valid_json(client) -> None:
    response = client.get("/api/search", query_string={"q": "VATE^" + "9" * 400})
    assert response.status_code == 200

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    assert [h["id"] for h in data["hits"]] == [
        "000_a240cdab87ab5ecb.txt",
        "001_8cb112da170294d9.txt",
    ]
    assert all(0 < h["score"] < 1e6 for h in data["hits"])


def test_too_many_words_are_refused_before_any_searching(seed_index: Path) -> None:
    negations = " ".join(f"NOT a{n}" for n in range(80))
    with pytest.raises(QueryError, match=f"at most {MAX_QUERY_WORDS}"):
        search(seed_index, negations[:500])
    common = " ".join(["ja", "on", "sote", "että"] * 20)
    with pytest.raises(QueryError, match="too many words"):
        search(seed_index, common)
    assert search(seed_index, " ".join(["VATE"] * MAX_QUERY_WORDS)).total == 2


def test_bare_and_short_wildcards_are_refused(seed_index: Path) -> None:
    for text in ["*", "*ate", "?ate", "va*", "a?*"]:
        with pytest.raises(QueryError, match="at least 3 letters"):
            search(seed_index, text)


@pytest.fixture(scope="module")
def many_words_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index where 'val*' stands for 150 words, the ten 'valxa..' ones in most documents."""
    letters = "bcdfghjklmnprstv"
    rare = [f"val{a}{b}o" for a in letters for b in letters][:140]
    common = [f"valxa{c}" for c in "bcdfghjklm"]
    files = {f"r{n}.txt": f"Otsikko {n}\n\nSana {word} tässä." for n, word in enumerate(rare)}
    for n in range(20):
        files[f"c{n}.txt"] = f"Yleinen {n}\n\n" + " ".join(common) + " suo."
    tmp = tmp_path_factory.mktemp("wild")
    build_index(write_files(tmp / "seeds", files), tmp / "index")
    return tmp / "index"


def test_a_wildcard_stands_for_its_most_common_words_and_says_so(many_words_index: Path) -> None:
    result = search(many_words_index, "val*")
    assert result.notices == [
        f"'val*' matches too many words; the {MAX_WILDCARD_TERMS} most common of them were "
        "searched."
    ]
    # The common words are kept, so every document that has them is found.
    assert {h.id for h in search(many_words_index, "val* suo").hits} >= {"c0.txt"}
    assert search(many_words_index, "valxa*").notices == []
    assert search(many_words_index, "valxa*").total == 20


def test_a_query_out_of_time_returns_what_it_found_flagged_partial(
    many_words_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A phrase is matched document at a time, with the collector watching the clock.
    phrase = '"valxab valxac"'
    monkeypatch.setattr(search_module, "SEARCH_SECONDS", 0.0)
    result = search(many_words_index, phrase)
    assert result.partial
    assert result.notices[-1] == "The search took too long; the results are incomplete."
    monkeypatch.undo()
    result = search(many_words_index, phrase)
    assert (result.partial, result.total) == (False, 20)


WORDS = ["VATE", "sote", "kunta", "rahoitus*", "Kuntaliitto", "STM:n", "lapsi", "x"]
SYNTAX = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "(", ")", '"', "^2", "^", "*", "?", "{", "}"]
SYNTAX += ["[", "]", ":", "~", "-", "+", "'", "TO", "\\", "/", "title:", "^9999999999"]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS + SYNTAX), min_size=1, max_size=12), st.booleans())
def test_any_mix_of_words_and_operators_is_answered_or_refused(
    client, parts: list[str], spaced: bool
) -> None:
    text = (" " if spaced else "").join(parts)
    response = client.get("/api/search", query_string={"q": text})
    assert response.status_code in (200, 400), (text, response.get_data(as_text=True))
    if response.status_code == 400:
        assert response.get_json()["error"]
    else:
        json.loads(response.get_data(as_text=True), parse_constant=lambda c: 1 / 0)


@pytest.mark.parametrize("text", ["VATE VATE ANDNOT NOT VATE", "sote VATE ANDNOT NOT VATE"])
def test_a_double_negation_is_answered(client, text: str) -> None:
    # Found by the test above: Whoosh's matcher for it read past a posting list's end (500).
    response = client.get("/api/search", query_string={"q": text})
    assert response.status_code == 200, response.get_json()
