"""Ray is an optional extra: one machine's build, search and web app never import it."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SINGLE_MACHINE = """
import sys
from pathlib import Path
from indexer import search_index, browse, get_document, suggestions
from webui import create_app
index_dir = Path(sys.argv[1])
app = create_app({"TESTING": True, "INDEX_DIR": index_dir, "SEEDS_DIR": "seeds"})
client = app.test_client()
assert client.get("/api/search?q=VATE").status_code == 200
assert client.get("/").status_code == 200
assert search_index(index_dir, "VATE").total > 0
assert browse(index_dir).total > 0
assert "ray" not in sys.modules, "ray was imported"
"""


def test_one_machine_never_imports_ray(seed_index: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SINGLE_MACHINE, str(seed_index)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
