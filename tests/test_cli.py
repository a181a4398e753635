"""The command line through click's runner."""

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.search.document_view import get_document
from indexer.store.lock import writer_lock
from indexer.writing.build import build_index
from tests.conftest import ROOT, write_files, write_unlistable_folder


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_build_prints_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE", "b.txt": "", "c.doc": "x"})
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 documents in" in result.output
    assert "Skipped 2 files:\n  b.txt: empty file\n  c.doc: unsupported type .doc" in result.output


def test_build_fails_when_nothing_can_be_indexed(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"b.txt": ""})
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "No document could be indexed" in result.output
    assert "b.txt: empty file" in result.output


def test_build_of_a_missing_folder_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["build", "--seeds", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_build_while_another_runs_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    with writer_lock(tmp_path / "ix"):
        result = runner.invoke(
            cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")]
        )
    assert result.exit_code == 2
    assert "already running" in result.output


def test_settings_come_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write_files(tmp_path / "docs", {"a.txt": "Otsikko\n\nVATE"})
    monkeypatch.setenv("SOTEHAKU_SEEDS_DIR", str(seeds))
    monkeypatch.setenv("SOTEHAKU_INDEX_DIR", str(tmp_path / "ix"))
    assert runner.invoke(cli, ["build"]).exit_code == 0
    assert "1 documents" in runner.invoke(cli, ["search", "VATE"]).output


def test_search_json_is_the_api_json(runner: CliRunner, seed_index: Path, client) -> None:
    result = runner.invoke(cli, ["search", "VATE", "--json", "--index", str(seed_index)])
    assert result.exit_code == 0
    from_cli = json.loads(result.output)
    from_api = client.get("/api/search?q=VATE").get_json()
    for data in (from_cli, from_api):
        data.pop("took_ms")
    assert from_cli == from_api


def test_search_prints_a_readable_list(runner: CliRunner, seed_index: Path) -> None:
    result = runner.invoke(cli, ["search", "VATE", "--limit", "1", "--index", str(seed_index)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("2 documents (") and lines[0].endswith("page 1/2")
    assert lines[2] == "1. Missä mennään? Sote-johtajien kokous 29.4.2021 (2021-04-29)"
    assert lines[3].startswith("   seeds/000_a240cdab87ab5ecb.txt  score ")
    assert "VATE" in lines[4] and "<mark>" not in lines[4]


def test_search_keeps_the_spaces_around_matched_words(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {"a.txt": "Otsikko\n\nLautakunta päätti, että  Kaikukortti\notetaan käyttöön."},
    )
    index_dir = tmp_path / "ix"
    runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(index_dir)])
    result = runner.invoke(cli, ["search", "kaikukortti", "--index", str(index_dir)])
    assert result.output.splitlines()[-1] == (
        "   Otsikko Lautakunta päätti, että Kaikukortti otetaan käyttöön."
    )


def test_search_errors_are_messages(runner: CliRunner, seed_index: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["search", "*x", "--index", str(seed_index)])
    assert (result.exit_code, "at least 3 letters" in result.output) == (1, True)
    result = runner.invoke(cli, ["search", "VATE", "--index", str(tmp_path / "none")])
    assert (result.exit_code, "No index in" in result.output) == (1, True)


def test_stats(runner: CliRunner, seed_index: Path) -> None:
    result = runner.invoke(cli, ["stats", "--index", str(seed_index)])
    assert result.exit_code == 0
    assert "Documents:  5" in result.output
    assert "Analyzer:" in result.output and "Built:" in result.output


def test_update(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    args = ["--seeds", str(seeds), "--index", str(tmp_path / "ix")]
    runner.invoke(cli, ["build", *args])
    write_files(seeds, {"b.txt": "Soite"})
    result = runner.invoke(cli, ["update", *args])
    assert result.exit_code == 0
    assert result.output.startswith("Added 1, changed 0, removed 0, unchanged 1 in ")


@pytest.mark.parametrize("command", ["build", "update", "search", "stats", "watch", "serve"])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: sotehaku " + command in result.output


def test_the_time_limit_comes_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write_files(
        tmp_path / "seeds", {"a.txt": "VATE", "slow.html": "<p>Äänekoski" * 300_000}
    )
    monkeypatch.setenv("SOTEHAKU_MAX_FILE_SECONDS", "0.01")
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "  slow.html: reading its text took longer than the 0.01 s limit" in result.output


def test_build_and_update_list_a_folder_they_could_not_read(
    runner: CliRunner, tmp_path: Path
) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    folder = write_unlistable_folder(seeds)
    args = ["--seeds", str(seeds), "--index", str(tmp_path / "ix")]
    result = runner.invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output
    assert f"Skipped 1 files:\n  {folder}: folder not read: file name too long\n" in result.output
    result = runner.invoke(cli, ["update", *args])
    assert f"  skipped {folder}: folder not read: file name too long\n" in result.output
    result = runner.invoke(cli, ["stats", "--index", str(tmp_path / "ix")])
    assert f"Skipped 1 files:\n  {folder}: folder not read: file name too long\n" in result.output


@pytest.mark.parametrize("value", ["fast", "0", "-1", "inf", "nan"])
@pytest.mark.parametrize("command", ["build", "update"])
def test_a_bad_limit_in_the_environment_is_a_message(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, value: str
) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    args = ["--seeds", str(seeds), "--index", str(tmp_path / "ix")]
    runner.invoke(cli, ["build", *args])
    monkeypatch.setenv("SOTEHAKU_MAX_FILE_SECONDS", value)
    result = runner.invoke(cli, [command, *args])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: SOTEHAKU_MAX_FILE_SECONDS must be a number above 0, not '{value}'.\n",
    )


def damage(index_dir: Path, how: str) -> None:
    """Break a built index the way a crash, a full disk or a bad copy leaves it."""
    live = index_dir / (index_dir / "CURRENT").read_text().strip()
    if how == "CURRENT not UTF-8":
        (index_dir / "CURRENT").write_bytes(b"\xff\xfe")
    elif how == "segment zeroed":
        for seg in live.glob("*.trm"):
            seg.write_bytes(bytes(seg.stat().st_size))
    elif how == "segment empty":
        for seg in live.glob("*.trm"):
            seg.write_bytes(b"")
    elif how == "table of contents zeroed":
        for toc in live.glob("*.toc"):
            toc.write_bytes(bytes(toc.stat().st_size))


DAMAGES = ["CURRENT not UTF-8", "segment zeroed", "segment empty", "table of contents zeroed"]


@pytest.mark.parametrize("how", DAMAGES)
def test_build_replaces_a_damaged_index(runner: CliRunner, tmp_path: Path, how: str) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE"})
    args = ["--seeds", str(seeds), "--index", str(tmp_path / "ix")]
    assert runner.invoke(cli, ["build", *args]).exit_code == 0
    damage(tmp_path / "ix", how)
    result = runner.invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["search", "VATE", "--index", str(tmp_path / "ix")])
    assert result.output.startswith("1 documents (")


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_index_is_a_message_not_a_traceback(tmp_path: Path, how: str) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE"})
    index_dir = tmp_path / "ix"
    build_index(seeds, index_dir)
    damage(index_dir, how)
    # Real processes: what a user sees on stderr, and Whoosh's files left open when it fails
    # to read them are closed at exit, as in any command.
    for command in (["stats"], ["search", "VATE"], ["update", "--seeds", str(seeds)]):
        run = subprocess.run(
            [sys.executable, "-m", "indexer", *command, "--index", str(index_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert (run.returncode, run.stdout) == (1, ""), command
        assert run.stderr.startswith("Error: ") and "cannot be read" in run.stderr, run.stderr
        assert run.stderr.endswith("A build replaces it: python -m indexer build\n")


def test_a_file_name_with_a_newline_is_indexed_and_shown_on_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    seeds = write_files(tmp_path / "seeds", {"rivi\nkaksi.txt": "Otsikko\n\nVATE"})
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(index_dir)])
    assert "Indexed 1 documents" in result.output
    result = runner.invoke(cli, ["search", "VATE", "--index", str(index_dir)])
    assert result.output.splitlines()[3].startswith(
        f"   {seeds.as_posix()}/rivi\\nkaksi.txt  score"
    )
    hit = json.loads(
        runner.invoke(cli, ["search", "VATE", "--json", "--index", str(index_dir)]).output
    )
    assert hit["hits"][0]["id"] == "rivi\nkaksi.txt"
    assert get_document(index_dir, "rivi\nkaksi.txt").title == "Otsikko"


def test_a_file_name_with_a_newline_opens_on_the_web(tmp_path: Path) -> None:
    from webui import create_app

    seeds = write_files(tmp_path / "seeds", {"rivi\nkaksi.txt": "Otsikko\n\nVATE"})
    build_index(seeds, tmp_path / "ix")
    app = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "ix", "SEEDS_DIR": seeds})
    assert app.test_client().get("/doc/rivi%0Akaksi.txt").status_code == 200


