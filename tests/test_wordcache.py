"""The word cache: shared by the copies of one configuration, bounded in size and number."""

import pytest

from indexer.analysis import wordcache
from indexer.analysis.wordcache import WordCache


@pytest.fixture(autouse=True)
def _own_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordcache, "_caches", {})


def test_copies_of_one_configuration_share_a_cache() -> None:
    WordCache("a").get("talo", str.upper)
    assert WordCache("a").get("talo", str.lower) == "TALO"
    assert WordCache("b").get("talo", str.lower) == "talo"


def test_only_the_newest_configurations_keep_a_cache() -> None:
    for n in range(wordcache.KEPT + 3):
        WordCache(f"lyhenne{n}")
    assert list(wordcache._caches) == [f"lyhenne{n}" for n in range(3, wordcache.KEPT + 3)]


def test_a_full_cache_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordcache, "LIMIT", 2)
    cache = WordCache("a")
    for word in ("yksi", "kaksi", "kolme"):
        cache.get(word, str.upper)
    cache.get("neljä", str.upper)
    assert wordcache._caches["a"] == {"neljä": "NELJÄ"}


def test_clear_forgets_every_word() -> None:
    cache = WordCache("a")
    cache.get("talo", str.upper)
    cache.clear()
    assert cache.get("talo", str.lower) == "talo"
