"""The Kubernetes manifests of a cluster (deploy/kubernetes/) agree with each other and with
the code: the shard resources the replicas ask for, the settings of the web pods, one image,
Ray's version, the ports and the index folder's path."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from indexer.cluster.placement import shard_resource
from tests.conftest import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: pip install -e '.[test]'")

KUBE = ROOT / "deploy" / "kubernetes"


def documents(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((KUBE / name).read_text(encoding="utf-8")) if d]


@pytest.fixture(scope="module")
def ray_cluster() -> dict:
    [cluster] = documents("raycluster.yaml")
    assert cluster["kind"] == "RayCluster"
    return cluster


@pytest.fixture(scope="module")
def web() -> dict:
    return {d["kind"]: d for d in documents("web.yaml")}


def groups(cluster: dict) -> dict[str, dict]:
    return {g["groupName"]: g for g in cluster["spec"]["workerGroupSpecs"]}


def containers(cluster: dict) -> list[dict]:
    pods = [cluster["spec"]["headGroupSpec"], *cluster["spec"]["workerGroupSpecs"]]
    return [c for pod in pods for c in pod["template"]["spec"]["containers"]]


def env(web: dict) -> dict[str, str]:
    [container] = web["Deployment"]["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e["value"] for e in container["env"]}


def test_search_nodes_hold_every_shard_the_web_pods_expect(ray_cluster, web) -> None:
    search = groups(ray_cluster)["search"]
    resources = json.loads(json.loads(search["rayStartParams"]["resources"]))
    shards = int(env(web)["SOTEHAKU_SHARDS"])
    assert resources == {shard_resource(k): 1 for k in range(shards)}
    # The replicas of a shard on nodes of their own, and a node to spare for a lost one's.
    assert search["minReplicas"] == search["replicas"] > int(env(web)["SOTEHAKU_REPLICAS"])


def test_the_build_group_scales_to_zero(ray_cluster) -> None:
    build = groups(ray_cluster)["build"]
    assert build["minReplicas"] == build["replicas"] == 0 < build["maxReplicas"]
    assert ray_cluster["spec"]["enableInTreeAutoscaling"] is True
    # Builds run there only: the head and the search nodes offer no core to a task.
    assert ray_cluster["spec"]["headGroupSpec"]["rayStartParams"]["num-cpus"] == "0"
    assert groups(ray_cluster)["search"]["rayStartParams"]["num-cpus"] == "0"


def test_the_web_pods_attach_to_the_head_service(ray_cluster, web) -> None:
    head = ray_cluster["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    gcs = {p["name"]: p["containerPort"] for p in head["ports"]}["gcs"]
    assert env(web)["SOTEHAKU_CLUSTER"] == f"{ray_cluster['metadata']['name']}-head-svc:{gcs}"


def test_one_image_and_the_pinned_ray(ray_cluster, web) -> None:
    pod = web["Deployment"]["spec"]["template"]["spec"]
    images = {c["image"] for c in containers(ray_cluster) + pod["containers"]}
    assert len(images) == 1
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [ray] = project["project"]["optional-dependencies"]["cluster"]
    assert ray == f"ray=={ray_cluster['spec']['rayVersion']}"


def test_the_index_is_at_one_path_everywhere(ray_cluster, web) -> None:
    pod = web["Deployment"]["spec"]["template"]["spec"]
    mounts = {
        m["mountPath"]
        for c in containers(ray_cluster) + pod["containers"]
        for m in c["volumeMounts"]
        if m["name"] == "index"
    }
    assert mounts == {env(web)["SOTEHAKU_INDEX_DIR"]}


def test_the_service_reaches_the_port_gunicorn_binds(web) -> None:
    [container] = web["Deployment"]["spec"]["template"]["spec"]["containers"]
    bind = container["command"][container["command"].index("--bind") + 1]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert int(re.sub(r".*:", "", bind)) == ports["http"]
    [port] = web["Service"]["spec"]["ports"]
    assert port["targetPort"] == "http"
    assert (
        web["Service"]["spec"]["selector"] == web["Deployment"]["spec"]["selector"]["matchLabels"]
    )
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"


@pytest.mark.parametrize("path", sorted(KUBE.glob("*.yaml")), ids=lambda p: p.name)
def test_every_manifest_is_commented(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# ")