HOSTILE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"  # clears the screen


def test_terminal_escapes_from_documents_are_shown_not_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    seeds = write_files(
        tmp_path / "seeds",
        {
            f"{HOSTILE}.txt": f"Otsikko {CLEAR}loppu\n\nVATE {HOSTILE} kokous \x9b2J ja\ttab",
            f"{CLEAR}.doc": "x",
        },
    )
    index_dir = tmp_path / "ix"
    args = ["--seeds", str(seeds), "--index", str(index_dir)]
    outputs = [
        runner.invoke(cli, ["build", *args], color=True).output,
        runner.invoke(cli, ["stats", "--index", str(index_dir)], color=True).output,
        runner.invoke(cli, ["search", "VATE", "--index", str(index_dir)], color=True).output,
    ]
    write_files(seeds, {f"{HOSTILE}.md": ""})
    outputs.append(runner.invoke(cli, ["update", *args], color=True).output)
    for output in outputs:
        assert "\x1b]" not in output and CLEAR not in output and "\x07" not in output
        assert "\x9b" not in output
    build, stats, search_output, update = outputs
    assert "  \\x1b[2J.doc: unsupported type .doc\n" in build
    assert "  \\x1b[2J.doc: unsupported type .doc\n" in stats
    # ESC is not one of the characters XML allows: left out of titles when indexing.
    assert "\n1. Otsikko [2Jloppu\n" in search_output
    assert f"{seeds.as_posix()}/\\x1b]0;pwned\\x07.txt  score" in search_output
    assert "kokous \\x9b2J ja tab" in click.unstyle(search_output)
    assert "  skipped \\x1b]0;pwned\\x07.md: empty file\n" in update


