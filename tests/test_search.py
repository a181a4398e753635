"""Searching a real index of the seeds: ranking, operators, bounds, snippets, documents."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.document_view import get_document
from indexer.search.query import MAX_QUERY_CHARS, QueryError
from indexer.search.searching import search
from indexer.store import searchers
from indexer.writing.build import build_index
from tests.conftest import write_files

S0 = "000_a240cdab87ab5ecb.txt"
S1 = "001_8cb112da170294d9.txt"
S2 = "002_6c8091ab09c9a11c.txt"


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


def test_vate_finds_the_two_documents_that_mention_it(seed_index: Path) -> None:
    result = search(seed_index, "VATE")
    assert ids(result) == [S0, S1]
    assert result.mode == "all"
    assert result.total == 2
    assert all("<mark>" in h.snippet for h in result.hits)
    assert [h.path for h in result.hits] == ["seeds/" + S0, "seeds/" + S1]


def test_hits_carry_title_date_and_score(seed_index: Path) -> None:
    hit = search(seed_index, "VATE").hits[0]
    assert hit.title == "Missä mennään? Sote-johtajien kokous 29.4.2021"
    assert hit.date == "2021-04-29"
    assert hit.score > 0


def test_all_words_are_required(seed_index: Path) -> None:
    assert ids(search(seed_index, "VATE Kuntaliitto")) == [S1]


def test_no_document_with_all_words_falls_back_to_any(seed_index: Path) -> None:
    result = search(seed_index, "Kuntaliitto qwertyzzz")
    assert result.mode == "any"
    assert ids(result) == [S1]


def test_operators_are_respected_without_fallback(seed_index: Path) -> None:
    assert search(seed_index, "VATE NOT Kuntaliitto").hits[0].id == S0
    assert ids(search(seed_index, "VATE NOT Kuntaliitto")) == [S0]
    assert search(seed_index, "qwertyzzz OR VATE").total == 2
    nothing = search(seed_index, "VATE AND qwertyzzz")
    assert (nothing.total, nothing.mode) == (0, "all")
    assert ids(search(seed_index, "(qwertyzzz OR Kuntaliitto) VATE")) == [S1]


def test_quoted_phrase_needs_the_words_together(seed_index: Path) -> None:
    assert set(ids(search(seed_index, '"sote-johtajien kokous"'))) == {S0, S1}
    assert search(seed_index, '"kokous sote-johtajien"').total == 0


def test_prefix_wildcard(seed_index: Path) -> None:
    assert S0 in ids(search(seed_index, "rahoitus*"))


@pytest.mark.parametrize(
    "query, message",
    [
        ("*sote", "at least 3 letters"),
        ("so*", "at least 3 letters"),
        ("?ote", "at least 3 letters"),
        ("*", "at least 3 letters"),
        ("*:*", "at least 3 letters"),
        ("x" * (MAX_QUERY_CHARS + 1), "too long"),
        ("   ", "Type a word"),
        ('"', "no words"),
        ("()", "no words"),
    ],
)
def test_bad_or_expensive_queries_get_a_clear_message(
    seed_index: Path, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        search(seed_index, query)


@pytest.mark.parametrize("query", ["title:VATE", "[a TO z]", "sote~2", "VATE^3", "a:b:c"])
def test_field_range_and_fuzzy_syntax_is_plain_text(seed_index: Path, query: str) -> None:
    search(seed_index, query)


def test_paging(seed_index: Path) -> None:
    first = search(seed_index, "VATE", limit=1)
    second = search(seed_index, "VATE", page=2, limit=1)
    assert (first.total, second.total, first.pages) == (2, 2, 2)
    assert ids(first) + ids(second) == [S0, S1]
    assert search(seed_index, "VATE", page=50, limit=1).hits == []


def test_document_page_marks_the_inflected_words(seed_index: Path) -> None:
    doc = get_document(seed_index, S1, "VATE")
    assert doc is not None
    assert "<mark>VATEa</mark>" in doc.body_html
    assert get_document(seed_index, "../seeds/" + S1) is None
    assert get_document(seed_index, "/etc/passwd") is None


def test_markup_in_documents_and_queries_is_escaped(tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"x.txt": "Otsikko <b>lihava</b>\n\nTeksti <script>alert(1)</script> ja VATE & muut."},
    )
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    hit = search(index_dir, "VATE").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet
    assert "<mark>VATE</mark> &amp; muut" in hit.snippet
    assert hit.title == "Otsikko <b>lihava</b>"  # stored as text; templates escape it
    doc = get_document(index_dir, "x.txt", "<script>")
    assert "<script>" not in doc.body_html


def test_to_json_has_the_api_schema(seed_index: Path) -> None:
    data = search(seed_index, "VATE").to_json()
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
    assert list(data["hits"][0]) == [
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


PLAIN_QUERIES = [
    "VATE",
    "  sote-uudistus  ",
    "STM:n kysely",
    "hyvinvointialueen\trahoitus\n2021",
    "NOTE ANDORRA and or not",
    "Åland, Pohjois-Savo; 12.5.2021!",
    "sote\u00a0uudistus",
    "VATE AND sote NOT Soite",
]


def test_only_queries_of_words_and_whitespace_skip_the_taggers() -> None:
    from indexer.search.query import _only_whitespace_syntax

    assert _only_whitespace_syntax("STM:n kysely, 2021")
    for text in ("VATE AND sote", "NOT VATE", "rahoitus*", '"sote uudistus"', "(VATE)", "x^2"):
        assert not _only_whitespace_syntax(text)


def _tagged_both_ways(schema, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    from indexer.search import query

    fast = query.FinnishQueryParser(schema)
    quick = (repr(fast.tag(text)), fast.parse(text))
    with monkeypatch.context() as m:
        m.setattr(query, "_only_whitespace_syntax", lambda text: False)
        slow = query.FinnishQueryParser(schema)
        return quick, (repr(slow.tag(text)), slow.parse(text))


@pytest.mark.parametrize("text", PLAIN_QUERIES)
def test_plain_queries_are_tagged_as_whooshs_loop_tags_them(
    seed_index: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with searchers.live_searcher(seed_index) as (_, searcher):
        quick, slow = _tagged_both_ways(searcher.schema, text, monkeypatch)
    assert quick == slow


@given(
    text=st.text(
        alphabet=st.characters(blacklist_characters="'*?\u055e\u061f\u1367()^\"", codec="utf-8"),
        max_size=40,
    )
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_without_syntax_is_tagged_as_whooshs_loop_tags_it(
    seed_index: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    with searchers.live_searcher(seed_index) as (_, searcher):
        try:
            quick, slow = _tagged_both_ways(searcher.schema, text, monkeypatch)
        except Exception as e:  # noqa: BLE001 - both ways must then fail alike
            with pytest.raises(type(e)):
                _tagged_both_ways(searcher.schema, text, monkeypatch)
            return
    assert quick == slow


@pytest.mark.parametrize("limit", [1, 2, 3, 20_000])
def test_a_wildcard_reads_its_words_segment_by_segment_as_the_index_lists_them(
    tmp_path: Path, limit: int
) -> None:
    from indexer.search.wildcards import _prefix_words
    from indexer.writing.update import update_index

    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nrahoitus rahoitusmalli"})
    build_index(seeds, tmp_path / "index")
    write_files(seeds, {"b.txt": "Toinen\n\nrahoitusmalli rahoituskehys rahoitus"})
    update_index(seeds, tmp_path / "index")
    with searchers.live_searcher(tmp_path / "index") as (_, searcher):
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == 2
        merged = list(reader.iter_prefix("body", "rahoitus"))
        expected = [(t, i.doc_frequency()) for t, i in merged[:limit]]
        assert _prefix_words(reader, "body", "rahoitus", limit) == (expected, len(merged) <= limit)


def test_a_snippet_does_not_repeat_a_sentence(tmp_path: Path) -> None:
    filler = " ".join(["Muuta asiaa käsiteltiin pitkään ilman päätöksiä."] * 4)
    decision = "Rahoitusmalli hyväksyttiin yksimielisesti."
    text = f"Pöytäkirja\n\n{decision} {filler} {decision} {filler} Rahoitusmalli lähetettiin."
    build_index(write_files(tmp_path / "seeds", {"a.txt": text}), tmp_path / "index")
    snippet = search(tmp_path / "index", "rahoitusmalli").hits[0].snippet
    assert snippet.count("<mark>Rahoitusmalli</mark> hyväksyttiin") == 1
    assert "<mark>Rahoitusmalli</mark> lähetettiin" in snippet
