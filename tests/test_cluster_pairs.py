"""A decision in both languages whose versions are in two shards: one hit in the reader's
language, each version linking the other, on a real local Ray cluster as in one index."""

import re
from pathlib import Path

import pytest

from indexer.cluster import merging, pairs, placement
from indexer.cluster.building import build_cluster
from indexer.cluster.replicas import ShardAnswer
from indexer.cluster.shards import shard_of
from indexer.writing.build import build_index
from tests import test_language_pairs as bilingual
from tests.conftest import write_files
from tests.ray_cluster import REPLICAS, SHARDS
from tests.test_cluster import on_one_machine, unstable

# The minutes of tests/test_language_pairs.py in folders that put the Finnish and the Swedish
# version in two shards (checked below), and a meeting more in both languages whose versions
# are in the shards the other way round.
FI = "pohjanmaa/fi/aluehallitus-2-2025.txt"
SV = "pohjanmaa/sv/omradesstyrelsen-2-2025.txt"
PLACES = {bilingual.FI: FI, bilingual.SV: SV}
MORE = {
    "pohjanmaa/fi/aluehallitus-5-2025.txt": bilingual.MINUTES[bilingual.FI]
    .replace("2/2025", "5/2025")
    .replace("10.2.2025", "10.5.2025")
    .replace("2025-1", "2025-3"),
    "pohjanmaa/sv/omradesstyrelsen-5-2025.txt": bilingual.MINUTES[bilingual.SV]
    .replace("2/2025", "5/2025")
    .replace("10.2.2025", "10.5.2025")
    .replace("2025-1", "2025-3"),
}
FILES = {PLACES.get(name, name): text for name, text in bilingual.MINUTES.items()} | MORE


@pytest.fixture(scope="module")
def clients(ray_cluster, tmp_path_factory: pytest.TempPathFactory):
    from webui import create_app

    root = tmp_path_factory.mktemp("cluster-pairs")
    seeds = write_files(root / "seeds", FILES)
    build_index(seeds, root / "single")
    build_cluster(seeds, root / "sharded", address=ray_cluster.address, shards_count=SHARDS)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOTEHAKU_CLUSTER", ray_cluster.address)
    mp.setenv("SOTEHAKU_REPLICAS", str(REPLICAS))

    def client(index_dir: Path):
        config = {"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": seeds, "ADMIN_TOKEN": ""}
        return create_app(config).test_client()

    yield client(root / "single"), client(root / "sharded")
    import ray

    placement.stop(ray, (root / "sharded").absolute(), SHARDS, REPLICAS)
    mp.undo()


def test_the_versions_are_in_two_shards() -> None:
    for name in ("2", "5"):
        fi = f"pohjanmaa/fi/aluehallitus-{name}-2025.txt"
        sv = f"pohjanmaa/sv/omradesstyrelsen-{name}-2025.txt"
        assert shard_of(fi, SHARDS) != shard_of(sv, SHARDS)


@pytest.mark.parametrize(
    "args",
    [
        # Both versions match: one hit, in the reader's language, linking the other.
        "q=POHDno-2025-14&lang=fi&facets=1",
        "q=POHDno-2025-14&lang=sv",
        "q=POHDno-2025-14&lang=fi&language=sv",
        "q=POHDno-2025-14+OR+POHDno-2025-34&lang=sv&limit=1&page=2",
        "q=Hyväksyttiin+OR+Godkändes&lang=fi&limit=2",
        "q=Hyväksyttiin+OR+Godkändes&lang=sv&limit=2&page=2",
        "q=Hyväksyttiin+OR+Godkändes&sort=newest",
        # Only one version matches: it links the other, in the other shard.
        "q=serviceplan&lang=fi",
        "q=vanhuspalvelujen+palvelusuunnitelma",
        # Nothing to link.
        "q=budgetuppföljning",
        "q=tilat",
    ],
)
def test_the_api_answers_as_one_index(clients, args: str) -> None:
    one, cluster = clients
    expected = on_one_machine(one, f"/api/search?{args}").get_json()
    found = cluster.get(f"/api/search?{args}").get_json()
    assert expected["total"], args
    for answer in (expected, found):
        del answer["took_ms"]
    assert found == expected