def test_search_json_escapes_every_control_character(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(
        tmp_path / "seeds", {f"{HOSTILE}.txt": "Otsikko \x9b2J\x7f\n\nVATE kokoontui taas."}
    )
    index_dir = tmp_path / "ix"
    runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(index_dir)])
    result = runner.invoke(cli, ["search", "VATE", "--json", "--index", str(index_dir)])
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.output)
    hit = json.loads(result.output)["hits"][0]
    assert (hit["id"], hit["title"]) == (f"{HOSTILE}.txt", "Otsikko \x9b2J\x7f")


def test_a_build_that_cannot_write_leaves_the_live_index(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "Otsikko\n\nVATE"})
    index_dir = tmp_path / "ix"
    runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(index_dir)])
    live = (index_dir / "CURRENT").read_text()
    write_files(seeds, {"b.txt": "Toinen\n\n" + "Soite " * 100_000})
    # A real write error from the kernel, as a full disk gives, without root: files may not
    # grow past 64 kB (EFBIG, "File too large"), and the new segment is larger.
    limited = (
        "import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536)); "
        "from indexer.cli import cli; cli()"
    )
    build = subprocess.run(
        [sys.executable, "-c", limited, "build", "--seeds", str(seeds), "--index", str(index_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (build.returncode, build.stderr) == (
        1,
        "Error: File too large while writing the index; the live index was left unchanged.\n",
    )
    assert (index_dir / "CURRENT").read_text() == live
    assert sorted(p.name for p in index_dir.iterdir()) == [
        ".last-build.json",
        ".writer.lock",
        "CURRENT",
        live.strip(),
    ]
    assert json.loads((index_dir / ".last-build.json").read_text())["succeeded"] is False
    result = runner.invoke(cli, ["search", "VATE", "--index", str(index_dir)])
    assert result.output.startswith("1 documents (")


def test_a_note_in_the_writer_lock_is_shown_not_run(runner: CliRunner, tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"a.txt": "VATE"})
    with writer_lock(tmp_path / "ix"):
        (tmp_path / "ix" / ".writer.lock").write_text(f"pid 1 {HOSTILE}")
        args = ["--seeds", str(seeds), "--index", str(tmp_path / "ix")]
        outputs = [
            runner.invoke(cli, [command, *args], color=True) for command in ("build", "update")
        ]
    for result in outputs:
        assert result.exit_code == 2
        assert "(pid 1 \\x1b]0;pwned\\x07)" in result.output


def test_a_bad_build_setting_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write_files(tmp_path / "docs", {"a.txt": "Otsikko\n\nVATE"})
    monkeypatch.setenv("SOTEHAKU_BUILD_MEMORY_MB", "paljon")
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "SOTEHAKU_BUILD_MEMORY_MB must be a whole number of 1 or more: 'paljon'" in result.output
    assert "Traceback" not in result.output


def test_the_docs_cover_every_command() -> None:
    docs = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert sorted(cli.commands) == [
        "alerts",
        "build",
        "search",
        "serve",
        "stats",
        "update",
        "watch",
    ]
    assert [c for c in cli.commands if f"| `sotehaku {c}" not in docs] == []
