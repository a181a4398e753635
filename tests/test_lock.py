"""The writer lock's probe: seen from this process and from another one."""

import subprocess
import sys
from pathlib import Path

from indexer.store.lock import is_locked, writer_lock


def test_is_locked_follows_the_writer_lock(tmp_path: Path) -> None:
    assert is_locked(tmp_path / "missing") is False
    assert is_locked(tmp_path) is False
    with writer_lock(tmp_path):
        assert is_locked(tmp_path) is True
    assert is_locked(tmp_path) is False


def test_is_locked_sees_a_lock_held_by_another_process(tmp_path: Path) -> None:
    holder = (
        "import sys\nfrom pathlib import Path\nfrom indexer.store.lock import writer_lock\n"
        "with writer_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    root = Path(__file__).resolve().parent.parent
    with subprocess.Popen(
        [sys.executable, "-c", holder, str(tmp_path)],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout.readline() == "held\n"
        assert is_locked(tmp_path) is True
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()
    assert is_locked(tmp_path) is False
