"""Postings written as varints read back as Whoosh's own formats read theirs."""

import doctest
import random
from pathlib import Path

import pytest
from whoosh import index
from whoosh.formats import Characters, Positions

import indexer.postings
from indexer.analysis import finnish_analyzer
from indexer.postings import VarintCharacters, VarintPositions
from indexer.schema import make_codec, make_schema


def random_postings(seed: int) -> list[tuple[int, int, int]]:
    rnd = random.Random(seed)
    pos = start = 0
    postings = []
    for _ in range(rnd.randint(1, 40)):
        pos += rnd.choice([0, 1, 2, 300])
        # A lexicon expansion may start before the end of the word before it.
        start = max(0, start + rnd.choice([-20, 0, 5, 70000]))
        postings.append((pos, start, start + rnd.randint(0, 300)))
    return postings


@pytest.mark.parametrize("seed", range(50))
def test_varint_formats_decode_as_whoosh_formats_do(seed: int) -> None:
    postings = random_postings(seed)
    positions = [p for p, _, _ in postings]
    ours, theirs = VarintCharacters(), Characters()
    value = ours.encode(postings)
    for kind in ("characters", "positions", "frequency", "position_boosts"):
        assert ours.decode_as(kind, value) == theirs.decode_as(kind, theirs.encode(postings))
    ours, theirs = VarintPositions(), Positions()
    value = ours.encode(positions)
    for kind in ("positions", "frequency", "position_boosts"):
        assert ours.decode_as(kind, value) == theirs.decode_as(kind, theirs.encode(positions))
    assert len(value) < len(theirs.encode(positions))


def test_docstring_examples() -> None:
    assert doctest.testmod(indexer.postings).failed == 0


def test_an_index_reads_back_the_offsets_the_analyzer_gave(tmp_path: Path) -> None:
    analyzer = finnish_analyzer()
    text = "Sote-uudistus etenee. Sote-uudistuksen rahoitusmalli, STM:n mukaan."
    ix = index.create_in(str(tmp_path), make_schema(analyzer))
    with ix.writer(codec=make_codec()) as writer:
        writer.add_document(id="a", title="Sote-uudistus", body=text)
    expected: dict[str, list[tuple[int, int, int]]] = {}
    for t in analyzer(text, mode="index", positions=True, chars=True):
        expected.setdefault(t.text, []).append((t.pos, t.startchar, t.endchar))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = [text.decode() for text in reader.lexicon("body")]
        assert sorted(terms) == sorted(expected)
        # Each term is in one document: the codec keeps every posting list inline.
        assert all(reader.term_info("body", term).is_inlined() for term in expected)
        for term, wanted in expected.items():
            matcher = reader.postings("body", term)
            assert matcher.value_as("characters") == wanted
            assert matcher.value_as("frequency") == len(wanted)
        title = reader.postings("title", "soteuudistus")
        assert title.value_as("positions") == [0]
