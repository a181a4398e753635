import doctest
import importlib
import pickle
import threading

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema

import indexer.analysis.analyzers
import indexer.analysis.compounds
import indexer.analysis.lemmas
import indexer.analysis.lexicon
import indexer.analysis.morphology
import indexer.analysis.voikko
import indexer.analysis.wordcache
import indexer.analysis.words
from indexer.analysis.analyzers import (
    AnalysisUnavailable,
    analyzer_name,
    finnish_analyzer,
    mine_abbreviations,
    snowball_analyzer,
    terms_by_position,
    voikko_available,
)
from indexer.search.query import parse
from tests.conftest import ROOT, needs_voikko


def positions(analyzer, text: str, mode: str) -> list[set[str]]:
    """Return the term texts at each position, without the marked written forms."""
    found = terms_by_position(analyzer, text, mode)
    assert list(found) == list(range(len(found))), "positions must be consecutive"
    return [{term for term in terms if not term.startswith("=")} for terms in found.values()]


@pytest.fixture(scope="module")
def voikko_analyzer():
    if not voikko_available():
        pytest.skip("Voikko (Debian: libvoikko1 voikko-fi) is not installed")
    return finnish_analyzer(use_voikko=True)


@needs_voikko
@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        # Hyphenated compounds: the whole word and, when indexing, its parts.
        ("sote-uudistukseen", "index", [{"soteuudistus", "sote", "uudistus"}]),
        ("sote-uudistukseen", "query", [{"soteuudistus"}]),
        ("soteuudistuksen", "query", [{"soteuudistus"}]),
        # Abbreviations with a case ending, with and without a colon.
        ("STM:n EU:ssa VATE:n", "query", [{"stm"}, {"eu"}, {"vate"}]),
        ("VATEa VATEn", "query", [{"vate"}, {"vate"}]),
        # The hyphen of an elided compound is not a word.
        ("lasten- ja nuorten", "query", [{"lapsi"}, {"ja"}, {"nuori"}]),
        (
            "sote-keskus- ja Toimeksi-hankkeista",
            "query",
            [{"sotekeskus"}, {"ja"}, {"toimeksihanke"}],
        ),
        # Numbers and dates stay searchable.
        ("vuonna 2023 1.7.2021.", "query", [{"vuosi"}, {"2023"}, {"1.7.2021"}]),
        # Lemmas: every analysis of an ambiguous word.
        ("tuli", "query", [{"tulla", "tuli"}]),
        ("kokouksessa Kaustisen", "query", [{"kokous"}, {"kaustinen"}]),
        # Compound parts from the base form's structure, lemmatized; no derivation bases.
        ("rahoitusmallin", "index", [{"rahoitusmalli", "rahoitus", "malli"}]),
        (
            "valinnanvapauspilottien",
            "index",
            [
                {"valinnanvapauspilotti", "valinta", "valinnanvapaus", "vapaus"}
                | {"vapauspilotti", "pilotti"}
            ],
        ),
        # A lexicalized compound is one piece: "kunta" and "Kuntaliitto" do not find a region.
        ("maakuntaliiton", "index", [{"maakuntaliitto", "maakunta", "liitto"}]),
        ("maakunnassa", "index", [{"maakunta"}]),
        ("yhteiskunnan", "index", [{"yhteiskunta"}]),
        # Unknown words: Snowball stem, or a lexicon word.
        ("Soiten", "query", [{"soite"}]),
        # Acronyms and long forms, both ways, when indexing.
        ("VATE", "index", [{"vate", "väliaikainen", "valmistelutoimielin"}]),
        ("STM", "index", [{"stm", "sosiaali", "terveysministeriö"}]),
    ],
)
def test_terms(voikko_analyzer, text, mode, expected):
    assert positions(voikko_analyzer, text, mode) == expected


