"""The settings table is data: the README's table must say what indexer/settings.py holds."""

import re

from indexer.settings import SETTINGS
from tests.conftest import ROOT


def test_the_readme_lists_every_setting_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(SOTEHAKU_\w+)` \| ([^|]+) \|", readme, re.MULTILINE)
    defaults = {name: value.strip(" `") for name, value in rows}
    documented = {name: "" if value == "empty" else value for name, value in defaults.items()}
    assert documented == {s.env_name: s.default for s in SETTINGS}
