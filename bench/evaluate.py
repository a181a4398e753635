"""Measure the Finnish analyzer against the Snowball-only baseline, and the Swedish one.

    python -m bench.evaluate [--conllu F] [--paraphrases F] [--seeds DIR] [--queries F]
                             [--sv-conllu F] [--sv-seeds DIR] [--sv-queries F]
                             [--skip PART ...]
                             [--squad [--squad-dir DIR] [--sample N] [--seed N]]

Prints one table with a column per analyzer: morphology on a CoNLL-U treebank (gold lemmas),
retrieval of paraphrases, the seed queries, and the same queries over the seeds typeset as
PDFs (with the share whose results are the .txt ones), and Swedish queries of the same kind
over Swedish documents, with Snowball Swedish as their baseline; with --squad, question ->
paragraph retrieval on Finnish SQuAD 2.0 against plain BM25 (bench/squad.py). A second table
measures
Swedish morphology on a Swedish treebank: the Finnish analyzer, Snowball Swedish and the
Swedish analyzer. The time to analyse and to index news titles and leads is
`python -m bench.benchmark analyse`.
"""

import argparse
import functools
import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import Stemmer
from whoosh import index
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Or, Term

from bench import squad
from indexer import analyzer
from indexer.analysis.analyzers import analyzer_name, finnish_analyzer, snowball_analyzer
from indexer.documents.metadata import extract_date, extract_title
from indexer.search.searching import search
from indexer.writing.build import build_index
from tests import sample_documents

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The project's own seeds and its development queries over them (tests/data/README.md).
SEEDS = ROOT / "seeds"
SEED_QUERIES = ROOT / "tests" / "data" / "seed-queries.json"
# Swedish documents and queries in the seeds' style, made up for this (tests/data/README.md).
SWEDISH_SEEDS = ROOT / "tests" / "data" / "swedish-seeds"
SWEDISH_QUERIES = ROOT / "tests" / "data" / "swedish-queries.json"
SQUAD = SHARED / "eval" / "squad2-fi"
CONTENT_POS = {"NOUN", "PROPN", "ADJ", "VERB"}
_ALPHABETIC = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

Scores = dict[str, float]


def read_conllu(path: Path) -> dict[str, set[str]]:
    """Return the lowercased content-word forms of a CoNLL-U file with their gold lemmas."""
    lemmas: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 10 or not cols[0].isdigit() or cols[3] not in CONTENT_POS:
                continue
            form = cols[1].lower()
            if _ALPHABETIC.fullmatch(form):
                lemmas[form].add(cols[2].lower())
    return dict(lemmas)


def _terms(analyzer: Analyzer, text: str, mode: str) -> set[str]:
    return {t.text for t in analyzer(text, mode=mode, positions=True, chars=True)}


def _joined_runs(lemma: str) -> set[str]:
    """Return each run of adjacent parts of a compound lemma, joined: a#b#c -> a, ab, b, ..."""
    parts = [p.replace("-", "") for p in lemma.split("#")]
    return {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}


def morphology_scores(
    forms: dict[str, set[str]], analyzer: Analyzer, *, edge_compounds: bool = False
) -> Scores:
    """Score how well query forms match document forms of the same lemma.

    A query form f matches a document form g when f's query terms and g's index terms share a
    term. recall: share of the other forms of f's lemma that f matches (over f whose lemma has
    other forms). precision: share of the forms f matches that have f's lemma or a compound
    lemma with f's lemma (without '#') as a part or run of adjacent parts (over f that match
    something). head / modifier: share of compound forms (a#...#b) matched by b / by a.

    A treebank whose lemmas do not mark compound parts (Swedish-Talbanken) counts no match of
    a compound right; with edge_compounds, "precision, compounds" also counts a g whose lemma
    begins or ends with f's lemma as a compound of it, as '#' would mark it.
    """
    postings: dict[str, set[str]] = defaultdict(set)
    for form in forms:
        for term in _terms(analyzer, form, "index"):
            postings[term].add(form)

    def matches(text: str) -> set[str]:
        return set().union(*(postings.get(t, ()) for t in _terms(analyzer, text, "query")))

    by_lemma: dict[str, set[str]] = defaultdict(set)
    for form, lemmas in forms.items():
        for lemma in lemmas:
            by_lemma[lemma].add(form)
    runs = {form: set().union(*map(_joined_runs, lemmas)) for form, lemmas in forms.items()}

    def at_edge(g: str, wanted: set[str]) -> bool:
        return any(gold.startswith(w) or gold.endswith(w) for gold in forms[g] for w in wanted)

    recalls, precisions, edge_precisions = [], [], []
    for form, lemmas in forms.items():
        matched = matches(form) - {form}
        others = set().union(*(by_lemma[lemma] for lemma in lemmas)) - {form}
        if others:
            recalls.append(len(matched & others) / len(others))
        if matched:
            wanted = {lemma.replace("#", "").replace("-", "") for lemma in lemmas}
            right = {g for g in matched if forms[g] & lemmas or runs[g] & wanted}
            precisions.append(len(right) / len(matched))
            if edge_compounds:
                edge = sum(1 for g in matched - right if at_edge(g, wanted))
                edge_precisions.append((len(right) + edge) / len(matched))

    heads, modifiers = [], []
    bare_matches: dict[str, set[str]] = {}
    for form, lemmas in forms.items():
        for lemma in lemmas:
            parts = lemma.split("#")
            if len(parts) < 2:
                continue
            for share, part in ((heads, parts[-1]), (modifiers, parts[0])):
                if part not in bare_matches:
                    bare_matches[part] = matches(part)
                share.append(form in bare_matches[part])
    scores = {"recall": _mean(recalls), "precision": _mean(precisions)}
    if edge_compounds:
        return scores | {"precision, compounds": _mean(edge_precisions)}
    return scores | {"head": _mean(heads), "modifier": _mean(modifiers)}


