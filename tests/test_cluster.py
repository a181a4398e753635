"""Shards and replicas on a real local Ray cluster give the answers of one index of the same
documents: ids, ranking and scores, facets, filters, paging, suggestions and documents through
the web app; a node lost, a shard's build failing and a rebuild under load do not fail
searches."""

import json
import re
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.cluster_benchmark import cluster_top, ordered, single_top
from indexer.cli import cli
from indexer.cluster import features, merging, placement, shards, statistics
from indexer.cluster.building import ShardFailed, build_cluster
from indexer.cluster.connect import NAMESPACE
from indexer.cluster.coordinator import ATTEMPT_SECONDS, Coordinator, coordinator
from indexer.search import similar, suggestions
from indexer.search.searching import search
from indexer.store import generations, searchers
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests import sample_documents as sd
from tests.conftest import http_request, write_files
from tests.ray_cluster import REPLICAS, SHARDS, node_args
from tests.server import gunicorn

SOURCES = ("etela-pohjanmaa", "pirkanmaa", "vantaa-kerava")
QUERIES = [
    "hyvinvointialueen",
    "kotihoito",
    "omaishoidon tuki",
    "talousarvio OR investointisuunnitelma",
    "lastensuojelun NOT päivystys",
    '"hyvinvointialueen palvelut"',
    "koti*",
    "ensihoito päivystys kotihoito",
    "valtuusto",
    "kotihoito sanatonsana",
    # An abbreviation defined in one document: every shard's analysis knows it.
    "KPK",
    "palvelukeskus",
    # More words than a wildcard keeps (MAX_WILDCARD_TERMS), spread over the shards: each
    # expands it to the corpus's most frequent, not its own.
    "zorb*",
]
# Made-up words with one beginning, 55 of them over four documents, overlapping.
ZORB = [f"zorb{a}{b}ix" for a in "aeiou" for b in "bdfgklmnprs"]
MINUTES = (
    "Lapuan kaupunki Pöytäkirja 20/2024\nKaupunginhallitus 2.12.2024\n"
    "Aika 2.12.2024 klo 16\n§ 347\nTalousarvion valmistelu\nLAPDno-2024-867\n"
    "Kotihoito ja talousarvio valmistellaan.\nEhdotus\nEsitetään valtuustolle.\nPäätös\n"
    "Hyväksyttiin.\n§ 348\nMuut asiat\nPäätös\nEi muita."
)


def corpus(folder: Path, extra: int = 0) -> Path:
    """Write the made-up documents (and `extra` more) of the tests below folder."""
    files: dict[str, str] = {}
    for i in range(60 + extra):
        source = SOURCES[i % len(SOURCES)]
        day = f"{1 + i % 28}.{1 + i % 12}.{2021 + i % 4}"
        title = f"Tiedote {i}: hyvinvointialueen palvelut {day}"
        used = " KPK vastaa kotihoidosta." if i % 7 == 0 else ""
        text = f"{title}\n\n{sd.made_up_text(150, seed=i)}{used}"
        files[f"{source}/tiedote-{i:03d}.txt"] = text
    for j in range(4):
        words = " ".join(ZORB[j * 10 : j * 10 + 25])
        files[f"{SOURCES[j % 3]}/sanasto-{j}.txt"] = f"Sanasto {j} 1.2.2024\n\n{words}."
    files["etela-pohjanmaa/kaupunginhallitus.txt"] = MINUTES
    files["pirkanmaa/lyhenne.txt"] = (
        "Uusi yksikkö 5.5.2024\n\nKotihoidon palvelukeskus (KPK) aloittaa toimintansa."
    )
    files["vantaa-kerava/meddelande.txt"] = (
        "Välfärdsområdet informerar 4.4.2024\n\nVälfärdsområdet ordnar hemvård och "
        "socialvård. Hemvården utvidgas i kommunen."
    )
    return write_files(folder, files)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus(tmp_path_factory.mktemp("cluster") / "seeds")


