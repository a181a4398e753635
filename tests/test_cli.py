"""The command line through click's runner."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.lock import writer_lock
from tests.conftest import write_files


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


@pytest.mark.parametrize("command", ["build", "update", "search", "stats"])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: python -m indexer " + command in result.output


def test_a_bad_build_setting_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write_files(tmp_path / "docs", {"a.txt": "Otsikko\n\nVATE"})
    monkeypatch.setenv("SOTEHAKU_BUILD_MEMORY_MB", "paljon")
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "SOTEHAKU_BUILD_MEMORY_MB must be a whole number of 1 or more: 'paljon'" in result.output
    assert "Traceback" not in result.output