@needs_voikko
def test_long_form_adds_acronym_at_its_last_word(voikko_analyzer):
    terms = positions(voikko_analyzer, "Sosiaali- ja terveysministeriöstä", "index")
    assert [len(terms), "stm" in terms[2]] == [3, True]


@needs_voikko
def test_derivation_base_is_not_a_part(voikko_analyzer):
    assert "rahoittaa" not in positions(voikko_analyzer, "rahoitusmalli", "index")[0]


@needs_voikko
def test_boosts(voikko_analyzer):
    tokens = voikko_analyzer("VATE rahoitusmallin mallin", mode="index")
    assert [(t.text, t.boost) for t in tokens] == [
        ("vate", 1.0),
        ("väliaikainen", 0.3),
        ("valmistelutoimielin", 0.3),
        ("rahoitusmalli", 1.0),
        ("rahoitus", 0.5),
        ("malli", 0.5),
        ("malli", 1.0),
        ("=mallin", 0.5),
    ]


@needs_voikko
def test_ambiguous_query_word_shares_its_boost(voikko_analyzer):
    assert sorted((t.text, t.boost) for t in voikko_analyzer("tuli", mode="query")) == [
        ("tuli", 0.5),
        ("tulla", 0.5),
    ]


@pytest.mark.parametrize("use_voikko", [pytest.param(True, marks=needs_voikko), False])
def test_offsets_mark_the_original_word(use_voikko):
    text = "STM:n kysely: lasten- ja sote-uudistukseen 1.7.2021. VATEa"
    words = [
        text[t.startchar : t.endchar]
        for t in finnish_analyzer(use_voikko=use_voikko)(text, chars=True, mode="index")
        if t.kind != "synonym"
    ]
    assert sorted(set(words)) == [
        "1.7.2021",
        "STM:n",
        "VATEa",
        "ja",
        "kysely",
        "lasten",
        "sote-uudistukseen",
    ]


def test_query_tokens_can_be_kept():
    tokens = list(finnish_analyzer()("kokouksessa STM:n", mode="query", positions=True))
    assert len({id(t) for t in tokens}) == len(tokens)


@pytest.mark.parametrize("use_voikko", [pytest.param(True, marks=needs_voikko), False])
def test_pickle_round_trip(use_voikko):
    analyzer = finnish_analyzer(use_voikko=use_voikko, abbreviations={"HVA": "hyvinvointialue"})
    copy = pickle.loads(pickle.dumps(analyzer))
    text = "Sosiaali- ja terveysministeriö (STM) ja VATEn kokouksessa sote-uudistus"
    assert [(t.text, t.pos, t.boost) for t in copy(text, mode="index", positions=True)] == [
        (t.text, t.pos, t.boost) for t in analyzer(text, mode="index", positions=True)
    ]
    assert analyzer_name(copy) == analyzer_name(analyzer)


def test_snowball_fallback():
    analyzer = finnish_analyzer(use_voikko=False)
    assert analyzer_name(analyzer) == "snowball"
    assert positions(analyzer, "STM:n VATEa lasten- ja sote-uudistukseen", "index") == [
        {"stm", "sosiaal", "terveysministeriö"},
        {"vate", "väliaikain", "valmistelutoimiel"},
        {"last"},
        {"ja"},
        {"soteuudistuks", "sote", "uudistuks"},
    ]


def test_analyzer_names():
    assert analyzer_name(snowball_analyzer()) == "snowball-baseline"
    assert analyzer_name(finnish_analyzer(use_voikko=False)) == "snowball"
    expected = "voikko" if voikko_available() else "snowball"
    assert analyzer_name(finnish_analyzer()) == expected


@needs_voikko
def test_voikko_index_opened_without_voikko(monkeypatch):
    pickled = pickle.dumps(finnish_analyzer(use_voikko=True))
    monkeypatch.setattr(indexer.analysis.voikko, "voikko_available", lambda: False)
    monkeypatch.setattr(indexer.analysis.voikko, "_handles", threading.local())
    monkeypatch.setattr(indexer.analysis.wordcache, "_caches", {})
    analyzer = pickle.loads(pickled)
    with pytest.raises(AnalysisUnavailable, match="rebuild"):
        list(analyzer("kokouksessa", mode="query"))


