"""Measure language detection: how often a text is given the wrong language.

    python -m bench.languages [--news F] [--rows N] [--fi-conllu F] [--sv-conllu F]

Finnish news rows (title and lead, about 40 words each: the length where a name such as "Hans"
or a Roman numeral "I" can tip a count of function words), and the sentences of a Finnish and
a Swedish treebank one at a time and in runs of five. Prints the share detected wrongly in
each, and a few of the texts that were, so that a change to analysis/languages.py can be
judged on texts it was not written against.
"""

import argparse
import time
from collections.abc import Iterable
from pathlib import Path

from bench.benchmark import read_news
from indexer.analysis.languages import detect_language

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def conllu_sentences(path: Path) -> list[str]:
    """Return the text of each sentence of a CoNLL-U file (its "# text =" line)."""
    prefix = "# text = "
    with path.open(encoding="utf-8") as lines:
        return [line[len(prefix) :].strip() for line in lines if line.startswith(prefix)]


def runs(sentences: list[str], size: int) -> list[str]:
    """Join consecutive sentences into texts of `size` sentences."""
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


def wrong(texts: Iterable[str], language: str) -> tuple[int, int, list[str], float]:
    """Return how many texts were detected wrongly, of how many, examples, and seconds."""
    texts = list(texts)
    started = time.perf_counter()
    missed = [t for t in texts if detect_language(t) != language]
    return len(missed), len(texts), missed[:3], time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=Path, default=SHARED / "corpus/fi-news.csv.gz")
    parser.add_argument("--rows", type=int, default=30000)
    parser.add_argument("--fi-conllu", type=Path, default=SHARED / "eval/fi_tdt-ud-dev.conllu")
    parser.add_argument(
        "--sv-conllu", type=Path, default=SHARED / "eval/sv_talbanken-ud-dev.conllu"
    )
    args = parser.parse_args(argv)
    finnish = conllu_sentences(args.fi_conllu)
    swedish = conllu_sentences(args.sv_conllu)
    cases = [
        (f"Finnish news rows ({args.rows})", read_news(args.news, args.rows), "fi"),
        ("Finnish sentences", finnish, "fi"),
        ("Finnish, 5 sentences", runs(finnish, 5), "fi"),
        ("Swedish sentences", swedish, "sv"),
        ("Swedish, 5 sentences", runs(swedish, 5), "sv"),
    ]
    # Voikko and the Swedish dictionary load once a process (a second): not per text.
    detect_language("Uppsägningstid")
    print(f"{'texts':32}{'wrong':>8}{'of':>8}{'share':>9}{'us/text':>9}")
    for label, texts, language in cases:
        missed, total, examples, seconds = wrong(texts, language)
        share = missed / total if total else 0.0
        print(f"{label:32}{missed:>8}{total:>8}{share:>9.4f}{seconds / total * 1e6:>9.0f}")
        for text in examples:
            print(f"    {text[:100]!r}")


if __name__ == "__main__":
    main()
