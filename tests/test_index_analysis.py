"""The index analysis in one loop gives exactly the postings of the analyzer's chain."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.analysis import StandardAnalyzer
from whoosh.formats import Characters, Positions

from indexer.analysis.analyzers import finnish_analyzer, snowball_analyzer
from indexer.analysis.index_mode import index_analysis
from indexer.analysis.swedish import swedish_analyzer
from indexer.codec.postings import VarintCharacters, VarintPositions
from indexer.documents.document import Document
from indexer.documents.folder import list_files
from indexer.documents.loading import load_all
from tests.conftest import SEEDS, needs_voikko
from tests.sample_documents import made_up_text

# The lexicon's short and long forms, inflected, abbreviations with case endings, elided
# compound parts, numbers, and words Voikko does not know.
TRICKY = (
    "Väliaikaisen valmistelutoimielimen (VATE) kokous. VATEa ja VATE-aikaa, Pre-Vate. "
    "Sosiaali- ja terveyspalvelujen STM:n kysely sote-uudistuksesta: soteuudistuksen "
    "rahoitusmalliin 1.7.2021 klo 10:30. Keski-Pohjanmaan sosiaali- ja "
    "terveyspalvelukuntayhtymä Soite, Soiten. Terveyden ja hyvinvoinnin laitoksen THL:n "
    "lasten- ja nuorten EU:ssa 2023:n Kaustisen kokouksessa lain mukaan. xqzv-lorem ipsum- "
)
WORDS = TRICKY.replace(".", " ").replace(",", " ").split() + ["ja", "-", "–", "A", "ää"]
ANALYZERS = {
    "curated lexicon": lambda: finnish_analyzer(),
    "mined abbreviations": lambda: finnish_analyzer(
        abbreviations={"HVA": "hyvinvointialue", "PTH": "perusterveydenhuollon yksikkö"}
    ),
    "snowball": lambda: finnish_analyzer(use_voikko=False),
}


def chain_and_loop(analyzer, text: str) -> list[tuple[list, list]]:
    """Return [(the chain's, the loop's word values)] for the body's and the title's formats."""
    pairs = []
    for ours, theirs in ((VarintCharacters(), Characters), (VarintPositions(2.5), Positions)):
        chain = list(theirs.word_values(ours, text, analyzer, mode="index"))
        pairs.append((chain, list(ours.word_values(text, analyzer, mode="index"))))
    return pairs


def seed_texts() -> list[str]:
    ids, _ = list_files(SEEDS)
    return [d.body for d in load_all(SEEDS, ids) if isinstance(d, Document)]


@pytest.mark.parametrize(
    "name",
    [pytest.param(name, marks=[] if name == "snowball" else needs_voikko) for name in ANALYZERS],
)
def test_the_loop_gives_the_chains_postings(name: str) -> None:
    analyzer = ANALYZERS[name]()
    texts = [TRICKY, TRICKY.upper(), "", "   ", "-", "VATE"] + seed_texts()
    texts += [made_up_text(200, seed=n) for n in range(20)]
    for text in texts:
        for chain, loop in chain_and_loop(analyzer, text):
            assert loop == chain, text[:80]


@needs_voikko
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from([" ", "\n", ", ", "-"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_loop_gives_the_chains_postings_for_any_words(words: list[str], gap: str) -> None:
    analyzer = finnish_analyzer()
    for chain, loop in chain_and_loop(analyzer, gap.join(words)):
        assert loop == chain


def test_other_analyzers_and_modes_keep_the_chain() -> None:
    assert index_analysis(snowball_analyzer()) is None
    assert index_analysis(swedish_analyzer() | StandardAnalyzer().items[-1]) is None
    assert index_analysis(StandardAnalyzer()) is None
    assert index_analysis(finnish_analyzer() | StandardAnalyzer().items[-1]) is None
    analyzer = finnish_analyzer()
    assert index_analysis(analyzer) is index_analysis(analyzer)
    # A query, or a list of words, goes through the chain.
    text = "VATEn kokouksessa"
    fmt = VarintCharacters()
    assert list(fmt.word_values(text, analyzer, mode="query")) == list(
        Characters.word_values(fmt, text, analyzer, mode="query")
    )


# Made up: Swedish with compounds and their linking -s-, acronyms with endings, participles,
# irregular plurals, numbers and words the dictionary does not know.
SWEDISH_TEXT = (
    "Välfärdsområdets äldreomsorgsplan godkändes. THL:s och FPA:s bedömning av "
    "närståendevården 2025: välfärdsnämnden beslöt att budgeten för hälso- och sjukvård "
    "ökar. Ledamöterna, städernas bränder, xqzv-lorem ipsum- Österbotten 1.7.2025 kl. 10:30."
)


def test_the_loop_gives_the_swedish_chains_postings() -> None:
    analyzer = swedish_analyzer()
    assert index_analysis(analyzer) is index_analysis(analyzer)
    texts = [SWEDISH_TEXT, SWEDISH_TEXT.upper(), "", "   ", "-", "och"]
    texts += [made_up_text(200, seed=n) for n in range(5)]
    for text in texts:
        pairs = chain_and_loop(analyzer, text)
        # Something to compare: a text with words has postings.
        assert bool(pairs[0][0]) == bool(text.strip(" -"))
        for chain, loop in pairs:
            assert loop == chain, text[:80]