def test_voikko_required_but_missing(monkeypatch):
    monkeypatch.setattr(indexer.analysis.analyzers, "voikko_available", lambda: False)
    with pytest.raises(AnalysisUnavailable):
        finnish_analyzer(use_voikko=True)
    assert analyzer_name(finnish_analyzer()) == "snowball"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kartoittaa väliaikaisen valmistelutoimielimen (VATE) tilannetta",
            {"VATE": "väliaikaisen valmistelutoimielimen"},
        ),
        (
            "Sosiaali- ja terveysministeriö (STM) haluaa. Terveyden ja hyvinvoinnin laitos (THL)",
            {"STM": "Sosiaali- ja terveysministeriö", "THL": "Terveyden ja hyvinvoinnin laitos"},
        ),
        ("Kela (Kansaneläkelaitos) ja (x) sekä (2023)", {}),
    ],
)
def test_mine_abbreviations(text, expected):
    assert mine_abbreviations(text) == expected


DOCUMENTS = {
    "malli": "Uusi malli esiteltiin.",
    "rahoitusmalli": "Hyvinvointialueen rahoitusmalli muuttuu.",
    "stm": "STM ohjeisti alueita.",
    "ministerio": "Sosiaali- ja terveysministeriöstä kerrottiin uutisia.",
    "vate": "VATE kokoontui.",
    "valmistelu": "Väliaikaisen valmistelutoimielimen jäsenet nimettiin.",
    "kokous": "Asiasta päätettiin kokouksessa.",
    "kaustinen": "Kaustisen kunta vastasi.",
    "perhekeskus": "Rahaa perhekeskuksille.",
    "valinnanvapaus": "Valinnanvapauspilottien tulokset.",
    "sote": "Keskustelua sote-uudistuksen vaiheista.",
    "hva": "Pohjoisen HVA aloitti.",
    "tehtava": "Seuranta sote-järjestämistehtävässä.",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, voikko_analyzer):
    analyzer = finnish_analyzer(use_voikko=True, abbreviations={"HVA": "hyvinvointialue"})
    # Title and body, the fields the query parser searches; the titles are left empty.
    schema = Schema(
        id=ID(stored=True),
        title=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer, stored=True),
    )
    ix = index.create_in(tmp_path_factory.mktemp("index"), schema)
    with ix.writer() as writer:
        for name, text in DOCUMENTS.items():
            writer.add_document(id=name, body=text)
    with ix.searcher() as searcher:
        yield searcher


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("malli", ["malli", "rahoitusmalli"]),
        ("STM", ["stm", "ministerio"]),
        ("valmistelutoimielin", ["valmistelu", "vate"]),
        ("kokous", ["kokous"]),
        ("Kaustinen", ["kaustinen"]),
        ("perhekeskus", ["perhekeskus"]),
        ("valinnanvapaus", ["valinnanvapaus"]),
        ("soteuudistus", ["sote"]),
        ("sote uudistus", ["sote"]),
        ("hyvinvointialue", ["rahoitusmalli", "hva"]),
        ("järjestäminen", ["tehtava"]),
        ("rahoittaa", []),
    ],
)
def test_search(searcher, query, expected):
    hits = searcher.search(parse(searcher.schema, query), limit=None)
    assert [hit["id"] for hit in hits] == expected


def test_phrase_matches_across_inflection(searcher):
    phrase = parse(searcher.schema, '"väliaikainen valmistelutoimielin"')
    assert [hit["id"] for hit in searcher.search(phrase)] == ["valmistelu"]


