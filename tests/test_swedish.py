import doctest
import pickle

import pytest

import indexer
import indexer.analysis.languages
import indexer.analysis.swedish
from indexer.analysis.analyzers import terms_by_position
from indexer.analysis.languages import analysis_name


@pytest.fixture(scope="module")
def swedish():
    return indexer.analyzer("sv")


def test_doctests():
    for module in (indexer.analysis.swedish, indexer.analysis.languages):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Base forms from the dictionary, across inflection.
        (
            "välfärdsnämndens budgeten",
            [("välfärdsnämnd", 1.0), ("välfärd", 0.5), ("nämnd", 0.5), ("budget", 1.0)],
        ),
        ("kommunerna", [("kommun", 1.0)]),
        # A noun in -d and a participle are words of their own, not forms of a verb.
        ("nämnden", [("nämnd", 1.0)]),
        ("kommande", [("kommande", 1.0)]),
        # Acronyms with a Swedish case ending.
        ("THL:s FPA:s FPAs", [("thl", 1.0), ("fpa", 1.0), ("fpa", 1.0)]),
        # Compounds: the whole word, its parts below it, the linking -s- left out.
        (
            "välfärdsområdet",
            [("välfärdsområde", 1.0), ("välfärd", 0.5), ("område", 0.5)],
        ),
        (
            "äldreomsorgsplanen",
            [
                ("äldreomsorgsplan", 1.0),
                ("äldreomsorg", 0.5),
                ("plan", 0.5),
                ("äldre", 0.5),
                ("omsorg", 0.5),
            ],
        ),
        # Short pieces do not split a plain word.
        ("förslag kommun", [("förslag", 1.0), ("kommun", 1.0)]),
        # A word the dictionary does not know has its Snowball Swedish stem.
        ("hyvinvointialueerna", [("hyvinvointialue", 1.0)]),
        ("2023", [("2023", 1.0)]),
    ],
)
def test_index_terms(swedish, text, expected):
    found = [
        (t.text, t.boost)
        for t in swedish(text, mode="index", positions=True, boosts=True)
        if not t.text.startswith("=")
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A query word looks for its base forms and its short written form, not its parts.
        ("välfärdsområdet", [{"välfärdsområde": 1.0}]),
        ("planen", [{"plan": 1.0, "=planen": 0.5}]),
        # A past tense that the dictionary gives as a participle looks for the verb too.
        ("fattade", [{"fattad": 0.5, "fatta": 0.5, "=fattade": 0.5}]),
        # Phrases keep one position a word.
        (
            "äldreomsorgen i Närpes",
            [{"äldreomsorg": 1.0}, {"i": 1.0}, {"närp": 1.0, "=närpes": 0.5}],
        ),
    ],
)
def test_query_terms(swedish, text, expected):
    assert list(terms_by_position(swedish, text, "query").values()) == expected


def test_analyzer_of_each_language():
    assert analysis_name(indexer.analyzer("sv")) == "simplemma"
    assert analysis_name(indexer.analyzer("fi")) in {"voikko", "snowball"}
    with pytest.raises(ValueError, match="'fi' or 'sv'"):
        indexer.analyzer("en")


def test_swedish_analyzer_survives_pickling(swedish):
    # The schema pickles it by stable names (indexer._PERSISTED), without the dictionary.
    data = pickle.dumps(swedish)
    assert b"simplemma" not in data
    assert b"SwedishMorphology" in data
    copy = pickle.loads(data)
    assert [t.text for t in copy("nämnden", mode="query")] == ["nämnd", "=nämnden"]


def test_stop_words_are_swedish_function_words():
    assert {"och", "för", "att", "som"} <= indexer.analysis.swedish.STOP_WORDS
    assert not {"vård", "nämnd", "sote"} & indexer.analysis.swedish.STOP_WORDS
