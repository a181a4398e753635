"""The library's arrow points one way: indexer imports neither the web layer nor the tests."""

import ast
from pathlib import Path

import pytest

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
