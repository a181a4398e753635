"""The documentation says what the code holds: the tables of docs/ list every setting with its
default and every command with its options, and nothing the code no longer has; every link in
the README and docs/ leads to a file (and heading) that exists, and so does every path of the
project's code, and every module, that they name."""

import importlib
import re
from pathlib import Path

import click
import pytest

from indexer.cli import cli
from indexer.common.settings import SETTINGS
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

# Options every command that reads or writes the index takes; docs/commands.md says so once,
# above the commands table, rather than in each row.
SHARED_OPTIONS = {"--seeds", "--index"}

FENCE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
# [text](target), the target without spaces; images too.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A path below one of the project's folders of code, not part of a longer path or word.
PROJECT_PATH = re.compile(r"(?<![\w./~$-])((?:indexer|webui|tests|bench|deploy)/[^\s`]*)")
# A dotted module name of the project (indexer.common.messages.Message, bench.evaluate).
MODULE_NAME = re.compile(r"(?<![\w./-])((?:indexer|webui|tests|bench)(?:\.\w+)+)")


def prose(page: Path) -> str:
    """Return a page's text without its fenced code blocks."""
    return FENCE.sub("", page.read_text(encoding="utf-8"))


def shown(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_there_are_docs_pages() -> None:
    assert len(PAGES) > 5


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


def slug(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower case, punctuation dropped, spaces as -."""
    text = heading.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Return the anchors of a page's headings (a repeated heading gets -1, -2, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#+ (.+)$", prose(page), re.M):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_the_readme_links_every_docs_page() -> None:
    linked = {(ROOT / target.split("#")[0]).resolve() for target in LINK.findall(prose(PAGES[0]))}
    assert [shown(page) for page in PAGES[1:] if page.resolve() not in linked] == []


def leads_somewhere(page: Path, target: str) -> bool:
    """Whether a link of a page leads to a file that exists, and to a heading of it if it
    names one; links with a scheme (https:, mailto:) are not followed."""
    if re.match(r"[a-z][a-z0-9+.-]*:", target):
        return True
    path, _, anchor = target.partition("#")
    linked = (page.parent / path).resolve() if path else page
    if not linked.exists():
        return False
    return not anchor or linked.suffix != ".md" or anchor in anchors(linked)


@pytest.mark.parametrize("page", PAGES, ids=shown)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    links = LINK.findall(CODE_SPAN.sub("", prose(page)))
    assert [target for target in links if not leads_somewhere(page, target)] == []


def expand(path: str) -> list[str]:
    """Return the paths a shell would make of `a/{b,c}/d`."""
    match = re.search(r"\{([^{}]*)\}", path)
    if not match:
        return [path]
    return [
        expanded
        for choice in match.group(1).split(",")
        for expanded in expand(path[: match.start()] + choice + path[match.end() :])
    ]


@pytest.mark.parametrize("page", PAGES, ids=shown)
def test_every_path_named_exists(page: Path) -> None:
    named = [
        path
        for span in CODE_SPAN.findall(prose(page))
        for found in PROJECT_PATH.findall(span)
        for path in expand(found)
    ]
    assert [path for path in named if not (ROOT / path).exists()] == []


def resolves(dotted: str) -> bool:
    """Whether a dotted name is a module of the project, or a name in one."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            if not hasattr(found, attr):
                return False
            found = getattr(found, attr)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=shown)
def test_every_module_named_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    code = CODE_SPAN.findall(FENCE.sub("", text)) + FENCE.findall(text)
    named = {dotted for block in code for dotted in MODULE_NAME.findall(block)}
    assert [dotted for dotted in sorted(named) if not resolves(dotted)] == []
