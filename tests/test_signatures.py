"""Signature blocks of minutes and decisions: recognised, searched as boilerplate, no snippet."""

from pathlib import Path

import pytest

from indexer.documents.sections import split_sections
from indexer.documents.signatures import signature_spans
from indexer.search.searching import search
from indexer.writing.build import build_index
from tests.conftest import write_files


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        (
            "Päätös\nHyväksyttiin.\nVakuudeksi\nMaija Mallikas\npöytäkirjanpitäjä",
            ["Vakuudeksi\nMaija Mallikas\npöytäkirjanpitäjä"],
        ),
        # Names above their roles, the chair's with the secretary's.
        (
            "Merkittiin tiedoksi.\nAnneli Aho\nPuheenjohtaja\nMinna Koski\nSihteeri",
            ["Anneli Aho\nPuheenjohtaja\nMinna Koski\nSihteeri"],
        ),
        (
            "Beslut\nGodkändes.\nOrdförande Anna Berg\nProtokollförare Per Holm\n"
            "Justerat 12.3.2024\nLars Lind",
            ["Ordförande Anna Berg\nProtokollförare Per Holm\nJusterat 12.3.2024\nLars Lind"],
        ),
        # An election's result names a chair: that is the matter, not a signature.
        ("Päätös\nValittiin:\nPuheenjohtaja Matti Meikäläinen\nJäsen Liisa Laine", []),
        ("Puheenjohtaja totesi kokouksen lailliseksi.\nSihteeri kirjasi sen.", []),
        # A heading that names a formality.
        ("Pöytäkirjan tarkastajat\nPöytäkirjan tarkastajiksi valittiin Aho ja Koski.", []),
    ],
)
def test_signature_blocks_are_recognised(text: str, blocks: list[str]) -> None:
    assert [text[s:e] for s, e in signature_spans(text)] == blocks


MINUTES = (
    "Lapuan kaupunki Pöytäkirja 21/2024\nKaupunginhallitus 9.12.2024\nAika 9.12.2024 klo 16\n"
    "Saapuvilla\nAnneli Aho, puheenjohtaja\nPekka Paju\n"
    "Allekirjoitukset\nAnneli Aho\nPuheenjohtaja\nMaija Mallikas\nPöytäkirjanpitäjä\n"
    "§ 350\nKotihoidon palveluseteli\nPäätös\nPalveluseteli otettiin käyttöön kotihoidossa.\n"
    "Vakuudeksi\nMaija Mallikas\npöytäkirjanpitäjä\n"
    "§ 351\nToimielinten kokouskäytännöt\n"
    "Pöytäkirjanpitäjä kirjoittaa jatkossa pöytäkirjan kokouksen aikana.\n"
    "Päätös\nHyväksyttiin.\nPuheenjohtaja Pöytäkirjanpitäjä\nAnneli Aho Maija Mallikas\n"
    "Muutoksenhakuohjeet\nOikaisuvaatimus tehdään 14 päivän kuluessa."
)


def test_a_sections_decision_ends_before_its_signatures() -> None:
    sections = split_sections(MINUTES)
    assert [(s.number, s.decision) for s in sections] == [
        ("350", "Palveluseteli otettiin käyttöön kotihoidossa."),
        ("351", "Hyväksyttiin."),
    ]
    assert [MINUTES[s:e] for s, e in sections[0].signatures] == [
        "Vakuudeksi\nMaija Mallikas\npöytäkirjanpitäjä"
    ]


def test_signatures_rank_below_the_matter_and_make_no_snippet(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"kh.txt": MINUTES})
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    found = search(index_dir, "pöytäkirjanpitäjä").hits
    # The matter that is about the minutes' keeper first; the signatures are in the file's
    # own unit, below it, and § 350 is not found for its signature.
    assert [(h.id, h.section) for h in found] == [("kh.txt", "351"), ("kh.txt", None)]
    assert "Mallikas" not in found[0].snippet
    # A name that only signed finds the file, not the section it signed.
    assert [(h.id, h.section) for h in search(index_dir, "Mallikas").hits] == [("kh.txt", None)]
    # The front's own signatures: its snippet shows them only when they are what matched.
    [paju] = search(index_dir, "Paju").hits
    assert (paju.section, "Pekka <mark>Paju</mark>" in paju.snippet) == (None, True)
    assert "Allekirjoitukset" not in paju.snippet and "Mallikas" not in paju.snippet
    [mallikas] = search(index_dir, "Mallikas").hits
    assert "Maija <mark>Mallikas</mark> Pöytäkirjanpitäjä" in mallikas.snippet
    # No unit holds both the matter and the signer's name: any word of them is ranked.
    assert search(index_dir, "palveluseteli mallikas").mode == "any"
