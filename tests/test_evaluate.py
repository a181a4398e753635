import json
from pathlib import Path

import pytest

from bench.evaluate import (
    main,
    morphology_scores,
    pdf_seed_scores,
    read_conllu,
    read_paraphrases,
    retrieval_scores,
    seed_scores,
    write_seed_pdfs,
)
from indexer.analysis.analyzers import finnish_analyzer, snowball_analyzer, voikko_available
from indexer.documents.pdf_text import read_pdf
from tests.conftest import SEED_QUERIES, SEEDS, needs_voikko

CONLLU = """\
# sent_id = 1
1\tTalo\ttalo\tNOUN\t_\t_\t0\troot\t_\t_
2\ttalon\ttalo\tNOUN\t_\t_\t1\tnmod\t_\t_
3\ttalossa\ttalo\tNOUN\t_\t_\t1\tnmod\t_\t_
4\tkerrostalossa\tkerros#talo\tNOUN\t_\t_\t1\tnmod\t_\t_
5\tkerros\tkerros\tNOUN\t_\t_\t1\tnmod\t_\t_
6\tja\tja\tCCONJ\t_\t_\t1\tcc\t_\t_
7\t2023\t2023\tNUM\t_\t_\t1\tnummod\t_\t_
8-9\tettei\t_\t_\t_\t_\t_\t_\t_\t_
"""

# Made up: forms of "plan", a compound whose lemma Talbanken does not mark, and "nämnd", a
# noun that simplemma's dictionary gives to the verb "nämna".
SWEDISH_CONLLU = """\
1\tplanen\tplan\tNOUN\t_\t_\t0\troot\t_\t_
2\tplaner\tplan\tNOUN\t_\t_\t1\tnmod\t_\t_
3\täldreomsorgsplan\täldreomsorgsplan\tNOUN\t_\t_\t1\tnmod\t_\t_
4\tnämnden\tnämnd\tNOUN\t_\t_\t1\tnmod\t_\t_
5\tnämnder\tnämnd\tNOUN\t_\t_\t1\tnmod\t_\t_
6\tnämna\tnämna\tVERB\t_\t_\t1\tnmod\t_\t_
"""

PARAPHRASES = [
    {"txt1": "Kokous pidettiin eilen.", "txt2": "Eilen oli kokous.", "label": "4"},
    {"txt1": "Talo paloi.", "txt2": "Talossa oli tulipalo.", "label": "4>"},
    {"txt1": "Sataa.", "txt2": "Aurinko paistaa.", "label": "2"},
]


@pytest.fixture
def conllu(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    return path


@pytest.fixture
def paraphrases(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(PARAPHRASES), encoding="utf-8")
    return path


def test_read_conllu(conllu):
    assert read_conllu(conllu) == {
        "talo": {"talo"},
        "talon": {"talo"},
        "talossa": {"talo"},
        "kerrostalossa": {"kerros#talo"},
        "kerros": {"kerros"},
    }


def test_morphology_scores_snowball(conllu):
    assert morphology_scores(read_conllu(conllu), snowball_analyzer()) == {
        "recall": 1.0,
        "precision": 1.0,
        "head": 0.0,
        "modifier": 0.0,
    }


@needs_voikko
def test_morphology_scores_voikko(conllu):
    assert morphology_scores(read_conllu(conllu), finnish_analyzer(use_voikko=True)) == {
        "recall": 1.0,
        "precision": 1.0,
        "head": 1.0,
        "modifier": 1.0,
    }


def test_retrieval_scores(paraphrases):
    pairs = read_paraphrases(paraphrases)
    assert pairs == [
        ("Kokous pidettiin eilen.", "Eilen oli kokous."),
        ("Talo paloi.", "Talossa oli tulipalo."),
    ]
    assert retrieval_scores(pairs, finnish_analyzer()) == {"MRR@10": 1.0, "P@1": 1.0, "R@10": 1.0}


def test_main_prints_both_analyzers(conllu, paraphrases, capsys):
    main(
        ["--conllu", str(conllu), "--paraphrases", str(paraphrases)]
        + ["--skip", "seeds", "--skip", "swedish"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["snowball-baseline", "voikko" if voikko_available() else "snowball"]
    assert [line.split()[0] for line in lines[1:]] == [
        "morphology",
        "recall",
        "precision",
        "head",
        "modifier",
        "paraphrases",
        "MRR@10",
        "P@1",
        "R@10",
    ]


def test_main_names_the_missing_shared_file(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--conllu", str(tmp_path / "none.conllu"), "--skip", "paraphrases"])
    assert (
        "none.conllu is missing: give --conllu F, or --skip morphology" in capsys.readouterr().err
    )


def test_seed_scores():
    scores = seed_scores(SEEDS, SEED_QUERIES, finnish_analyzer())
    assert set(scores) == {"recall", "precision", "top-1"}


def test_the_seeds_as_pdfs_find_what_the_txt_seeds_find(tmp_path):
    seeds, queries = SEEDS, SEED_QUERIES
    names = write_seed_pdfs(seeds, tmp_path)
    assert names == [f"{p.stem}.pdf" for p in sorted(seeds.glob("*.txt"))]
    # Typeset for real: words broken at line ends (PDFium's mark) and numbered pages.
    pages = [read_pdf((tmp_path / n).read_bytes(), max_pages=100).pages for n in names]
    assert any("\ufffe" in page for doc in pages for page in doc)
    assert any("Sivu 2 (" in page for doc in pages for page in doc)
    analyzer = finnish_analyzer()
    scores = pdf_seed_scores(seeds, queries, analyzer)
    assert scores.pop("same as .txt") == 1.0
    assert scores == seed_scores(seeds, queries, analyzer)


def test_swedish_table(tmp_path, capsys):
    path = tmp_path / "sv.conllu"
    path.write_text(SWEDISH_CONLLU, encoding="utf-8")
    main(
        ["--skip", "morphology", "--skip", "paraphrases", "--skip", "seeds"]
        + ["--sv-conllu", str(path)]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[1:] == ["snowball-sv", "simplemma"]
    # The Finnish analyzer conflates none of them; the Swedish one matches the compound for
    # "plan", right only when a compound at the edges counts.
    assert [line.split() for line in lines[1:]] == [
        ["Swedish", "morphology", "(6", "forms)"],
        ["recall", "0.000", "1.000", "1.000"],
        ["precision", "0.000", "1.000", "0.750"],
        ["precision,", "compounds", "0.000", "1.000", "1.000"],
    ]


def test_swedish_seed_queries_are_a_row_with_snowball_swedish_as_baseline(capsys):
    main(["--skip", "morphology", "--skip", "paraphrases", "--skip", "swedish", "--skip", "pdf"])
    lines = capsys.readouterr().out.splitlines()
    title = lines.index("Swedish seed queries (25; baseline Snowball Swedish)")
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in lines[title + 1 :]}
    assert list(rows) == ["MRR@10", "recall@10", "precision@10", "top-1"]
    # The Swedish analyzer meets inflected forms and compounds that Snowball's stems do not
    # ("ledamot" and "ledamöter", "äldreomsorg" in "äldreomsorgsplanen").
    baseline, swedish = zip(*rows.values(), strict=True)
    assert all(s >= b for s, b in zip(swedish, baseline, strict=True))
    assert rows["recall@10"][1] > rows["recall@10"][0]
