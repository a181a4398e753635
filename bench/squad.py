"""Question -> paragraph retrieval on Finnish SQuAD 2.0 (../shared/eval/squad2-fi): Sotehaku's
search against plain Whoosh BM25F over Snowball stems, both over the same paragraphs.

Each question's relevant document is the paragraph it was written about. The paragraphs are
indexed once per run in a temporary folder: as the files of a seeds folder by a Sotehaku build,
and as plain Whoosh documents (body only, as the paragraphs have no titles) for the baseline,
which queries the OR of the question's stems. A sample of the train questions is drawn with a
fixed seed, so that two runs of the same sample compare.
"""

import json
import math
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Or, Term

from indexer.analysis.analyzers import finnish_analyzer, snowball_analyzer
from indexer.search.searching import MAX_LIMIT, search
from indexer.writing.build import build_index

# Ranks the metrics look at: MRR and nDCG of the first page, recall of the first and of the
# deepest page search() returns.
PAGE = 10
DEEP = MAX_LIMIT

Scores = dict[str, float]


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    relevant: frozenset[str]


def read_paragraphs(folder: Path) -> dict[str, str]:
    """Return the collection's paragraphs by document id (corpus_full.jsonl)."""
    paragraphs = {}
    with (folder / "corpus_full.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                paragraphs[row["docid"]] = row["text"]
    return paragraphs


def read_questions(folder: Path, sample: int, seed: int, split: str = "train") -> list[Question]:
    """Return a sample of the questions of a split that have judgements, drawn with a seed
    (all of them when sample is 0), in the file's order."""
    relevant: dict[str, set[str]] = defaultdict(set)
    with (folder / f"qrels_{split}.txt").open(encoding="utf-8") as lines:
        for line in lines:
            cols = line.split()
            if len(cols) == 4 and cols[3] != "0":
                relevant[cols[0]].add(cols[2])
    questions = []
    with (folder / f"queries_{split}.tsv").open(encoding="utf-8") as lines:
        for line in lines:
            qid, sep, text = line.rstrip("\n").partition("\t")
            if sep and qid in relevant and text.strip():
                questions.append(Question(qid, text, frozenset(relevant[qid])))
    if 0 < sample < len(questions):
        chosen = set(random.Random(seed).sample(range(len(questions)), sample))
        questions = [q for i, q in enumerate(questions) if i in chosen]
    return questions


def ranking_scores(ranked: Sequence[Sequence[str]], questions: Sequence[Question]) -> Scores:
    """Return MRR@10, nDCG@10 (binary gains), Recall@10 and Recall@100 of ranked document
    ids, one list per question."""
    reciprocal, ndcg, recall_page, recall_deep = [], [], [], []
    for ids, question in zip(ranked, questions, strict=True):
        wanted = question.relevant
        ranks = [rank for rank, docid in enumerate(ids, 1) if docid in wanted]
        first = ranks[0] if ranks else 0
        reciprocal.append(1 / first if 0 < first <= PAGE else 0.0)
        gain = sum(1 / math.log2(rank + 1) for rank in ranks if rank <= PAGE)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(wanted), PAGE) + 1))
        ndcg.append(gain / ideal)
        recall_page.append(sum(1 for rank in ranks if rank <= PAGE) / len(wanted))
        recall_deep.append(sum(1 for rank in ranks if rank <= DEEP) / len(wanted))
    return {
        "MRR@10": _mean(reciprocal),
        "nDCG@10": _mean(ndcg),
        "Recall@10": _mean(recall_page),
        "Recall@100": _mean(recall_deep),
    }


def timed_runs(
    run: Callable[[str], list[str]], questions: Sequence[Question]
) -> tuple[list[list[str]], float]:
    """Run each question; return the ranked ids of each and the median time in ms."""
    ranked, took = [], []
    for question in questions:
        started = time.perf_counter()
        ranked.append(run(question.text))
        took.append((time.perf_counter() - started) * 1000)
    return ranked, statistics.median(took) if took else 0.0


def build_baseline(paragraphs: dict[str, str], index_dir: Path) -> index.Index:
    """Index the paragraphs as plain Whoosh would, with Snowball stems, body only."""
    ix = index.create_in(
        str(index_dir), Schema(id=ID(stored=True), body=TEXT(analyzer=snowball_analyzer()))
    )
    with ix.writer(limitmb=256) as writer:
        for docid, text in paragraphs.items():
            writer.add_document(id=docid, body=text)
    return ix


def baseline_ranking(ix: index.Index, questions: Sequence[Question]) -> tuple[Scores, float]:
    """Return the scores and p50 of plain BM25F over the OR of each question's stems."""
    analyzer = snowball_analyzer()
    with ix.searcher() as searcher:

        def run(text: str) -> list[str]:
            terms = dict.fromkeys(t.text for t in analyzer(text, mode="query"))
            q = Or([Term("body", term) for term in terms])
            return [hit["id"] for hit in searcher.search(q, limit=DEEP)]

        ranked, p50 = timed_runs(run, questions)
    return ranking_scores(ranked, questions), p50


def write_seeds(paragraphs: dict[str, str], seeds_dir: Path) -> None:
    """Write each paragraph as a text file named after its id."""
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for docid, text in paragraphs.items():
        (seeds_dir / f"{docid}.txt").write_text(text, encoding="utf-8")


def sotehaku_ranking(index_dir: Path, questions: Sequence[Question]) -> tuple[Scores, float]:
    """Return the scores and p50 of Sotehaku's search, each question typed as it is."""

    def run(text: str) -> list[str]:
        return [hit.id.removesuffix(".txt") for hit in search(index_dir, text, limit=DEEP).hits]

    ranked, p50 = timed_runs(run, questions)
    return ranking_scores(ranked, questions), p50


def squad_scores(folder: Path, sample: int, seed: int) -> tuple[int, list[Scores]]:
    """Index the collection both ways and run a sample of the train questions on each;
    return the number of questions and the scores of the baseline and of Sotehaku, with
    their query p50 in ms."""
    paragraphs = read_paragraphs(folder)
    questions = read_questions(folder, sample, seed)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "baseline").mkdir()
        baseline = build_baseline(paragraphs, Path(tmp) / "baseline")
        scores, p50 = baseline_ranking(baseline, questions)
        results.append({**scores, "p50 ms": p50})
        write_seeds(paragraphs, Path(tmp) / "seeds")
        build_index(Path(tmp) / "seeds", Path(tmp) / "index", analyzer=finnish_analyzer())
        scores, p50 = sotehaku_ranking(Path(tmp) / "index", questions)
        results.append({**scores, "p50 ms": p50})
    return len(questions), results


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