def read_paraphrases(path: Path) -> list[tuple[str, str]]:
    """Return the (txt1, txt2) pairs labelled as paraphrases (label starting with "4")."""
    pairs = json.loads(path.read_text(encoding="utf-8"))
    return [(p["txt1"], p["txt2"]) for p in pairs if str(p["label"]).startswith("4")]


def retrieval_scores(pairs: list[tuple[str, str]], analyzer: Analyzer) -> Scores:
    """Index each txt2 as a document, query with its txt1 (all terms OR-ed, BM25F).

    Returns MRR@10, P@1 and R@10 of finding the txt2 of the pair.
    """
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=analyzer))
    with tempfile.TemporaryDirectory() as tmp:
        ix = index.create_in(tmp, schema)
        with ix.writer() as writer:
            for number, (_, document) in enumerate(pairs):
                writer.add_document(id=str(number), body=document)
        reciprocal, first, found = [], [], []
        with ix.searcher() as searcher:
            for number, (question, _) in enumerate(pairs):
                terms: dict[str, float] = {}
                for t in analyzer(question, mode="query", positions=True, chars=True):
                    terms[t.text] = max(terms.get(t.text, 0.0), t.boost)
                query = Or([Term("body", text, boost=boost) for text, boost in terms.items()])
                ids = [hit["id"] for hit in searcher.search(query, limit=10)]
                rank = ids.index(str(number)) + 1 if str(number) in ids else 0
                reciprocal.append(1 / rank if rank else 0.0)
                first.append(rank == 1)
                found.append(rank > 0)
    return {"MRR@10": _mean(reciprocal), "P@1": _mean(first), "R@10": _mean(found)}


def seed_scores(seeds: Path, queries: Path, analyzer: Analyzer) -> Scores:
    """Build the real index of the seed documents and run the seed queries through search.

    Each query names file-name prefixes that must be found (rel) and optionally the one that
    must come first (top). Returns mean recall, precision and top-1 accuracy.
    """
    recalls, precisions, tops = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        build_index(seeds, Path(tmp), analyzer=analyzer)
        for case in json.loads(queries.read_text(encoding="utf-8")):
            ids = [hit.id for hit in search(Path(tmp), case["q"], limit=50).hits]
            relevant = [i for i in ids if any(i.startswith(p) for p in case["rel"])]
            recalls.append(len(relevant) / len(case["rel"]))
            precisions.append(len(relevant) / len(ids) if ids else 0.0)
            if "top" in case:
                tops.append(bool(ids) and ids[0].startswith(case["top"]))
    return {"recall": _mean(recalls), "precision": _mean(precisions), "top-1": _mean(tops)}


def _seed_hits(index_dir: Path, queries: Path) -> list[tuple[dict, list[str]]]:
    """Run each seed query on an index; return the case and the ranked file-name stems."""
    found = []
    for case in json.loads(queries.read_text(encoding="utf-8")):
        hits = search(index_dir, case["q"], limit=50).hits
        found.append((case, [Path(hit.id).stem for hit in hits]))
    return found


def write_seed_pdfs(seeds: Path, target: Path) -> list[str]:
    """Write each .txt seed as a PDF typeset as offices print: lines broken and hyphenated,
    a running header, "Sivu N (M)" footers; return the names written.

    The PDF's metadata gives the title and date the .txt yields, as a word processor's
    export would.
    """
    names = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        raw = sample_documents.pdf_bytes(
            sample_documents.text_pages(text),
            title=extract_title(text),
            created=extract_date(text),
            header="Sote-uudistuksen asiakirjat",
        )
        sample_documents.write(target / f"{path.stem}.pdf", raw)
        names.append(f"{path.stem}.pdf")
    return names


