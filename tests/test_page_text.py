"""Cleaning a paged document's text: characters, running lines, words broken at line ends."""

import pytest

from indexer.documents.binary import _is_word
from indexer.documents.page_text import clean_pages, normalize
from indexer.search.document_view import page_at
from tests.conftest import needs_voikko


def pages_of(body: list[str], header: str = "Kunta – Pöytäkirja 3/2021") -> list[str]:
    """Pages with a running header and a numbered footer around each body."""
    return [f"{header}\n{text}\nSivu {n} ({len(body)})" for n, text in enumerate(body, 1)]


@needs_voikko
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # A typesetter's break is joined; Voikko knows the joined word.
        ("hoidetaan erityishuol-\ntopiirin tiloissa", "hoidetaan erityishuoltopiirin\ntiloissa"),
        # A real hyphen stays: Voikko knows "sote-uudistus", not "soteuudistus".
        ("eteni sote-\nuudistus nopeasti", "eteni sote-uudistus\nnopeasti"),
        # The same vowel on both sides of a compound's parts keeps its hyphen.
        ("osti linja-\nauton", "osti linja-auton"),
        # An abbreviation, a number or a name keeps it whatever the dictionary says.
        ("muut EU-\nmaat", "muut EU-maat"),
        ("vuoden 2020-\nluvulla", "vuoden 2020-luvulla"),
        ("Keski-\nSuomen sote", "Keski-Suomen\nsote"),
        # The punctuation after the word's rest goes with it.
        ("kohta peruskorjauk-\nsesta.\nSeuraava", "kohta peruskorjauksesta.\nSeuraava"),
        # PDFium's own mark for a hyphen that ended a line, which it joined itself.
        ("hyvinvointi\ufffealueella toimii", "hyvinvointialueella\ntoimii"),
        ("hyvinvointi\x02alueella toimii", "hyvinvointialueella\ntoimii"),
        # A soft hyphen at a line end is a break; inside a line it is dropped.
        ("hyvin\u00ad\nvointialue ja vam\u00admaispalvelu", "hyvinvointialue\nja vammaispalvelu"),
        # A shared part of two compounds keeps its hyphen and its space.
        ("sosiaali-\nja terveyspalvelut", "sosiaali- ja\nterveyspalvelut"),
        # A dash that ends a sentence's line is not a broken word.
        ("kaksi vaihtoehtoa –\nkumpi", "kaksi vaihtoehtoa –\nkumpi"),
    ],
)
def test_words_broken_at_a_line_end(lines: str, expected: str) -> None:
    assert clean_pages([lines], _is_word()).text == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Without a dictionary: joined, unless the vowels or capitals say otherwise.
        ("erityishuol-\ntopiirin", "erityishuoltopiirin"),
        ("linja-\nauto", "linja-auto"),
        ("EU-\nmaat", "EU-maat"),
    ],
)
def test_words_broken_at_a_line_end_without_a_dictionary(lines: str, expected: str) -> None:
    assert clean_pages([lines], None).text == expected


def test_ligatures_and_compatibility_characters_are_normalised() -> None:
    text = clean_pages(["\ufb01nanssi \ufb02yygeri\u00a0ja  \u2460 \uff33\uff34\uff2d"]).text
    assert text == "finanssi flyygeri ja 1 STM"
    assert normalize("vam\u00admais\u200bpalvelu\ufb01") == "vammaispalvelufi"


def test_running_header_footer_and_page_numbers_are_left_out() -> None:
    body = ["Valtuusto kokoontui.", "Hallitus esitti.", "Päätös tehtiin.", "Kokous päättyi."]
    cleaned = clean_pages(pages_of(body))
    assert (
        cleaned.text == "Valtuusto kokoontui.\nHallitus esitti.\nPäätös tehtiin.\nKokous päättyi."
    )


@pytest.mark.parametrize(
    "footer",
    ["{n}", "- {n} -", "Sivu {n}", "s. {n}/4", "Page {n} of 4", "{n} (4)", "Sida {n} av 4"],
)
def test_page_numbers_of_every_common_form_are_left_out(footer: str) -> None:
    body = ["Valtuusto kokoontui.", "Hallitus esitti.", "Päätös tehtiin.", "Kokous päättyi."]
    pages = [f"{text}\n" + footer.format(n=n) for n, text in enumerate(body, 1)]
    assert clean_pages(pages).text == "\n".join(body)


def test_a_line_on_only_some_pages_is_kept() -> None:
    pages = ["Liite 1\nTeksti yksi.", "Toinen sivu.", "Kolmas sivu.", "Neljäs sivu."]
    assert clean_pages(pages).text.startswith("Liite 1\n")


def test_a_one_page_document_keeps_all_its_lines() -> None:
    assert clean_pages(["Otsikko\nTeksti.\n1"]).text == "Otsikko\nTeksti.\n1"


def test_a_word_broken_across_a_page_break_is_joined_on_the_first_page() -> None:
    cleaned = clean_pages(pages_of(["Aiheena oli Ylöjärven peruskorjauk-", "sesta päättäminen."]))
    assert cleaned.text == "Aiheena oli Ylöjärven peruskorjauksesta\npäättäminen."
    assert cleaned.page_starts == (0, cleaned.text.index("päättäminen"))


def test_page_starts_and_the_page_of_an_offset() -> None:
    cleaned = clean_pages(["Yksi.", "", "Kolme."])
    assert cleaned.text == "Yksi.\n\nKolme."
    assert cleaned.page_starts == (0, 6, 7)
    assert [page_at(cleaned.page_starts, o) for o in (0, 5, 6, 7, 12)] == [1, 1, 2, 3, 3]
    assert page_at((), 5) is None
