"""The tables of docs/ say what the code holds: every setting with its default, every command
with its options, and nothing the code no longer has."""

import re
from pathlib import Path

import click
import pytest

from indexer.cli import cli
from indexer.common.settings import SETTINGS
from tests.conftest import ROOT

# Options every command that reads or writes the index takes; docs/commands.md says so once,
# above the commands table, rather than in each row.
SHARED_OPTIONS = {"--seeds", "--index"}

FENCE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)


def prose(page: Path) -> str:
    """Return a page's text without its fenced code blocks."""
    return FENCE.sub("", page.read_text(encoding="utf-8"))


def section(page: str, heading: str) -> str:
    """Return the text under a heading (of any level) of a page, up to the next heading."""
    text = prose(ROOT / page)
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"no heading {heading!r} in {page}"
    return match.group(1)


def table(page: str, heading: str) -> list[list[str]]:
    """Return the rows of the first table under a heading of a page, cell by cell."""
    lines = section(page, heading).splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert starts, f"no table under {heading!r} in {page}"
    start = starts[0]
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    # The heading and the |---| line.
    return rows[2:]


def test_the_settings_table_lists_every_setting_with_its_default() -> None:
    rows = [
        (name.strip("`"), default.strip("`"))
        for name, default, _ in table("docs/settings.md", "Settings")
    ]
    documented = [(name, "" if default == "empty" else default) for name, default in rows]
    assert documented == [(s.env_name, s.default) for s in SETTINGS]


def documented_commands() -> dict[str, set[str]]:
    """Return each command of the commands table with the options its row names."""
    commands = {}
    for usage, _ in table("docs/commands.md", "Commands"):
        words = usage.strip("`").split()
        assert words[0] == "sotehaku", usage
        commands[words[1]] = set(re.findall(r"--[\w-]+", usage))
    return commands


def test_the_commands_table_lists_every_command() -> None:
    assert sorted(documented_commands()) == sorted(cli.commands)


def test_the_shared_options_are_named_above_the_commands_table() -> None:
    above = section("docs/commands.md", "Commands").split("\n|", 1)[0]
    assert {option for option in SHARED_OPTIONS if f"`{option}`" in above} == SHARED_OPTIONS


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
