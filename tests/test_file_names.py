"""File and folder names that are not valid UTF-8 (Latin-1 names copied from Windows shares
and zips): each such file is skipped under its name with the bytes escaped, and the build,
the update, the watcher and the admin page's jobs go on with the rest of the folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

from indexer import jobs
from indexer.search.searching import search
from indexer.service.stats import index_stats
from indexer.store import generations
from tests.conftest import ROOT, write_files
from tests.test_watch import hits, run_watcher, wait_for

SOTEHAKU = Path(sys.executable).with_name("sotehaku")
BAD_FILE = "kuva\\xe4.jpg"
BAD_TEXT = "muistio\\xe4.txt"
IN_BAD_FOLDER = "Ty\\xf6ryhm\\xe4/p\\xf6yt\\xe4kirja.txt"
SKIPPED = sorted([BAD_FILE, BAD_TEXT, IN_BAD_FOLDER])


def write_bad_names(seeds: Path) -> None:
    """Files named with Latin-1 bytes, one of them in a folder so named."""
    root = os.fsencode(seeds)
    for name in (b"kuva\xe4.jpg", b"muistio\xe4.txt"):
        with open(os.path.join(root, name), "wb") as file:
            file.write(b"Muistio\n\nKotihoito\n")
    folder = os.path.join(root, b"Ty\xf6ryhm\xe4")
    os.mkdir(folder)
    with open(os.path.join(folder, b"p\xf6yt\xe4kirja.txt"), "wb") as file:
        file.write("Pöytäkirja\n\nKotihoito\n".encode())


def sotehaku(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SOTEHAKU), *args], cwd=ROOT, capture_output=True, text=True, **kwargs
    )


def test_a_build_and_an_update_skip_the_names_and_index_the_rest(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Kokous\n\nVATE kokoontui.\n"})
    write_bad_names(seeds)
    index_dir = tmp_path / "index"
    where = ("--seeds", str(seeds), "--index", str(index_dir))

    built = sotehaku("build", *where)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    meta = json.loads((generations.require_generation(index_dir) / "meta.json").read_text())
    assert [s["id"] for s in meta["skipped"]] == SKIPPED
    assert {s["reason"] for s in meta["skipped"]} == {"file name is not valid UTF-8"}
    assert [hit.id for hit in search(index_dir, "VATE").hits] == ["a.txt"]
    assert [s["id"] for s in index_stats(index_dir).skipped] == SKIPPED

    write_files(seeds, {"b.txt": "Tiedote\n\nKotihoito laajenee.\n"})
    updated = sotehaku("update", *where)
    assert updated.returncode == 0, updated.stderr
    assert "Added 1" in updated.stdout
    assert "cannot be read" not in updated.stdout + updated.stderr
    assert [hit.id for hit in search(index_dir, "kotihoito").hits] == ["b.txt"]
    meta = json.loads((generations.require_generation(index_dir) / "meta.json").read_text())
    assert [s["id"] for s in meta["skipped"]] == SKIPPED


def test_the_watcher_keeps_updating(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Kokous\n\nVATE kokoontui.\n"})
    index_dir = tmp_path / "index"
    watching = run_watcher(seeds, index_dir, tmp_path / "watch.log")
    watcher = next(watching)
    try:
        write_bad_names(seeds)
        write_files(seeds, {"b.txt": "Tiedote\n\nHyvinvointialue aloitti.\n"})
        wait_for(lambda: hits(index_dir, "hyvinvointialue") == ["b.txt"], "the added file")
        last = watcher.runs("update")[-1] if watcher.runs("update") else watcher.runs("build")[-1]
        assert last["outcome"] == "succeeded"
        assert sorted(s["id"] for s in last["skipped_files"]) == SKIPPED
    finally:
        watching.close()


def test_an_admin_rebuild_succeeds(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Kokous\n\nVATE kokoontui.\n"})
    write_bad_names(seeds)
    index_dir = tmp_path / "index"
    jobs.start("rebuild", seeds, index_dir, max_bytes=1_000_000).join(timeout=60)
    job = jobs.read(index_dir)
    assert job is not None and job.state == "succeeded", job
    assert [hit.id for hit in search(index_dir, "VATE").hits] == ["a.txt"]
