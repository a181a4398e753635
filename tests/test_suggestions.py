"""Suggestions while typing: written forms, function words, the last of several words, and the
word lists read as soon as a process opens a generation."""

import json
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.search.searching import search
from indexer.search.suggestions import suggest, vocabulary_counts
from indexer.search.written import written_form
from indexer.store import searchers
from indexer.writing.build import build_index
from tests.conftest import needs_voikko, write_files
from tests.server import gunicorn
from webui import create_app

# Made up: hyphenated compounds, function words in every document, a budget and its income.
DOCS = {
    "a.txt": "Muistio\n\nSote-keskus avattiin. Tai tapa on uusi, ja tapa tai toinen jatkuu.",
    "b.txt": "Muistio\n\nSote-keskuksen aukiolo. Kunta-alueen rajat tai tapa muuttuvat.",
    "c.txt": "Muistio\n\nTalousarvio ja tulot. Tulos tai talousarvio hyväksyttiin.",
    "d.txt": "Muistio\n\nTapahtuma sote-keskuksessa tai kunta-alueella.",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suggest")
    build_index(write_files(root / "seeds", DOCS), root / "index")
    return root / "index"


def texts(index_dir: Path, typed: str) -> list[str]:
    return [s.text for s in suggest(index_dir, typed, wait=True)]


@needs_voikko
def test_words_are_shown_as_written(index: Path) -> None:
    assert texts(index, "sote") == ["sote", "sote-keskus"]
    assert texts(index, "kunta") == ["kunta", "kunta-alue"]
    # Typed with the hyphen, the word is found all the same.
    assert texts(index, "kunta-a") == ["kunta-alue"]


@needs_voikko
@pytest.mark.parametrize(
    ("term", "written"),
    [
        ("kuntaalue", "kunta-alue"),
        ("työöljy", "työ-öljy"),
        ("sotekeskus", "sote-keskus"),
        ("kokoontua", "kokoontua"),  # right joined: the parts meet at a vowel by chance
        ("talousarvio", "talousarvio"),
        ("soteuudistus", "sote-uudistus"),
    ],
)
def test_a_hyphen_is_put_back_where_finnish_writes_one(term: str, written: str) -> None:
    assert written_form(term, {"keskus", "uudistus", "koko", "ontua"}, {"sote"}) == written


@needs_voikko
def test_function_words_are_not_suggested(index: Path) -> None:
    # "tai" is in every document, "tapa" (a form of "tappaa" too) in two.
    assert texts(index, "ta") == [
        "tapa", "tappaa", "talous", "talousarvio", "tapahtua", "tapahtuma",
    ]  # fmt: skip
    assert texts(index, "tai") == []


def test_the_last_of_several_words_gets_suggestions(index: Path) -> None:
    assert texts(index, "talousarvio tul") == ["talousarvio tulo", "talousarvio tulos"]
    assert texts(index, '"talousarvio  (tul') == ['"talousarvio (tulo', '"talousarvio (tulos']
    assert texts(index, "talousarvio t") == []


def test_the_lists_are_read_when_a_generation_opens(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", DOCS)
    build_index(seeds, tmp_path / "index")
    search(tmp_path / "index", "sote")
    with searchers.live_searcher(tmp_path / "index") as (_, searcher):
        first = searcher
    assert _read_soon(tmp_path / "index", first)
    # A new generation: the first search opens it, and its lists are read without a request.
    write_files(seeds, {"e.txt": "Rahoitusmalli."})
    build_index(seeds, tmp_path / "index")
    search(tmp_path / "index", "sote")
    with searchers.live_searcher(tmp_path / "index") as (_, searcher):
        second = searcher
    assert second is not first
    counts = _read_soon(tmp_path / "index", second)
    assert counts and counts["rahoitusmalli"] == 1


def _read_soon(index_dir: Path, opened) -> dict[str, int] | None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with searchers.live_searcher(index_dir) as (_, searcher):
            counts = vocabulary_counts(searcher)
        if counts is not None:
            return counts
        time.sleep(0.02)
    return None


def test_the_api_suggests_after_the_app_starts(index: Path) -> None:
    web = create_app({"TESTING": True, "INDEX_DIR": index}).test_client()
    deadline = time.monotonic() + 10
    while not (data := web.get("/api/suggest?q=talousarvio%20tul").get_json())["ready"]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert data["query"] == "talousarvio tul"
    assert [s["text"] for s in data["suggestions"]] == ["talousarvio tulo", "talousarvio tulos"]


def test_every_worker_reads_its_lists_as_it_starts(index: Path, tmp_path: Path) -> None:
    with gunicorn(index, tmp_path, workers=2) as url:
        # Long enough for both workers to read the lists of four documents, yet no request
        # has asked for them: each worker started reading on its own.
        time.sleep(3)
        answers = set()
        for _ in range(12):
            with urllib.request.urlopen(f"{url}/api/suggest?q=sote", timeout=5) as r:
                answers.add(json.load(r)["ready"])
        assert answers == {True}
