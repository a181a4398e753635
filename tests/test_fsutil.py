"""Lock files and JSON files that several processes share."""

import json
from pathlib import Path

from indexer.common import fsutil


def test_a_lock_has_one_holder_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / ".a.lock"
    fd = fsutil.try_lock(path)
    assert fd is not None
    assert fsutil.try_lock(path) is None
    assert fsutil.is_locked(path) is True
    fsutil.unlock(fd)
    assert fsutil.is_locked(path) is False
    again = fsutil.try_lock(path)
    assert again is not None
    fsutil.unlock(again)


def test_write_json_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / ".job.json"
    fsutil.write_json(path, {"state": "running"})
    fsutil.write_json(path, {"state": "päättyi"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"state": "päättyi"}
    assert [p.name for p in tmp_path.iterdir()] == [".job.json"]