@pytest.fixture(scope="module")
def single(seeds: Path) -> Path:
    index_dir = seeds.parent / "single"
    build_index(seeds, index_dir)
    return index_dir


@pytest.fixture(scope="module")
def sharded(ray_cluster, seeds: Path):
    """A cluster index of the same documents, served by this process's coordinator."""
    index_dir = seeds.parent / "sharded"
    build_cluster(seeds, index_dir, address=ray_cluster.address, shards_count=SHARDS)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOTEHAKU_CLUSTER", ray_cluster.address)
    mp.setenv("SOTEHAKU_REPLICAS", str(REPLICAS))
    yield index_dir
    import ray

    placement.stop(ray, index_dir.absolute(), SHARDS, REPLICAS)
    mp.undo()


def test_a_sharded_build_holds_every_document_once_in_its_shard(single, sharded) -> None:
    gen = generations.require_generation(sharded)
    assert shards.shard_count(gen) == SHARDS
    held: list[str] = []
    for k in range(SHARDS):
        with searchers.live_searcher(shards.shard_dir(gen, k)) as (_, searcher):
            ids = [f["id"] for f in searcher.all_stored_fields() if not f.get("section")]
        assert ids and all(shards.shard_of(i, SHARDS) == k for i in ids)
        held += ids
    with searchers.live_searcher(single) as (_, searcher):
        expected = [f["id"] for f in searcher.all_stored_fields() if not f.get("section")]
    assert sorted(held) == sorted(expected)
    assert statistics.load(gen).doc_count_all == sum(
        statistics.of_index(shards.shard_dir(gen, k)).doc_count_all for k in range(SHARDS)
    )


@pytest.mark.parametrize("text", QUERIES)
def test_shards_rank_as_one_index_with_equal_scores(single, sharded, text: str) -> None:
    expected = ordered(single_top(single, text, 20))[:10]
    found = ordered(cluster_top(sharded, text, 20))[:10]
    assert expected, text
    assert [i for i, _ in found] == [i for i, _ in expected]
    assert max(abs(a - b) for (_, a), (_, b) in zip(found, expected, strict=True)) < 1e-9


@pytest.mark.parametrize("prefix", ["ko", "hyv", "ti", "zorb", "kotihoito pa", "välf", "kpk"])
def test_suggestions_are_one_index(single: Path, sharded: Path, prefix: str) -> None:
    expected = suggestions.suggest(single, prefix, wait=True)
    assert expected, prefix
    assert features.suggestions(sharded, prefix) == expected


def test_example_words_are_one_index(single: Path, sharded: Path) -> None:
    suggestions.suggest(single, "ko", wait=True)
    expected = suggestions.examples(single)
    assert len(expected) == 3
    assert features.examples(sharded) == expected


def test_similar_documents_are_one_index(single: Path, sharded: Path) -> None:
    with searchers.live_searcher(single) as (_, searcher):
        ids = sorted(f["id"] for f in searcher.all_stored_fields() if not f.get("section"))
    # Every shard's documents, those with words of their own (sanasto-*) among them.
    for doc_id in ids[::4]:
        expected = similar.similar_documents(single, doc_id)
        assert expected, doc_id
        assert features.similar_documents(sharded, doc_id) == expected, doc_id


@pytest.fixture(scope="module")
def clients(single: Path, sharded: Path, seeds: Path):
    """Flask test clients of the same documents: one index, and the cluster."""
    from webui import create_app

    def client(index_dir: Path):
        config = {"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": seeds, "ADMIN_TOKEN": ""}
        return create_app(config).test_client()

    return client(single), client(sharded)


