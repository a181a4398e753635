"""Every object of the Kubernetes manifests (deploy/kubernetes/) is valid by the published schema
of its kind: the RayCluster by KubeRay 1.4.2's CRD, the Deployment and the Service by
Kubernetes 1.33's OpenAPI (tests/data/schemas/README.md says where they came from).

tests/test_cluster_deploy.py checks only that the manifests agree with each other and with the
code; a misspelt or misplaced field passes it and is found only by `kubectl apply`. A manifest
that kubectl would reject must fail here, so the check is as strict as
`kubectl apply --validate=strict`: a field that the schema does not name is an error."""

import copy
import json
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.conftest import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: pip install -e '.[test]'")

KUBE = ROOT / "deploy" / "kubernetes"
SCHEMAS = ROOT / "tests" / "data" / "schemas"
MANIFESTS = ["raycluster.yaml", "web.yaml"]
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# Keywords whose value is one subschema, a list of them, or a map of names to them, so that
# normalise() rewrites only schemas, never a property that happens to be called "type".
ONE = ("items", "additionalProperties", "not")
MANY = ("allOf", "anyOf", "oneOf")
NAMED = ("properties",)
INT_OR_STRING = [{"type": "integer"}, {"type": "string"}]


def normalise(schema: Any) -> Any:
    """Kubernetes' dialect of OpenAPI v3 as plain JSON Schema draft 7, as the API server reads
    it with strict field validation."""
    if not isinstance(schema, dict):
        return schema  # additionalProperties: true or false
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ONE:
            value = normalise(value)
        elif key in MANY:
            value = [normalise(v) for v in value]
        elif key in NAMED:
            value = {name: normalise(v) for name, v in value.items()}
        out[key] = value
    # IntOrString (a port name or number, a quantity): the type a schema may also state is only
    # one of the two that Kubernetes takes.
    if out.get("x-kubernetes-int-or-string") or out.get("format") == "int-or-string":
        out.pop("type", None)
        if "anyOf" not in out and "oneOf" not in out:
            out["anyOf"] = INT_OR_STRING
    # OpenAPI's nullable is no JSON Schema keyword: null is one more type.
    if out.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    # The API server drops or, strictly, rejects a field that the schema does not name; only a
    # map (additionalProperties) or a node marked to keep unknown fields takes any name.
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def definitions() -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """Every schema by name, and the name of each (apiVersion, kind)'s schema."""
    kubernetes = load("kubernetes-1.33.json")["definitions"]
    names: dict[tuple[str, str], str] = {}
    for name, schema in kubernetes.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            names[api_version, gvk["kind"]] = name
    every = dict(kubernetes)
    crd = load("raycluster-1.4.2.json")
    for version, schema in crd["versions"].items():
        api_version = f"{crd['group']}/{version}"
        schema = copy.deepcopy(schema)
        # A CRD's schema says only `metadata: {type: object}`: the API server checks a custom
        # resource's metadata as ObjectMeta, as it does a built-in kind's.
        schema["properties"]["metadata"] = {"$ref": f"#/definitions/{OBJECT_META}"}
        # Named as Kubernetes names its own kinds: a "/" would split the JSON pointer.
        name = ".".join([*reversed(crd["group"].split(".")), version, crd["kind"]])
        every[name] = schema
        names[api_version, crd["kind"]] = name
    return {name: normalise(schema) for name, schema in every.items()}, names


@cache
def validator(api_version: str, kind: str) -> Draft7Validator:
    every, names = definitions()
    assert (api_version, kind) in names, f"no schema for {kind} of {api_version}"
    # $ref under allOf: draft 7 ignores the keywords beside a $ref, and the definitions must be
    # beside it for "#/definitions/..." to resolve within this one document.
    schema = {
        "definitions": every,
        "allOf": [{"$ref": f"#/definitions/{names[api_version, kind]}"}],
    }
    return Draft7Validator(schema)


