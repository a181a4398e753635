"""The library's arrow points one way: indexer imports neither the web layer nor the tests,
and the web layer and the CLI use only the library's public API."""

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import indexer
from tests.conftest import ROOT

LIBRARY = sorted((ROOT / "indexer").glob("*.py"))


def imported_packages(path: Path) -> set[str]:
    """Return the top-level names a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=[p.name for p in LIBRARY])
def test_the_library_does_not_reach_up(path: Path) -> None:
    assert imported_packages(path) & {"flask", "webui", "bench", "tests"} == set()


# The library's callers: they use its public API (indexer/__init__.py) and nothing deeper.
CALLERS = sorted((ROOT / "webui").glob("*.py")) + [ROOT / "indexer" / "cli.py"]


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
    assert sorted(set(indexer.__all__)) == indexer.__all__


def test_no_public_name_is_also_a_modules_name() -> None:
    # A submodule's import replaces the package's attribute of its name (see
    # indexer/__init__.py): only the modules exported whole may share one.
    modules = {path.stem for path in LIBRARY}
    assert set(indexer._PUBLIC) & modules == set()
    for name in indexer._MODULES:
        assert getattr(indexer, name).__name__ == f"indexer.{name}"


def test_importing_one_module_does_not_import_the_library() -> None:
    # Worker processes and unpickled indexes import single modules; the package stays light.
    code = "import sys, indexer.lock; print(sorted(m for m in sys.modules if m == 'whoosh'))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