def on_one_machine(client, target: str):
    """Return a single index's answer: without $SOTEHAKU_CLUSTER, as a server of it runs."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOTEHAKU_CLUSTER")
        return client.get(target)


API_SEARCHES = [
    "q=hyvinvointialueen",
    "q=kotihoito&page=2&limit=5",
    "q=kotihoito&page=4&limit=7",
    "q=hyvinvointialueen&source=pirkanmaa",
    "q=valtuusto&sort=newest&limit=20",
    "q=talousarvio&sort=oldest&year=2022&year=2023",
    "q=hemvård",
    "q=LAPDno-2024-867",
    "q=talousarvio&kind=pöytäkirja",
    "q=kotihoito+ensihoito+sanaton",
    "q=kotihoito&from=2022-01-01&to=2023-06-30",
]


@pytest.mark.parametrize("args", API_SEARCHES)
def test_the_api_answers_as_one_index(clients, args: str) -> None:
    one, cluster = clients
    expected = on_one_machine(one, f"/api/search?{args}")
    found = cluster.get(f"/api/search?{args}")
    assert found.status_code == expected.status_code == 200
    expected_json, found_json = expected.get_json(), found.get_json()
    assert expected_json["total"], args
    for answer in (expected_json, found_json):
        del answer["took_ms"]
    assert found_json == expected_json


@pytest.mark.parametrize("args", API_SEARCHES[:5])
def test_hits_a_shard_did_not_send_with_its_ranking_are_read_after(
    clients, monkeypatch: pytest.MonkeyPatch, args: str
) -> None:
    # Each shard sends one hit with its ranking: the rest of a first page are read from the
    # shards holding them, in the page's order.
    monkeypatch.setattr(merging, "hits_per_shard", lambda keep, shards: 1)
    one, cluster = clients
    expected = on_one_machine(one, f"/api/search?{args}").get_json()
    found = cluster.get(f"/api/search?{args}").get_json()
    assert len(expected["hits"]) > 2
    for answer in (expected, found):
        del answer["took_ms"]
    assert found == expected


def test_a_query_no_document_has_all_the_words_of_is_ranked_by_any_in_one_call(
    single: Path, sharded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    call = Coordinator.call

    def counted(self, generation, method, args, seconds=ATTEMPT_SECONDS):
        asked.append(method)
        return call(self, generation, method, args, seconds)

    monkeypatch.setattr(Coordinator, "call", counted)
    found = features.search(sharded, "kotihoito ensihoito sanatonsana")
    assert asked == ["rank"]
    expected = search(single, "kotihoito ensihoito sanatonsana")
    assert found.mode == expected.mode == "any"
    assert [(h.id, h.score) for h in found.hits] == [(h.id, h.score) for h in expected.hits]
    assert found.total == expected.total > 0


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/?source=vantaa-kerava&page=2",
        "/?q=kotihoito&sort=newest",
        "/asia/LAPDno-2024-867",
        "/feed.atom?q=kotihoito",
        "/feed.atom?case=LAPDno-2024-867",
        "/feed.atom?decision_maker=Kaupunginhallitus",
        "/doc/etela-pohjanmaa/kaupunginhallitus.txt?q=kotihoito",
        "/api/suggest?q=koti",
        "/api/search?q=%22kotihoito",
        "/api/search?q=kotihoito&year=20x1",
        "/asia/ei-asianumero",
        # The limits of hostile input hold on every shard, and say so as one index does.
        "/api/search?q=" + "koti* " * 6,
        "/api/search?q=" + "kotihoito " * 200,
        "/api/search?q=kotihoito&page=0",
        "/api/search?q=kotihoito&limit=1000",
        "/?q=%22%22%22((",
    ],
)
def test_pages_answer_as_one_index(clients, target: str) -> None:
    one, cluster = clients
    expected = on_one_machine(one, target)
    found = cluster.get(target)
    assert found.status_code == expected.status_code
    assert unstable(found.get_data(as_text=True)) == unstable(expected.get_data(as_text=True))


def unstable(page: str) -> str:
    """Return a page without what differs between two requests of the same index: the time
    taken and the feed's time, and the example words (the frequent words of the index, read
    in a thread of their own after a start, so a page may come before them; a cluster's are
    each shard's in turn)."""
    page = re.sub(r'"took_ms":[0-9.]+', "", page)
    page = re.sub(r"\([0-9]+ ms\)", "", page)
    page = re.sub(r"<updated>[^<]*</updated>", "", page)
    page = re.sub(r'<p class="examples">.*?</p>', "", page, flags=re.S)
    page = re.sub(r'placeholder="[^"]*"', "", page).replace("placeholder=", "")
    return "\n".join(line for line in page.splitlines() if line.strip())


