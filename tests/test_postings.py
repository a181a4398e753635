"""Postings written as varints read back as Whoosh's own formats read theirs."""

import doctest
import random
from pathlib import Path

import pytest
from whoosh import index
from whoosh.formats import Characters, Positions

import indexer.codec.blocks
import indexer.codec.postings
import indexer.codec.term_entries
import indexer.codec.varints
from indexer.analysis.analyzers import finnish_analyzer
from indexer.codec.postings import VarintCharacters, VarintPositions
from indexer.store.schema import make_codec, make_schema


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


@pytest.mark.parametrize(
    "module",
    [
        indexer.codec.postings,
        indexer.codec.term_entries,
        indexer.codec.varints,
        indexer.codec.blocks,
    ],
)
def test_docstring_examples(module) -> None:
    assert doctest.testmod(module).failed == 0


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


def _postings(reader, fieldname: str) -> dict[bytes, list]:
    found = {}
    for term in reader.lexicon(fieldname):
        m = reader.postings(fieldname, term)
        rows = []
        while m.is_active():
            # A field without values (an ID) gives None from a block, "" from inline.
            rows.append((m.id(), m.weight(), m.value() or None))
            m.next()
        info = reader.term_info(fieldname, term)
        stats = (info.doc_frequency(), info.weight(), info.max_weight())
        found[term] = [stats, (info.min_id(), info.max_id()), rows]
    return found


def test_inlined_entries_read_back_what_plain_w3_blocks_give(tmp_path: Path) -> None:
    # The same documents, once with W3's own codec (every term in a block) and once with
    # rare terms inlined: every term's postings, weights, values and statistics must agree.
    analyzer = finnish_analyzer()
    rnd = random.Random(7)
    common = ["sote", "uudistus", "rahoitusmalli", "STM:n", "kokouksessa", "lain", "VATEa"]
    rare = [f"Kaustisen{n}" for n in range(40)] + ["Pre-Vate", "VATE-aikaa", "hyvinvointialue"]
    docs = [
        " ".join(rnd.choice(common if rnd.random() < 0.8 else rare) for _ in range(30))
        for _ in range(60)
    ]
    readers = []
    for name, codec in (("w3", None), ("ours", make_codec())):
        (tmp_path / name).mkdir()
        ix = index.create_in(str(tmp_path / name), make_schema(analyzer))
        writer = ix.writer(codec=codec) if codec else ix.writer()
        with writer:
            for number, text in enumerate(docs):
                writer.add_document(id=str(number), title=text[:40], body=text)
        readers.append(ix.reader())
    plain, inlined = readers
    try:
        infos = [inlined.term_info("body", t) for t in inlined.lexicon("body")]
        assert any(i.is_inlined() for i in infos) and not all(i.is_inlined() for i in infos)
        for fieldname in ("id", "title", "body"):
            assert _postings(inlined, fieldname) == _postings(plain, fieldname)
    finally:
        plain.close()
        inlined.close()


def test_a_term_found_once_costs_a_few_bytes() -> None:
    info = indexer.codec.term_entries.CompactTermInfo()
    info._df, info._weight, info._maxweight, info._minid, info._maxid = 1, 1.0, 1.0, 41, 41
    info._minlength = info._maxlength = 12
    info.set_inlined([41], [1.0], [b"\x01\x00"])
    entry = info.to_bytes()
    # W3's fixed header (23 bytes) and 6 for the posting, against 73 for W3's pickle.
    assert len(entry) == 23 + 6
    back = indexer.codec.term_entries.CompactTermInfo.from_bytes(entry)
    assert back.inlined_postings() == ((41,), (1.0,), (b"\x01\x00",))
    assert (back.doc_frequency(), back.min_length(), back.max_length()) == (1, 12, 12)


def test_entries_inlined_by_w3_itself_still_read() -> None:
    from whoosh.codec.whoosh3 import W3TermInfo

    info = W3TermInfo()
    info._df, info._weight, info._maxweight, info._minid, info._maxid = 1, 2.0, 2.0, 5, 5
    info._maxlength = 3
    info.set_inlined((5,), (2.0,), (b"\x01\x02",))
    back = indexer.codec.term_entries.CompactTermInfo.from_bytes(info.to_bytes())
    assert back.inlined_postings() == ((5,), (2.0,), (b"\x01\x02",))


def _matched(reader, fieldname: str, term: str, skips: list[int]) -> list:
    m = reader.postings(fieldname, term)
    rows = []
    for target in skips:
        if not m.is_active():
            break
        m.skip_to(target)
        if m.is_active():
            rows.append((m.id(), m.weight(), m.value_as("positions")))
    return rows


@pytest.mark.parametrize("w3_blocks", [False, True])
def test_many_blocks_read_and_skip_as_whoosh_blocks_do(tmp_path: Path, w3_blocks: bool) -> None:
    # 700 documents: the common words' postings span several blocks of 128. With w3_blocks
    # the segment is written in W3's own block format, as indexes built before were.
    import whoosh.codec.whoosh3 as w3

    from indexer.codec import blocks

    analyzer = finnish_analyzer()
    rnd = random.Random(3)
    words = ["sote", "uudistus", "lapsi", "rahoitus", "kokous"]
    docs = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))) for _ in range(700)]
    readers = []
    for name, codec in (("w3", None), ("ours", make_codec())):
        (tmp_path / name).mkdir()
        ix = index.create_in(str(tmp_path / name), make_schema(analyzer))
        writer = ix.writer(codec=codec) if codec else ix.writer()
        original = blocks.BlockWriter._write_block
        if w3_blocks:
            blocks.BlockWriter._write_block = w3.W3PostingsWriter._write_block
        try:
            with writer:
                for number, text in enumerate(docs):
                    writer.add_document(id=str(number), title="", body=text)
        finally:
            blocks.BlockWriter._write_block = original
        readers.append(ix.reader())
    plain, ours = readers
    try:
        matcher = ours.postings("body", "lapsi")
        assert type(matcher) is (w3.W3LeafMatcher if w3_blocks else blocks.BlockMatcher)
        assert _postings(ours, "body") == _postings(plain, "body")
        skips = sorted(rnd.sample(range(700), 60))
        for term in words:
            assert _matched(ours, "body", term, skips) == _matched(plain, "body", term, skips)
        # Past the last document, then back to the start.
        matcher = ours.postings("body", "lapsi")
        everything = list(matcher.all_ids())
        matcher.reset()
        matcher.skip_to(everything[len(everything) // 2])
        assert matcher.id() == everything[len(everything) // 2]
        matcher.skip_to(10_000)
        assert not matcher.is_active()
        matcher.reset()
        assert list(matcher.all_ids()) == everything
        assert everything == list(plain.postings("body", "lapsi").all_ids())
    finally:
        plain.close()
        ours.close()


def test_remembered_lookups_give_what_the_file_says(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(indexer.codec.term_entries, "_LOOKUPS_KEPT", 3)
    ix = index.create_in(str(tmp_path), make_schema(finnish_analyzer()))
    with ix.writer(codec=make_codec()) as writer:
        for n, text in enumerate(["sote uudistus", "lapsi sote", "rahoitus"]):
            writer.add_document(id=str(n), title="", body=text)
    with ix.reader() as reader:
        terms = reader._terms
        assert isinstance(terms._tindex, indexer.codec.term_entries._RememberingHashReader)
        for _ in range(2):
            assert [("body", t) in reader for t in ("sote", "lapsi", "kunta", "rahoitus")] == [
                True,
                True,
                False,
                True,
            ]
            assert reader.doc_frequency("body", "sote") == 2
            assert len(terms._tindex._places) <= 3