def errors(document: dict[str, Any]) -> list[str]:
    """What kubectl would reject in one object, one line a problem with its field's path."""
    found = validator(document["apiVersion"], document["kind"]).iter_errors(document)
    return sorted(f"{e.json_path}: {e.message}" for e in found)


def documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((KUBE / name).read_text(encoding="utf-8")) if d]


EVERY_DOCUMENT = [
    pytest.param(document, id=f"{name}:{document['kind']}")
    for name in MANIFESTS
    for document in documents(name)
]


def test_schemas_are_json_schema() -> None:
    # A keyword misread by normalise() (a "type" that is no type) would otherwise be ignored.
    every, _ = definitions()
    Draft7Validator.check_schema({"definitions": every})


def test_every_manifest_is_checked() -> None:
    # A new manifest file must be added to MANIFESTS, or it would go unchecked.
    assert sorted(p.name for p in KUBE.glob("*.y*ml")) == sorted(MANIFESTS)
    assert [p.id for p in EVERY_DOCUMENT] == [
        "raycluster.yaml:RayCluster",
        "web.yaml:Deployment",
        "web.yaml:Service",
    ]


@pytest.mark.parametrize("document", EVERY_DOCUMENT)
def test_manifest_is_valid(document: dict[str, Any]) -> None:
    assert errors(document) == []


def manifest(name: str, kind: str) -> dict[str, Any]:
    """A copy of one object of the manifests, for a test to spoil."""
    [document] = [d for d in documents(name) if d["kind"] == kind]
    return copy.deepcopy(document)


def test_misspelt_field_of_raycluster_is_rejected() -> None:
    cluster = manifest("raycluster.yaml", "RayCluster")
    search = cluster["spec"]["workerGroupSpecs"][0]
    search["rayStartParam"] = search.pop("rayStartParams")
    assert errors(cluster) == [
        "$.spec.workerGroupSpecs[0]: Additional properties are not allowed "
        "('rayStartParam' was unexpected)"
    ]


def test_misspelt_field_of_deployment_is_rejected() -> None:
    deployment = manifest("web.yaml", "Deployment")
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    assert errors(deployment) == [
        "$.spec: Additional properties are not allowed ('replica' was unexpected)"
    ]


def test_deep_and_misplaced_fields_are_rejected() -> None:
    # In a pod template inside the CRD, in the metadata that a CRD's schema leaves open, and a
    # field of the wrong type: what a lax checker (closing only the top level) would let by.
    cluster = manifest("raycluster.yaml", "RayCluster")
    head = cluster["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    head["ports"][0]["containerPort"] = "6379"
    head["volumeMount"] = head.pop("volumeMounts")
    cluster["metadata"]["label"] = {"app": "sotehaku"}
    cluster["spec"]["workerGroupSpecs"][1]["replicas"] = "0"
    assert errors(cluster) == [
        "$.metadata: Additional properties are not allowed ('label' was unexpected)",
        "$.spec.headGroupSpec.template.spec.containers[0].ports[0].containerPort: '6379' is not "
        "of type 'integer'",
        "$.spec.headGroupSpec.template.spec.containers[0]: Additional properties are not "
        "allowed ('volumeMount' was unexpected)",
        "$.spec.workerGroupSpecs[1].replicas: '0' is not of type 'integer'",
    ]


def test_maps_and_int_or_string_take_what_kubernetes_takes() -> None:
    # Labels and rayStartParams are maps of any names; a target port is a name or a number,
    # but not a fraction.
    service = manifest("web.yaml", "Service")
    service["metadata"]["labels"] = {"app.kubernetes.io/name": "sotehaku"}
    service["spec"]["ports"][0]["targetPort"] = 8000
    assert errors(service) == []
    service["spec"]["ports"][0]["targetPort"] = 80.5
    assert errors(service) != []
    service["spec"]["ports"][0]["targetPort"] = "http"
    service["spec"]["ports"][0]["prot"] = 80
    assert errors(service) == [
        "$.spec.ports[0]: Additional properties are not allowed ('prot' was unexpected)"
    ]