def test_a_decision_in_both_shards_is_one_hit_linking_the_other(clients) -> None:
    _, cluster = clients
    found = cluster.get("/api/search?q=POHDno-2025-14&lang=sv").get_json()
    assert found["total"] == 1
    assert [(h["id"], h["section"]) for h in found["hits"]] == [(SV, "14")]
    assert found["hits"][0]["other_language"]["id"] == FI
    only = cluster.get("/api/search?q=serviceplan&lang=fi").get_json()
    assert only["hits"][0]["other_language"] == {
        "language": "fi",
        "id": FI,
        "anchor": "s14",
        "title": "§ 14 Vanhuspalvelujen palvelusuunnitelma",
    }


@pytest.mark.parametrize("target", [f"/doc/{FI}?lang=sv", f"/doc/{SV}?q=serviceplan"])
def test_the_pages_of_both_versions_link_each_other(clients, target: str) -> None:
    one, cluster = clients
    expected = on_one_machine(one, target)
    found = cluster.get(target)
    assert found.status_code == expected.status_code == 200
    page = found.get_data(as_text=True)
    assert unstable(page) == unstable(expected.get_data(as_text=True))
    other = SV if FI in target else FI
    # The link keeps the query the page was opened with.
    assert re.search(rf'href="/doc/{re.escape(other)}(\?[^"#]*)?#s14"', page)


def _answer(entries: list) -> ShardAnswer:
    return ShardAnswer("gen", len(entries), "all", False, [], entries, {}, None, None)


def test_a_files_units_stay_together_where_the_best_ranks() -> None:
    # Shard 0 grouped a.txt's two units where its best ranks (search/grouping.py).
    answers = [
        _answer([(3.0, 0, 0, "a.txt", None), (1.0, 1, 0, "a.txt", None)]),
        _answer([(2.5, 0, 0, "c.txt", None), (2.0, 1, 0, "d.txt", None)]),
    ]
    assert merging.best(answers, "relevance", 3) == [(0, 3.0, 0), (0, 1.0, 1), (1, 2.5, 0)]


def test_a_version_moved_to_its_decisions_place_goes_there_in_the_merge() -> None:
    # c.txt's unit took the place of b.txt's unit 5 (score 2.0) in shard 0: before b.txt's
    # unit 6 of the same score, after a.txt.
    answers = [
        _answer([(2.0, 1, 0, "a.txt", None), (2.0, 6, 0, "b.txt", None)]),
        _answer([(2.0, 0, 0, "c.txt", ("b.txt", 5))]),
    ]
    assert merging.best(answers, "relevance", 3) == [(0, 2.0, 1), (1, 2.0, 0), (0, 2.0, 6)]


def test_the_reader_s_language_is_chosen_where_the_result_has_it() -> None:
    fi = ("k", "fi", 3.0, 7, 0, "a.txt")
    sv = ("k", "sv", 2.0, 4, 0, "b.txt")
    other = ("j", "fi", 1.0, 8, 0, "a.txt")
    # Without a language the best ranked version stays where it is: the other is left out.
    assert pairs.decide([[fi, other], [sv]], "relevance", None) == {1: pairs.Decided({4})}
    # A key in one shard only is that shard's to decide.
    assert pairs.decide([[fi, other, ("j", "sv", 0.5, 9, 0, "a.txt")], []], "relevance", "sv") == {}
    # Newest first, the later meeting's version is the best ranked: the Finnish one takes
    # its place.
    newer = ("k", "sv", 2.0, 4, 10, "b.txt")
    assert pairs.decide([[fi], [newer]], "newest", "fi") == {
        0: pairs.Decided(set(), {7: (2.0, 4, 10, "b.txt")}),
        1: pairs.Decided({4}),
    }
