"""Writes the two schema files of this folder from their published sources (README.md says
which), so that they can be brought up to a new KubeRay or Kubernetes version the same way.

    python tests/data/schemas/make_schemas.py ray.io_rayclusters.yaml apps-v1.json api-v1.json

The first file is KubeRay's CRD, the other two are kubectl-validate's builtin OpenAPI v3
documents of apps/v1 and v1 for one Kubernetes version. Only validation keywords are kept:
descriptions make up most of the published files and say nothing a validator reads."""

import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
KUBERAY = "1.4.2"
KUBERNETES = "1.33"
# The kinds of deploy/kubernetes/web.yaml: only what they reach is stored.
ROOTS = ["io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.Service"]
K8S_PREFIX = "#/components/schemas/"
OUR_PREFIX = "#/definitions/"

# Keywords whose value is one subschema, a list of them, or a map of names to them: the walk
# below strips only keywords, never a property that happens to be called "description".
ONE = ("items", "additionalProperties", "not")
MANY = ("allOf", "anyOf", "oneOf")
NAMED = ("properties",)
DROPPED = ("description", "example", "externalDocs")


def strip(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema  # additionalProperties: true/false
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED:
            continue
        if key in ONE:
            value = strip(value)
        elif key in MANY:
            value = [strip(v) for v in value]
        elif key in NAMED:
            value = {name: strip(v) for name, v in value.items()}
        elif key == "$ref":
            value = OUR_PREFIX + value.removeprefix(K8S_PREFIX)
        out[key] = value
    return out


def refs(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        if "$ref" in schema:
            found.add(schema["$ref"].removeprefix(OUR_PREFIX))
        for value in schema.values():
            found |= refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= refs(value)
    return found


def kubernetes(paths: list[Path]) -> dict[str, Any]:
    every: dict[str, Any] = {}
    for path in paths:
        every.update(json.loads(path.read_text(encoding="utf-8"))["components"]["schemas"])
    kept: dict[str, Any] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name not in kept:
            kept[name] = strip(every[name])
            todo.extend(refs(kept[name]))
    return {"definitions": dict(sorted(kept.items()))}


def raycluster(path: Path) -> dict[str, Any]:
    crd = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Only ray.io/v1, the version the manifests use and the operator stores.
    [v1] = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return {
        "group": crd["spec"]["group"],
        "kind": crd["spec"]["names"]["kind"],
        "versions": {"v1": strip(v1["schema"]["openAPIV3Schema"])},
    }


def write(name: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    (HERE / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    crd, *builtins = (Path(a) for a in sys.argv[1:])
    write(f"raycluster-{KUBERAY}.json", raycluster(crd))
    write(f"kubernetes-{KUBERNETES}.json", kubernetes(builtins))
