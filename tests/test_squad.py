import json
import math
from pathlib import Path

import pytest

from bench.evaluate import main
from bench.squad import Question, ranking_scores, read_questions, squad_scores

# Made-up paragraphs and questions in the layout of ../shared/eval/squad2-fi.
PARAGRAPHS = {
    "p1": "Kissa nukkui ikkunalaudalla koko iltapäivän, ja aurinko lämmitti sen turkkia.",
    "p2": "Järven jää sulaa keväällä, kun päivät pitenevät ja lumi katoaa rannoilta.",
    "p3": "Leipuri paistoi ruisleipää aamuyöllä, jotta kylän kauppa sai sen aamulla myyntiin.",
    "p4": "Junat kulkivat radalla myöhässä, koska lumimyrsky katkaisi sähköt asemalta.",
}
QUESTIONS = [
    ("q1", "Missä kissa nukkui?", ["p1"]),
    ("q2", "Milloin järven jää sulaa?", ["p2"]),
    ("q3", "Mitä leipuri paistoi aamuyöllä?", ["p3"]),
    ("q4", "Miksi junat olivat myöhässä?", ["p4"]),
    ("q5", "Mikä katkaisi sähköt?", ["p4", "p2"]),
]


@pytest.fixture
def squad_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "squad"
    folder.mkdir()
    with (folder / "corpus_full.jsonl").open("w", encoding="utf-8") as out:
        for docid, text in PARAGRAPHS.items():
            out.write(json.dumps({"docid": docid, "split": "train", "text": text}) + "\n")
    # A question without judgements is left out; a judgement of 0 is not relevant.
    (folder / "queries_train.tsv").write_text(
        "".join(f"{qid}\t{text}\n" for qid, text, _ in QUESTIONS) + "q9\tKuka?\n",
        encoding="utf-8",
    )
    (folder / "qrels_train.txt").write_text(
        "".join(f"{qid} 0 {d} 1\n" for qid, _, docs in QUESTIONS for d in docs) + "q1 0 p3 0\n",
        encoding="utf-8",
    )
    return folder


def test_read_questions(squad_dir):
    questions = read_questions(squad_dir, sample=0, seed=1)
    assert [(q.qid, q.text, sorted(q.relevant)) for q in questions] == [
        (qid, text, sorted(docs)) for qid, text, docs in QUESTIONS
    ]


def test_a_sample_is_the_same_for_the_same_seed(squad_dir):
    first = read_questions(squad_dir, sample=3, seed=7)
    assert len(first) == 3
    assert read_questions(squad_dir, sample=3, seed=7) == first
    assert read_questions(squad_dir, sample=9, seed=7) == read_questions(squad_dir, 0, 7)


def test_ranking_scores():
    questions = [
        Question("a", "", frozenset({"x"})),
        Question("b", "", frozenset({"x", "y"})),
        Question("c", "", frozenset({"z"})),
    ]
    ranked = [
        ["w", "x"],
        ["x", *(f"n{i}" for i in range(10)), "y"],
        [],
    ]
    ideal_two = 1 + 1 / math.log2(3)
    assert ranking_scores(ranked, questions) == {
        "MRR@10": pytest.approx((1 / 2 + 1) / 3),
        "nDCG@10": pytest.approx((1 / math.log2(3) + 1 / ideal_two) / 3),
        "Recall@10": pytest.approx((1 + 1 / 2) / 3),
        "Recall@100": pytest.approx((1 + 1) / 3),
    }


def test_squad_scores_both_engines_find_the_paragraphs(squad_dir):
    count, (baseline, sotehaku) = squad_scores(squad_dir, sample=0, seed=1)
    assert count == 5
    for scores in (baseline, sotehaku):
        assert scores.pop("p50 ms") > 0
        assert scores["Recall@10"] == pytest.approx(0.9)
        assert scores["MRR@10"] == 1.0


def test_main_adds_the_squad_section(squad_dir, capsys):
    skip = ["--skip", "morphology", "--skip", "paraphrases", "--skip", "seeds", "--skip", "swedish"]
    main(skip)
    assert "squad2-fi" not in capsys.readouterr().out
    main([*skip, "--squad", "--squad-dir", str(squad_dir), "--sample", "2"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "squad2-fi (2 train questions, baseline plain BM25F)"
    assert [line.split()[0] for line in lines[2:]] == [
        "MRR@10",
        "nDCG@10",
        "Recall@10",
        "Recall@100",
        "p50",
    ]


def test_main_names_a_missing_squad_folder(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(
            ["--skip", "morphology", "--skip", "paraphrases", "--squad"]
            + ["--squad-dir", str(tmp_path)]
        )
    assert f"{tmp_path} has no corpus_full.jsonl" in capsys.readouterr().err