def test_the_health_check_counts_every_shard(clients) -> None:
    one, cluster = clients
    expected = on_one_machine(one, "/healthz").get_json()
    found = cluster.get("/healthz").get_json()
    assert found["status"] == "ok"
    assert found["documents"] == expected["documents"] > 60


def test_gunicorn_workers_attach_to_the_cluster_after_their_fork(
    clients, sharded: Path, seeds: Path
) -> None:
    one, _ = clients
    target = "/api/search?q=kotihoito&limit=20"
    expected = on_one_machine(one, target).get_json()
    del expected["took_ms"]
    with gunicorn(sharded, seeds, workers=2) as url:
        # Enough requests that both workers answer some.
        answers = [http_request(url, target) for _ in range(6)]
    for status, _, body in answers:
        assert status == 200
        found = json.loads(body)
        del found["took_ms"]
        assert found == expected


def test_a_failed_shard_fails_the_build_and_leaves_the_live_generation(
    ray_cluster, tmp_path: Path
) -> None:
    seeds = corpus(tmp_path / "seeds")
    index_dir = tmp_path / "index"
    build_cluster(seeds, index_dir, address=ray_cluster.address, shards_count=SHARDS)
    live = generations.require_generation(index_dir)
    # Every file of shard 1 over the size limit: its task finds nothing to index and fails.
    for path in seeds.rglob("*.txt"):
        if shards.shard_of(path.relative_to(seeds).as_posix(), SHARDS) == 1:
            path.write_text("kotihoito " * 500, encoding="utf-8")
    with pytest.raises(ShardFailed, match="Shard 1 could not be built"):
        build_cluster(
            seeds, index_dir, address=ray_cluster.address, shards_count=SHARDS, max_bytes=4000
        )
    assert generations.require_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == [live.name]
    # Its shards are updated on the cluster only: without its address the command says so.
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOTEHAKU_CLUSTER", raising=False)
        args = ["update", "--seeds", str(seeds), "--index", str(index_dir)]
        updated = CliRunner().invoke(cli, args)
    assert updated.exit_code == 1
    assert "set SOTEHAKU_CLUSTER" in updated.output
    assert generations.require_generation(index_dir) == live


class Searching(threading.Thread):
    """Search the cluster without pause until stopped; keep each total and each error."""

    def __init__(self, index_dir: Path, text: str) -> None:
        super().__init__(daemon=True)
        self.index_dir, self.text = index_dir, text
        self.totals: list[int] = []
        self.errors: list[Exception] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.totals.append(features.search(self.index_dir, self.text).total)
            except Exception as e:
                self.errors.append(e)

    def stop(self) -> None:
        self.stopped.set()
        self.join(30)


def test_a_rebuild_under_load_fails_no_search_and_mixes_no_generations(
    ray_cluster, sharded: Path, seeds: Path
) -> None:
    before = features.search(sharded, "hyvinvointialueen").total
    corpus(seeds, extra=3)
    searching = Searching(sharded, "hyvinvointialueen")
    searching.start()
    try:
        build_cluster(seeds, sharded, address=ray_cluster.address, shards_count=SHARDS)
        deadline = time.monotonic() + 60
        while not searching.totals or searching.totals[-1] == before:
            assert time.monotonic() < deadline, "the coordinator never switched"
            time.sleep(0.1)
    finally:
        searching.stop()
    assert searching.errors == []
    # Every answer is the old generation's or the new one's, never some shards of each.
    assert set(searching.totals) == {before, before + 3}


