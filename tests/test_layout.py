"""The library's folders show its architecture: a subpackage a layer, each importing only the
layers below it (indexer.LAYERS), no import cycle, no module too long to read; the library
imports neither the web layer nor the tests, and the web layer and the CLI use only the
library's public API."""

import ast
import importlib
import pickle
import subprocess
import sys
import types
from collections import defaultdict
from pathlib import Path

import pytest

import indexer
from indexer.common.persisted import STABLE_MODULE
from tests.conftest import ROOT

PACKAGE = ROOT / "indexer"
LIBRARY = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Return the dotted names a module imports (a name imported from a package counts as
    its submodule where there is one), leaving out imports only a type checker runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            names.add(node.module)
            for alias in node.names:
                if (PACKAGE.parent / node.module.replace(".", "/") / alias.name).exists() or (
                    PACKAGE.parent / node.module.replace(".", "/") / f"{alias.name}.py"
                ).exists():
                    names.add(f"{node.module}.{alias.name}")
    return names


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return (
        parts[1]
        if parts[0] == "indexer" and len(parts) > 1 and parts[1] in indexer.LAYERS
        else None
    )


def test_the_top_holds_only_the_public_api_and_the_command_line() -> None:
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "cli.py"]
    layers = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert layers == sorted(indexer.LAYERS)


@pytest.mark.parametrize("path", LIBRARY, ids=[module_name(p) for p in LIBRARY])
def test_each_module_is_short_enough_to_read(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", LIBRARY, ids=[module_name(p) for p in LIBRARY])
def test_the_library_does_not_reach_up(path: Path) -> None:
    tops = {name.split(".")[0] for name in imports_of(path)}
    assert tops & {"flask", "webui", "bench", "tests"} == set()


LAYERED = [p for p in LIBRARY if layer_of(module_name(p))]


@pytest.mark.parametrize("path", LAYERED, ids=[module_name(p) for p in LAYERED])
def test_a_layer_imports_only_the_layers_below_it(path: Path) -> None:
    own = layer_of(module_name(path))
    allowed = indexer.LAYERS[own] | {own}
    wrong = sorted(
        name
        for name in imports_of(path)
        if name.startswith("indexer") and layer_of(name) not in allowed
    )
    assert wrong == [], f"{own} may import only {sorted(allowed)}"


def test_the_layer_table_has_no_cycle() -> None:
    done: set[str] = set()

    def visit(layer: str, path: tuple[str, ...]) -> None:
        assert layer not in path, " -> ".join((*path, layer))
        for below in indexer.LAYERS[layer]:
            visit(below, (*path, layer))
        done.add(layer)

    for layer in indexer.LAYERS:
        visit(layer, ())


def test_no_module_imports_itself_back() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    modules = {module_name(p): p for p in LIBRARY}
    for name, path in modules.items():
        graph[name] = {i for i in imports_of(path) if i in modules and i != name}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in graph[name]:
            # A package's __init__ is imported with each of its modules: not a cycle of theirs.
            if other == name.rpartition(".")[0]:
                continue
            assert state.get(other) != 1, " -> ".join([*path, name, other])
            if other not in state:
                visit(other, [*path, name])
        state[name] = 2

    for name in modules:
        if name not in state:
            visit(name, [])


# The library's callers: they use its public API (indexer/__init__.py) and nothing deeper.
CALLERS = sorted((ROOT / "webui").glob("*.py")) + [PACKAGE / "cli.py"]


def names_taken_from_the_library(path: Path) -> list[str]:
    """Return what a module imports from the indexer package, as "indexer.name" or, for an
    import of a submodule, its dotted path."""
    taken = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            taken += [a.name for a in node.names if a.name.split(".")[0] == "indexer"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "indexer":
                taken += [f"indexer.{a.name}" for a in node.names]
            elif node.module.startswith("indexer."):
                taken.append(node.module)
    return taken


@pytest.mark.parametrize("path", CALLERS, ids=[f"{p.parent.name}/{p.name}" for p in CALLERS])
def test_callers_use_the_public_api(path: Path) -> None:
    public = {f"indexer.{name}" for name in indexer.__all__}
    assert [name for name in names_taken_from_the_library(path) if name not in public] == []


def test_every_public_name_resolves() -> None:
    for name, (module, attr) in indexer._PUBLIC.items():
        assert getattr(indexer, name) is getattr(importlib.import_module(f"indexer.{module}"), attr)
        assert not isinstance(getattr(indexer, name), types.ModuleType), name
    for name, module in indexer._MODULES.items():
        assert getattr(indexer, name) is importlib.import_module(f"indexer.{module}")
    assert sorted(set(indexer.__all__)) == indexer.__all__


def test_no_public_name_is_also_a_subpackages_name() -> None:
    # A subpackage's import replaces the package's attribute of its name (indexer/__init__.py).
    assert set(indexer.__all__) & set(indexer.LAYERS) == set()


def test_every_persisted_class_pickles_by_its_stable_name() -> None:
    persisted = {
        (module_name(path), node.name)
        for path in LIBRARY
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(d) == "persisted" for d in node.decorator_list)
    }
    assert {(f"indexer.{m}", name) for name, m in indexer._PERSISTED.items()} == persisted
    for name in indexer._PERSISTED:
        cls = getattr(indexer, name)
        assert (cls.__module__, cls.__name__) == (STABLE_MODULE, name)
        assert pickle.loads(pickle.dumps(cls)) is cls


def test_importing_one_module_does_not_import_the_library() -> None:
    # Worker processes and unpickled indexes import single modules; the package stays light.
    code = "import sys, indexer.store.lock; print(sorted(m for m in sys.modules if m == 'whoosh'))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
