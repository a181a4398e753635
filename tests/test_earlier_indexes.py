"""An index built by an earlier version keeps serving and updating until the next build."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.analysis import words
from indexer.search.searching import search
from indexer.store import generations
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.conftest import ROOT, write_files


def test_an_index_without_a_later_stored_field_updates_and_gains_it(tmp_path: Path) -> None:
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    write_files(seeds, {"a.txt": "Kokous\n\nVATE kokoontui.\n"})
    build_index(seeds, index_dir)
    # As built before PDF page starts were stored.
    ix = whoosh_index.open_dir(str(generations.require_generation(index_dir)))
    with ix.writer() as writer:
        writer.remove_field("pages")
    assert "pages" not in ix.refresh().schema

    write_files(seeds, {"b.txt": "Pöytäkirja\n\nKaikuluotain hankittiin.\n"})
    report = update_index(seeds, index_dir)

    assert report.added == ["b.txt"]
    assert [hit.id for hit in search(index_dir, "kaikuluotain").hits] == ["b.txt"]
    assert [hit.id for hit in search(index_dir, "VATE").hits] == ["a.txt"]
    assert "pages" in whoosh_index.open_dir(str(generations.require_generation(index_dir))).schema


def test_an_index_that_names_the_tokenizer_by_its_old_module_opens_and_searches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    write_files(seeds, {"a.txt": "Kokous\n\nVATE kokoontui STM:n tiloissa.\n"})
    # As built before indexer/tokenize.py was renamed words.py: pickle writes a class by the
    # module its __module__ names.
    for cls in (words.FinnishTokenizer, words.CaseEndingFilter):
        monkeypatch.setattr(cls, "__module__", "indexer.tokenize")
    build_index(seeds, index_dir)
    monkeypatch.undo()
    (toc,) = generations.require_generation(index_dir).glob("*.toc")
    assert b"indexer.tokenize" in toc.read_bytes()
    assert b"indexer.words" not in toc.read_bytes()

    # A new process, so that nothing imported the old path before the index is opened.
    code = (
        "import sys; from pathlib import Path; from indexer import search_index;"
        "print([h.id for h in search_index(Path(sys.argv[1]), sys.argv[2]).hits])"
    )
    for query in ("VATE", "STM"):
        found = subprocess.run(
            [sys.executable, "-c", code, str(index_dir), query],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert found.stdout.strip() == "['a.txt']"


# An index written by the code of commit 2d6b284, before indexer/ was split into packages:
# its table of contents names the analyzer and codec classes by their old module paths.
EARLIER_INDEX = ROOT / "tests" / "data" / "index-2d6b284"


def _earlier_index(tmp_path: Path) -> tuple[Path, Path]:
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    shutil.copytree(EARLIER_INDEX / "seeds", seeds)
    shutil.copytree(EARLIER_INDEX / "index", index_dir)
    return seeds, index_dir


def _class_paths(index_dir: Path) -> set[bytes]:
    """The module paths of the classes a generation's table of contents pickles."""
    (toc,) = generations.require_generation(index_dir).glob("*.toc")
    return set(re.findall(rb"c(indexer[\w.]*)\n\w+\n", toc.read_bytes()))


def test_the_committed_earlier_index_names_the_old_module_paths(tmp_path: Path) -> None:
    _, index_dir = _earlier_index(tmp_path)
    assert _class_paths(index_dir) == {
        b"indexer.words",
        b"indexer.lemmas",
        b"indexer.morphology",
        b"indexer.lexicon",
        b"indexer.postings",
    }


def test_an_earlier_index_opens_searches_and_updates(tmp_path: Path) -> None:
    seeds, index_dir = _earlier_index(tmp_path)
    # Another process, so that nothing imported before the index is opened helps it.
    code = (
        "import sys; from pathlib import Path; from indexer import search_index;"
        "print([h.id for h in search_index(Path(sys.argv[1]), sys.argv[2]).hits])"
    )
    for query, found in (
        ("kotihoito", ["kokous.txt", "poytakirja.pdf"]),
        ("päivystykseen", ["tiedote.html"]),
        ("STM", ["kokous.txt"]),
        ('"asiakasmaksuja"', ["poytakirja.pdf"]),
    ):
        out = subprocess.run(
            [sys.executable, "-c", code, str(index_dir), query],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert sorted(ast.literal_eval(out.stdout)) == found, query

    write_files(seeds, {"uusi.txt": "Tiedote\n\nKotihoidon asiakasmaksut muuttuvat.\n"})
    (seeds / "tiedote.html").unlink()
    report = update_index(seeds, index_dir)

    assert (report.added, report.removed, report.unchanged) == (["uusi.txt"], ["tiedote.html"], 2)
    assert sorted(h.id for h in search(index_dir, "asiakasmaksu").hits) == [
        "poytakirja.pdf",
        "uusi.txt",
    ]
    assert search(index_dir, "päivystys").hits == []


def test_a_build_over_an_earlier_index_writes_todays_class_paths(tmp_path: Path) -> None:
    seeds, index_dir = _earlier_index(tmp_path)
    build_index(seeds, index_dir)
    assert _class_paths(index_dir) == {b"indexer"}
    assert [h.id for h in search(index_dir, "päivystys").hits] == ["tiedote.html"]


def test_stats_say_what_a_rebuild_of_an_earlier_index_would_give(tmp_path: Path) -> None:
    from indexer import index_stats

    seeds, index_dir = _earlier_index(tmp_path)
    said = " ".join(index_stats(index_dir).warnings)
    assert "built before Swedish analysis" in said
    assert "built before decision documents" in said
    build_index(seeds, index_dir)
    said = " ".join(index_stats(index_dir).warnings)
    assert "built before" not in said