def test_an_update_changes_every_shard_as_one_index(
    single: Path, sharded: Path, seeds: Path
) -> None:
    # The rebuild above added files to the seeds: one index catches up with them first.
    update_index(seeds, single)
    changed = seeds / "pirkanmaa" / "tiedote-001.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + " Erikoissana.", encoding="utf-8")
    (seeds / "vantaa-kerava" / "tiedote-002.txt").unlink()
    write_files(seeds, {"etela-pohjanmaa/uusi.txt": "Uusi tiedote 6.6.2025\n\nErikoissana."})
    live = generations.require_generation(sharded)
    args = ["update", "--seeds", str(seeds), "--index", str(sharded)]
    updated = CliRunner().invoke(cli, args)
    assert updated.exit_code == 0, updated.output
    assert "Added 1, changed 1, removed 1" in updated.output
    assert generations.require_generation(sharded) != live
    update_index(seeds, single)
    for text in ("erikoissana", "hyvinvointialueen", "kotihoito"):
        expected = [h.id for h in search(single, text, limit=100).hits]
        found = [h.id for h in features.search(sharded, text, limit=100).hits]
        assert sorted(found) == sorted(expected), text
    assert features.get_document(sharded, "vantaa-kerava/tiedote-002.txt") is None


def test_a_lost_node_fails_no_search_and_its_replicas_come_back(ray_cluster, sharded) -> None:
    import ray

    coord = coordinator(sharded)
    coord.live()
    handles = [handle for replicas in coord.replicas for handle in replicas]
    where = ray.get([handle.node.remote() for handle in handles])
    lost = next(node for node in ray_cluster.worker_nodes if node.node_id in where)
    searching = Searching(sharded, "kotihoito")
    searching.start()
    try:
        time.sleep(0.5)
        ray_cluster.remove_node(lost, allow_graceful=False)
        killed = time.monotonic()
        # Every replica answers again, on the nodes left (an actor's process outlives its
        # node's raylet for a moment).
        while True:
            assert time.monotonic() - killed < 60, "the replicas did not come back"
            try:
                where = ray.get([handle.node.remote() for handle in handles], timeout=5)
            except ray.exceptions.RayError:
                continue
            if lost.node_id not in where:
                break
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        searching.stop()
        ray_cluster.add_node(**node_args())
    assert lost.node_id not in where
    assert searching.errors == []
    assert len(set(searching.totals)) == 1 and len(searching.totals) > 5


def test_a_generation_of_fewer_shards_ends_the_replicas_of_the_others(
    ray_cluster, single: Path, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ray

    from indexer.cluster import coordinator as coordinator_module

    monkeypatch.setenv("SOTEHAKU_CLUSTER", ray_cluster.address)
    monkeypatch.setenv("SOTEHAKU_REPLICAS", str(REPLICAS))
    monkeypatch.setattr(coordinator_module, "RETIRE_SECONDS", 0.5)
    index_dir = tmp_path / "index"
    names = [placement.actor_name(index_dir, 1, r) for r in range(REPLICAS)]
    try:
        build_cluster(seeds, index_dir, address=ray_cluster.address, shards_count=2)
        before = features.search(index_dir, "kotihoito", limit=100)
        for name in names:
            ray.get_actor(name, namespace=NAMESPACE)
        build_cluster(seeds, index_dir, address=ray_cluster.address, shards_count=1)
        after = features.search(index_dir, "kotihoito", limit=100)
        assert [h.id for h in after.hits] == [h.id for h in before.hits]
        assert after.total == search(single, "kotihoito").total
        deadline = time.monotonic() + 30
        while any(_running(ray, name) for name in names):
            assert time.monotonic() < deadline, "shard 1's replicas still run"
            time.sleep(0.2)
        assert features.search(index_dir, "kotihoito", limit=100).total == after.total
    finally:
        placement.stop(ray, index_dir.absolute(), 2, REPLICAS)


def _running(ray, name: str) -> bool:
    try:
        ray.get_actor(name, namespace=NAMESPACE)
    except ValueError:
        return False
    return True