@needs_voikko
@pytest.mark.parametrize(
    "module",
    [
        indexer.analysis.analyzers,
        indexer.analysis.compounds,
        indexer.analysis.lemmas,
        indexer.analysis.lexicon,
        indexer.analysis.morphology,
        indexer.analysis.voikko,
        indexer.analysis.wordcache,
        indexer.analysis.words,
    ],
    ids=lambda module: module.__name__,
)
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# Schemas pickled by the code before indexer/morphology.py was split (tests/data/README.md): an
# index holds its schema so, with each filter class by its module path.
OLD_TEXT = "Sote-uudistukseen rahoitusmallin HVA:n elämästä mallin maakuntavaltuusto"
OLD_TERMS = {
    ("voikko", "index"): [
        ("soteuudistus", 1.0),
        ("sote", 0.5),
        ("uudistus", 0.5),
        ("rahoitusmalli", 1.0),
        ("rahoitus", 0.5),
        ("malli", 0.5),
        ("hva", 1.0),
        ("hyvinvointialue", 0.3),
        ("elää", 1.0),
        ("elämä", 1.0),
        ("malli", 1.0),
        ("=mallin", 0.5),
        ("maakuntavaltuusto", 1.0),
        ("maakunta", 0.5),
        ("valtuusto", 0.5),
    ],
    ("voikko", "query"): [
        ("soteuudistus", 1.0),
        ("rahoitusmalli", 1.0),
        ("hva", 1.0),
        ("elää", 0.5),
        ("elämä", 0.5),
        ("malli", 1.0),
        ("=mallin", 0.5),
        ("maakuntavaltuusto", 1.0),
    ],
    ("snowball", "index"): [
        ("soteuudistuks", 1.0),
        ("sote", 0.5),
        ("uudistuks", 0.5),
        ("rahoitusmal", 1.0),
        ("hva", 1.0),
        ("hyvinvointialue", 0.3),
        ("eläm", 1.0),
        ("mal", 1.0),
        ("=mallin", 0.5),
        ("maakuntavaltuusto", 1.0),
    ],
    ("snowball", "query"): [
        ("soteuudistuks", 1.0),
        ("rahoitusmal", 1.0),
        ("hva", 1.0),
        ("eläm", 1.0),
        ("mal", 1.0),
        ("=mallin", 0.5),
        ("maakuntavaltuusto", 1.0),
    ],
}


def test_the_pickled_filters_are_at_their_old_paths():
    # indexer/tokenize.py was renamed words.py, lemmas.py split out of morphology.py, and all
    # of them moved into indexer/analysis/: each old path still finds the classes it held.
    old = importlib.import_module("indexer.morphology")
    assert old.LemmaFilter is indexer.analysis.lemmas.LemmaFilter
    assert old.Morphology is indexer.analysis.morphology.Morphology
    assert importlib.import_module("indexer.tokenize").FinnishTokenizer is (
        indexer.analysis.words.FinnishTokenizer
    )
    # Pickled from now on by a name no move changes.
    assert indexer.analysis.morphology.Morphology.__module__ == "indexer"


@pytest.mark.parametrize(
    ("name", "use_voikko"), [pytest.param("voikko", True, marks=needs_voikko), ("snowball", False)]
)
def test_a_schema_pickled_before_the_split_analyses_as_before(name, use_voikko):
    raw = (ROOT / "tests" / "data" / f"schema-{name}.pickle").read_bytes()
    assert b"indexer.morphology\nLemmaFilter" in raw
    assert b"indexer.tokenize\nFinnishTokenizer" in raw
    analyzer = pickle.loads(raw)["body"].analyzer
    now = finnish_analyzer(use_voikko=use_voikko, abbreviations={"HVA": "hyvinvointialue"})
    assert analyzer == now
    for mode in ("index", "query"):
        terms = [(t.text, round(t.boost, 3)) for t in analyzer(OLD_TEXT, mode=mode)]
        assert terms == OLD_TERMS[(name, mode)]


def test_an_empty_text_has_no_terms():
    assert list(finnish_analyzer()("", mode="query")) == []
    assert list(finnish_analyzer()("", mode="index")) == []