def pdf_seed_scores(seeds: Path, queries: Path, analyzer: Analyzer) -> Scores:
    """Run the seed queries over the seeds as .txt and as PDFs; return the PDFs' recall,
    precision and top-1, and the share of queries whose ranked results are the .txt ones."""
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = Path(tmp) / "pdf"
        write_seed_pdfs(seeds, pdfs)
        build_index(seeds, Path(tmp) / "txt-index", analyzer=analyzer)
        build_index(pdfs, Path(tmp) / "pdf-index", analyzer=analyzer)
        as_text = _seed_hits(Path(tmp) / "txt-index", queries)
        as_pdf = _seed_hits(Path(tmp) / "pdf-index", queries)
    recalls, precisions, tops, same = [], [], [], []
    for (case, ids), (_, text_ids) in zip(as_pdf, as_text, strict=True):
        relevant = [i for i in ids if any(i.startswith(p) for p in case["rel"])]
        recalls.append(len(relevant) / len(case["rel"]))
        precisions.append(len(relevant) / len(ids) if ids else 0.0)
        if "top" in case:
            tops.append(bool(ids) and ids[0].startswith(case["top"]))
        same.append(ids == text_ids)
    return {
        "recall": _mean(recalls),
        "precision": _mean(precisions),
        "top-1": _mean(tops),
        "same as .txt": _mean(same),
    }


