"""The development queries over the seeds (tests/data/seed-queries.json), through search."""

import json
from pathlib import Path

import pytest

from indexer.search.searching import search
from tests.conftest import ROOT, SEED_QUERIES, needs_voikko

QUERIES = json.loads(SEED_QUERIES.read_text(encoding="utf-8"))
# The copy the project's queries come from, beside a checkout that has the shared material.
SHARED_QUERIES = ROOT.parent / "shared" / "eval" / "seed-queries.json"

# Perfect answers are the target of the Voikko analyzer; Snowball alone misses some.
pytestmark = needs_voikko


def test_the_queries_are_there() -> None:
    assert QUERIES, f"{SEED_QUERIES} is empty"


@pytest.mark.skipif(
    not SHARED_QUERIES.exists(), reason=f"{SHARED_QUERIES} is not here to compare with"
)
def test_the_queries_are_those_of_the_shared_material() -> None:
    assert json.loads(SHARED_QUERIES.read_text(encoding="utf-8")) == QUERIES


@pytest.mark.parametrize("case", QUERIES, ids=[c["q"] for c in QUERIES])
def test_seed_query(seed_index: Path, case: dict) -> None:
    found = [h.id[:3] for h in search(seed_index, case["q"], limit=10).hits]
    # Perfect: every relevant seed found and nothing else.
    assert sorted(found) == sorted(case["rel"])
    if "top" in case:
        assert found[0] == case["top"]
