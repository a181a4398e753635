"""The README's tables say what the code holds: every setting with its default, every command
with its options, and nothing the code no longer has."""

import re

import click
import pytest

from indexer.cli import cli
from indexer.common.settings import SETTINGS
from tests.conftest import ROOT

# Options every command that reads or writes the index takes; the README says so once, above
# the commands table, rather than in each row.
SHARED_OPTIONS = {"--seeds", "--index"}


def table(section: str) -> list[list[str]]:
    """Return the rows of the first table under a "## " heading of the README, cell by cell."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, f"no section {section!r}"
    lines = [line for line in match.group(1).splitlines() if line.startswith("|")]
    # The heading and the |---| line.
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def test_the_settings_table_lists_every_setting_with_its_default() -> None:
    rows = [(name.strip("`"), default.strip("`")) for name, default, _ in table("Settings")]
    documented = [(name, "" if default == "empty" else default) for name, default in rows]
    assert documented == [(s.env_name, s.default) for s in SETTINGS]


def documented_commands() -> dict[str, set[str]]:
    """Return each command of the README's table with the options its row names."""
    commands = {}
    for usage, _ in table("Commands"):
        words = usage.strip("`").split()
        assert words[0] == "sotehaku", usage
        commands[words[1]] = set(re.findall(r"--[\w-]+", usage))
    return commands


def test_the_commands_table_lists_every_command() -> None:
    assert sorted(documented_commands()) == sorted(cli.commands)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_the_commands_table_names_every_option(name: str) -> None:
    command = cli.commands[name]
    options = {
        flag
        for param in command.params
        if isinstance(param, click.Option)
        for flag in param.opts
        if flag.startswith("--")
    }
    assert documented_commands().get(name) == options - SHARED_OPTIONS
