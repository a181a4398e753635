"""The development queries over the seeds (../shared/eval/seed-queries.json), through search."""

import json
from pathlib import Path

import pytest

from indexer.evaluate import SHARED
from indexer.search import search
from tests.conftest import needs_voikko

QUERIES_FILE = SHARED / "eval" / "seed-queries.json"
QUERIES = json.loads(QUERIES_FILE.read_text(encoding="utf-8")) if QUERIES_FILE.exists() else []

# Perfect answers are the target of the Voikko analyzer; Snowball alone misses some.
pytestmark = needs_voikko


def test_the_queries_are_there() -> None:
    assert QUERIES, f"{QUERIES_FILE} is missing or empty"


@pytest.mark.parametrize("case", QUERIES, ids=[c["q"] for c in QUERIES])
def test_seed_query(seed_index: Path, case: dict) -> None:
    found = [h.id[:3] for h in search(seed_index, case["q"], limit=10).hits]
    # Perfect: every relevant seed found and nothing else.
    assert sorted(found) == sorted(case["rel"])
    if "top" in case:
        assert found[0] == case["top"]
