"""Analyse a build's distinct words on every core before indexing them.

Voikko's analysis of each distinct word form is the largest cost a Voikko build adds to a
Snowball one (about 12 s of a 20,000-document news build), and it is the one part of a build
that splits cleanly: each word is analysed alone. Whoosh then indexes in one process, taking
every analysis from the cache.

Workers are plain `python -m indexer.preanalysis IN OUT` processes, not multiprocessing: that
re-imports the caller's main module in each worker (a CLI, a gunicorn worker, a test runner)
or forks a process that may have threads.
"""

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from whoosh.analysis import Analyzer

from indexer.analysis import morphology_of
from indexer.morphology import Analysis
from indexer.tokenize import CaseEndingFilter, FinnishTokenizer

# Below this many new words, starting worker processes (each loads Voikko's dictionary) costs
# more than it saves.
MIN_PARALLEL_WORDS = 20_000


class PreanalysisFailed(Exception):
    """A worker process did not return its analyses."""


def distinct_words(texts: Iterable[str]) -> list[str]:
    """Return the distinct words of the texts, as the analyzer's lemma step receives them."""
    chain = FinnishTokenizer() | CaseEndingFilter()
    return list(dict.fromkeys(t.text for text in texts for t in chain(text)))


def preanalyze(analyzer: Analyzer, texts: Iterable[str], processes: int | None = None) -> int:
    """Fill the analyzer's word cache from worker processes; return how many words they did.

    Does nothing (returns 0) for an analyzer without Voikko, on a single core, or when there
    are too few new words to pay for the workers. Raises PreanalysisFailed when a worker fails.
    """
    morphology = morphology_of(analyzer)
    processes = processes or os.cpu_count() or 1
    if morphology is None or not morphology.use_voikko or processes < 2:
        return 0
    words = [w for w in distinct_words(texts) if not morphology.is_cached(w)]
    if len(words) < MIN_PARALLEL_WORDS:
        return 0
    with tempfile.TemporaryDirectory(prefix="sotehaku-words-") as tmp:
        jobs = []
        for n in range(processes):
            given, taken = Path(tmp) / f"{n}.in", Path(tmp) / f"{n}.out"
            # Every n-th word, so that each worker gets as many long and rare words.
            given.write_bytes(pickle.dumps((morphology, words[n::processes])))
            command = [sys.executable, "-m", "indexer.preanalysis", str(given), str(taken)]
            proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
            jobs.append((proc, taken))
        # Wait for every worker before judging any, so none is left running.
        errors = [proc.communicate()[1] for proc, _ in jobs]
        for (proc, taken), stderr in zip(jobs, errors, strict=True):
            if proc.returncode:
                raise PreanalysisFailed(f"Analysing words failed: {stderr.strip()}")
            morphology.remember(pickle.loads(taken.read_bytes()))
    return len(words)


def _work(given: Path, taken: Path) -> None:
    morphology, words = pickle.loads(given.read_bytes())
    analyses: list[tuple[str, Analysis]] = [(w, morphology.analyze(w)) for w in words]
    taken.write_bytes(pickle.dumps(analyses))


if __name__ == "__main__":
    _work(Path(sys.argv[1]), Path(sys.argv[2]))
