"""Questions typed as queries: a question mark that ends a word or stands alone is
punctuation, not a one-letter wildcard."""

from pathlib import Path

import pytest
from whoosh import query

from indexer.search.query import QueryError, parse, without_question_marks
from indexer.search.searching import search
from indexer.store import searchers


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kuka omaksui roomalaisen kielen ?", "Kuka omaksui roomalaisen kielen "),
        ("Kuka omaksui roomalaisen kielen?", "Kuka omaksui roomalaisen kielen"),
        ("Mitä VATE tekee?!", "Mitä VATE tekee!"),
        ("Miksi??? Siksi.", "Miksi Siksi."),
        ("(VATE OR sote?)", "(VATE OR sote)"),
        ('"sote-uudistus?"', '"sote-uudistus"'),
        ("ما هو؟", "ما هو"),
        ("?", ""),
        ("mal?i", "mal?i"),
        ("?ote", "?ote"),
        ("a?*", "a?*"),
    ],
)
def test_question_marks_that_end_a_word_are_left_out(text: str, expected: str) -> None:
    assert without_question_marks(text) == expected


def test_a_question_finds_what_its_words_find(seed_index: Path) -> None:
    words = search(seed_index, "Mitä VATE kartoittaa")
    assert words.total > 0
    for question in ("Mitä VATE kartoittaa?", "Mitä VATE kartoittaa ?", "Mitä VATE kartoittaa؟"):
        asked = search(seed_index, question)
        assert (ids(asked), asked.mode, asked.total) == (ids(words), words.mode, words.total)


def test_a_question_that_no_document_answers_whole_falls_back_to_any_word(
    seed_index: Path,
) -> None:
    result = search(seed_index, "Kuka omaksui roomalaisen kielen VATE ?")
    assert result.mode == "any"
    assert result.total > 0


def test_a_question_mark_inside_a_word_is_still_a_wildcard(seed_index: Path) -> None:
    with searchers.live_searcher(seed_index) as (_, searcher):
        q = parse(searcher.schema, "kart?ittaa kysely?")
    assert [type(leaf) for leaf in q.leaves() if leaf.field() == "body"] == [
        query.Wildcard,
        query.Term,
    ]


@pytest.mark.parametrize("text", ["?", " ? ", "???", "؟"])
def test_a_lone_question_mark_is_a_query_without_words(seed_index: Path, text: str) -> None:
    with pytest.raises(QueryError, match="no words that can be searched for"):
        search(seed_index, text)


def test_the_api_and_the_page_answer_a_question(client) -> None:
    response = client.get("/api/search", query_string={"q": "Mitä VATE kartoittaa?"})
    assert response.status_code == 200
    assert response.get_json()["total"] > 0
    response = client.get("/api/search", query_string={"q": "?"})
    assert response.status_code == 400
    # The default language is Finnish: "The query has no words that can be searched for."
    assert response.get_json()["error"] == "Haussa ei ole sanoja, joilla voisi hakea."
    page = client.get("/", query_string={"q": "?"})
    assert page.status_code == 400
    assert "Haussa ei ole sanoja, joilla voisi hakea." in page.get_data(as_text=True)


def _body_terms(q) -> set[str]:
    return {leaf.text for leaf in q.leaves() if leaf.field() == "body"}


def test_the_any_word_fallback_leaves_function_words_out(seed_index: Path) -> None:
    with searchers.live_searcher(seed_index) as (_, searcher):
        schema = searcher.schema
        every = parse(schema, "Mitä VATE on?")
        fallback = parse(schema, "Mitä VATE on?", any_word=True)
        alone = parse(schema, "Mitä se on?", any_word=True)
    assert {"mikä", "vate", "olla"} <= _body_terms(every)
    assert _body_terms(fallback) == {"vate"}
    # A query of function words only keeps them.
    assert {"mikä", "se", "olla"} <= _body_terms(alone)


def test_a_question_ranked_on_any_word_ranks_by_its_content_words(seed_index: Path) -> None:
    asked = search(seed_index, "Milloin VATE kokoontui Kuopiossa?")
    assert asked.mode == "any"
    assert ids(asked) == ids(search(seed_index, "VATE kokoontui Kuopiossa ?"))
