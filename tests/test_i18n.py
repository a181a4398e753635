"""Every text a user sees is in the Finnish and Swedish catalogues, and the compiled ones
are up to date; English is the language of the code and needs none."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import ROOT

TRANSLATIONS = ROOT / "webui" / "translations"
LANGUAGES = ("fi", "sv")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The texts of the code and templates now, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    keywords = [
        "Message",
        "QueryError",
        "FilterError",
        "BadParameter",
        "SubscriptionError",
        "TooManyRequests",
        "lazy_gettext",
    ]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         *[arg for k in keywords for arg in ("-k", k)], "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def catalogue(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_translated(extracted: dict, lang: str) -> None:
    translated = {m.id: m for m in catalogue(lang) if m.id}
    missing = [key for key in extracted if key not in translated]
    assert missing == [], f"run `make translations` and translate these in {lang}"
    empty = [m.id for m in translated.values() if not all(_strings(m.string)) or m.fuzzy]
    assert empty == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for m in catalogue(lang):
        if not m.id:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_strings(m.id))))
        for text in _strings(m.string):
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, m.id, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    compiled = read_mo(io.BytesIO((folder / "messages.mo").read_bytes()))
    expected = {_key(m.id): _key(m.string) for m in catalogue(lang) if m.id}
    found = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert found == expected, "run `make translations`"


def _key(value) -> tuple[str, ...]:
    return tuple(_strings(value))


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def test_library_messages_keep_their_template() -> None:
    from indexer.analysis.analyzers import snowball_analyzer
    from indexer.common.messages import Message
    from indexer.search.query import QueryError, parse
    from indexer.store.schema import make_schema

    with pytest.raises(QueryError) as caught:
        parse(make_schema(snowball_analyzer()), "x" * 501)
    message = caught.value.message
    assert isinstance(message, Message)
    assert (str(caught.value), message.template, message.params) == (
        "The query is too long: at most 500 characters.",
        "The query is too long: at most %(count)s characters.",
        {"count": 500},
    )


def test_no_template_text_is_left_untranslated() -> None:
    # Text between tags that is not inside {{ }} or {% %} would show in every language as is.
    allowed = {"Sotehaku", "VATE", "rahoitusmalli", "sote-uudistus", "–", "·", "‹", "›", "?", "ms"}
    for template in (ROOT / "webui" / "templates").glob("*.html"):
        source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", template.read_text(), flags=re.S)
        source = re.sub(r"<code>.*?</code>", " ", source, flags=re.S)
        for text in re.findall(r">([^<>]+)<", source):
            for word in re.findall(r"[^\W\d_][\w-]*|[–·‹›?]", text):
                assert word in allowed, (template.name, text.strip())


def test_paths_of_the_catalogues_ship_with_the_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"translations/*/LC_MESSAGES/*"' in pyproject
    assert all(
        (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").is_file() for lang in LANGUAGES
    )


def test_babel_cfg_covers_the_code() -> None:
    assert Path(ROOT / "babel.cfg").read_text().count("[") == 4