class SwedishSnowballFilter(Filter):
    """Replace each token's text with its Snowball Swedish stem: the Swedish baseline."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("swedish")

    # Pickled with an index's schema: the native stemmer is made again on load.
    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._stemmer = Stemmer.Stemmer("swedish")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterable[Token]) -> Iterable[Token]:
        for t in tokens:
            t.text = self._stemmer.stemWord(t.text)
            yield t


def swedish_seed_scores(
    seeds: Path, queries: Path, finnish: Analyzer, swedish: Analyzer, *, k: int = 10
) -> Scores:
    """Build the real index of Swedish documents, with an analyzer for each language, and run
    queries in the seed queries' form through search; return MRR@k, recall@k, precision@k
    and top-1."""
    reciprocal, recalls, precisions, tops = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        build_index(seeds, Path(tmp), analyzer=finnish, swedish=swedish)
        for case in json.loads(queries.read_text(encoding="utf-8")):
            ids = [hit.id for hit in search(Path(tmp), case["q"], limit=k).hits]
            relevant = [i for i in ids if any(i.startswith(p) for p in case["rel"])]
            rank = next((n for n, i in enumerate(ids, 1) if i in relevant), 0)
            reciprocal.append(1 / rank if rank else 0.0)
            recalls.append(len(relevant) / len(case["rel"]))
            precisions.append(len(relevant) / len(ids) if ids else 0.0)
            if "top" in case:
                tops.append(bool(ids) and ids[0].startswith(case["top"]))
    return {
        "MRR@10": _mean(reciprocal),
        "recall@10": _mean(recalls),
        "precision@10": _mean(precisions),
        "top-1": _mean(tops),
    }


def snowball_swedish() -> Analyzer:
    """Return the Swedish baseline analyzer: tokens, lowercase, Snowball Swedish stem."""
    return RegexTokenizer() | LowercaseFilter() | SwedishSnowballFilter()


def swedish_table(path: Path) -> str:
    """Return the table of Swedish morphology on a treebank: the Finnish analyzer as every
    text was analysed before, Snowball Swedish and the Swedish analyzer."""
    forms = read_conllu(path)
    analyzers = {
        analyzer_name(finnish_analyzer()): finnish_analyzer(),
        "snowball-sv": snowball_swedish(),
        "simplemma": analyzer("sv"),
    }
    score = functools.partial(morphology_scores, forms, edge_compounds=True)
    results = [score(a) for a in analyzers.values()]
    section = Section(
        f"Swedish morphology ({len(forms)} forms)", {m: [r[m] for r in results] for m in results[0]}
    )
    return format_table(list(analyzers), [section])


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


@dataclass
class Section:
    title: str
    rows: dict[str, list[float]]


def format_table(names: list[str], sections: list[Section]) -> str:
    """Lay out sections of metric rows with one column per analyzer."""
    width = max(12, *(len(n) for n in names))
    lines = [f"{'':<22}" + "".join(f"{n:>{width}}" for n in names)]
    for section in sections:
        lines.append(section.title)
        for metric, values in section.rows.items():
            cells = "".join(f"{v:>{width}.3f}" for v in values)
            lines.append(f"  {metric:<20}{cells}")
    return "\n".join(lines)


def evaluate(args: argparse.Namespace) -> str:
    """Run every evaluation the arguments ask for and return the table."""
    analyzers = [snowball_analyzer(), finnish_analyzer()]
    names = [analyzer_name(a) for a in analyzers]
    runs: list[tuple[str, Callable[[Analyzer], Scores]]] = []
    if "morphology" not in args.skip:
        forms = read_conllu(args.conllu)
        runs.append((f"morphology ({len(forms)} forms)", lambda a: morphology_scores(forms, a)))
    if "paraphrases" not in args.skip:
        pairs = read_paraphrases(args.paraphrases)
        runs.append((f"paraphrases ({len(pairs)} pairs)", lambda a: retrieval_scores(pairs, a)))
    if "seeds" not in args.skip:
        runs.append(("seed queries", lambda a: seed_scores(args.seeds, args.queries, a)))
        if "pdf" not in args.skip:
            runs.append(
                (
                    "seed queries, seeds as PDF",
                    lambda a: pdf_seed_scores(args.seeds, args.queries, a),
                )
            )
    sections = []
    for title, run in runs:
        results = [run(a) for a in analyzers]
        sections.append(Section(title, {m: [r[m] for r in results] for m in results[0]}))
    if "seeds" not in args.skip and "swedish-seeds" not in args.skip:
        # The Swedish documents' fields get Snowball Swedish in the baseline's column and the
        # Swedish analyzer in the other, beside that column's Finnish analyzer.
        swedish = [snowball_swedish(), analyzer("sv")]
        results = [
            swedish_seed_scores(args.sv_seeds, args.sv_queries, a, sv)
            for a, sv in zip(analyzers, swedish, strict=True)
        ]
        cases = len(json.loads(args.sv_queries.read_text(encoding="utf-8")))
        title = f"Swedish seed queries ({cases}; baseline Snowball Swedish)"
        sections.append(Section(title, {m: [r[m] for r in results] for m in results[0]}))
    if args.squad:
        # Its first column is plain Whoosh BM25F over Snowball stems, not Sotehaku's search.
        count, results = squad.squad_scores(args.squad_dir, args.sample, args.seed)
        title = f"squad2-fi ({count} train questions, baseline plain BM25F)"
        sections.append(Section(title, {m: [r[m] for r in results] for m in results[0]}))
    tables = [format_table(names, sections)] if sections else []
    if "swedish" not in args.skip:
        tables.append(swedish_table(args.sv_conllu))
    return "\n\n".join(tables)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and print the evaluation table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.evaluate",
        description=__doc__,
        # The description's examples are one a line, as written.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--conllu", type=Path, default=SHARED / "eval/fi_tdt-ud-dev.conllu")
    parser.add_argument(
        "--paraphrases", type=Path, default=SHARED / "eval/turku-paraphrase-dev.json"
    )
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--sv-seeds", type=Path, default=SWEDISH_SEEDS)
    parser.add_argument("--sv-queries", type=Path, default=SWEDISH_QUERIES)
    parser.add_argument("--queries", type=Path, default=SEED_QUERIES)
    parser.add_argument(
        "--sv-conllu", type=Path, default=SHARED / "eval/sv_talbanken-ud-dev.conllu"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["morphology", "paraphrases", "seeds", "pdf", "swedish", "swedish-seeds"],
        help="leave a part out (seeds: the PDF and the Swedish seeds too)",
    )
    parser.add_argument(
        "--squad",
        action="store_true",
        help="add question -> paragraph retrieval on Finnish SQuAD 2.0 (a few minutes)",
    )
    parser.add_argument("--squad-dir", type=Path, default=SQUAD)
    parser.add_argument(
        "--sample", type=int, default=300, help="train questions to draw (0: all of them)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the questions' draw")
    args = parser.parse_args(argv)
    # The treebank and the paraphrases are the shared material's: say so when they are not
    # beside this checkout, rather than fail on a missing file halfway through the table.
    for part, path, option in (
        ("morphology", args.conllu, "--conllu"),
        ("paraphrases", args.paraphrases, "--paraphrases"),
        ("swedish", args.sv_conllu, "--sv-conllu"),
    ):
        if part not in args.skip and not path.exists():
            parser.error(f"{path} is missing: give {option} F, or --skip {part}")
    if args.squad and not (args.squad_dir / "corpus_full.jsonl").exists():
        parser.error(f"{args.squad_dir} has no corpus_full.jsonl: give --squad-dir DIR")
    if args.sample < 0:
        parser.error("--sample must be 0 (all questions) or more")
    print(evaluate(args))


if __name__ == "__main__":
    main()
