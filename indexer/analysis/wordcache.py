"""A cache of analysed word forms, one per analysis configuration."""

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

# A word form cache grows with the vocabulary of the documents; past this size start over rather
# than hold every form of a large corpus in memory.
LIMIT = 500_000
# Each build may mine other abbreviations, so a long-running server that rebuilds meets new
# configurations: keep the caches of the newest few only.
KEPT = 4

_caches: dict[Hashable, dict[str, Any]] = {}

V = TypeVar("V")


class WordCache(Generic[V]):
    """Analyses by word form for one configuration, shared by every cache made with its key
    (the unpickled copies of one schema).

    Dict reads and writes are atomic, so threads share it; at worst two of them analyse a word
    twice.

    >>> cache = WordCache(("example",))
    >>> cache.get("Talossa", str.lower), cache.get("Talossa", str.upper)
    ('talossa', 'talossa')
    """

    def __init__(self, key: Hashable) -> None:
        if key not in _caches and len(_caches) >= KEPT:
            del _caches[next(iter(_caches))]
        self._words: dict[str, V] = _caches.setdefault(key, {})

    def get(self, word: str, analyse: Callable[[str], V]) -> V:
        """Return the word's cached analysis, or analyse it and keep the result."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) > LIMIT:
                self._words.clear()
            found = self._words[word] = analyse(word)
        return found

    def clear(self) -> None:
        """Forget every word form, so that a benchmark measures a build from scratch."""
        self._words.clear()
