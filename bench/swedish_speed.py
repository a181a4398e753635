"""Time indexing Swedish text: the Swedish analyzer's chain of filters against its index mode
in one loop (indexer/analysis/index_mode.py), which must give the same postings.

    python -m bench.swedish_speed [--conllu F] [--per-doc N] [--rounds N]

The texts are the sentences of a Swedish treebank (`# text = ` lines, Swedish-Talbanken's dev
split by default), N to a document. Each way starts from empty word caches, as a build does,
and the best of the rounds is printed, with the postings compared.
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from whoosh.formats import Characters

from bench.evaluate import SHARED
from indexer.analysis.analyzers import morphology_of
from indexer.analysis.swedish import swedish_analyzer
from indexer.codec.postings import VarintCharacters


def read_texts(path: Path, per_doc: int) -> list[str]:
    """Return the treebank's sentences, per_doc of them joined into one text."""
    sentences = [
        line.removeprefix("# text = ").strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# text = ")
    ]
    return [" ".join(sentences[i : i + per_doc]) for i in range(0, len(sentences), per_doc)]


def _postings(texts: list[str], loop: bool) -> tuple[float, list]:
    """Return the seconds to turn the texts into a body field's postings, one way, from empty
    caches, and the postings."""
    analyzer = swedish_analyzer()
    morphology = morphology_of(analyzer)
    if morphology is not None:
        morphology.cache.clear()
    fmt = VarintCharacters()
    values: Callable[[str], object]
    if loop:
        values = lambda text: list(fmt.word_values(text, analyzer, mode="index"))  # noqa: E731
    else:
        values = lambda text: list(  # noqa: E731
            Characters.word_values(fmt, text, analyzer, mode="index")
        )
    start = time.perf_counter()
    found = [values(text) for text in texts]
    return time.perf_counter() - start, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.swedish_speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--conllu", type=Path, default=SHARED / "eval/sv_talbanken-ud-dev.conllu")
    parser.add_argument("--per-doc", type=int, default=10, help="Sentences to a document.")
    parser.add_argument("--rounds", type=int, default=3, help="Timed rounds of each way.")
    args = parser.parse_args(argv)
    if not args.conllu.exists():
        parser.error(f"{args.conllu} is missing: give --conllu F")
    texts = read_texts(args.conllu, args.per_doc)
    words = sum(len(text.split()) for text in texts)
    best: dict[str, float] = {}
    postings = {}
    for _ in range(args.rounds):
        for name, loop in (("chain", False), ("loop", True)):
            seconds, postings[name] = _postings(texts, loop)
            best[name] = min(best.get(name, seconds), seconds)
    print(f"{len(texts)} Swedish documents, {words} words, best of {args.rounds}")
    for name, seconds in best.items():
        print(f"  {name:<6}{seconds:8.3f} s {words / seconds:10.0f} words/s")
    print(f"  loop/chain time {best['loop'] / best['chain']:.3f}")
    print(f"  same postings: {postings['chain'] == postings['loop']}")


if __name__ == "__main__":
    main()
