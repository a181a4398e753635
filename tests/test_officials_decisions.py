"""Officials' decisions: one decision a document, its front's items a list, its one section."""

import datetime
from pathlib import Path

import pytest

from indexer.documents.decision_documents import read_decision_document
from indexer.documents.loading import load
from indexer.search.searching import search
from indexer.writing.build import build_index
from tests import sample_documents as sd
from tests.conftest import write_files

# The header every page repeats, and the first page's own lines below it.
HEADER = "Etelä-Pohjanmaan hyvinvointialue Viranhaltijapäätös {page} ({pages})\n" + (
    "Hyvinvointialueen johtaja 12.03.2024 § 166"
)
PAGES = [
    [
        "EPHVA/1234/00.01.02/2024",
        "Kaikukortin käyttöönotto hyvinvointialueella",
        "Päätöksen perustelut",
        "Kaikukortti tuo kulttuurin pienituloisten asiakkaiden ulottuville.",
        "Hyvinvointialue liittyy Kaikukortti-verkostoon.",
    ],
    [
        "Päätös",
        "Päätän ottaa Kaikukortin käyttöön 1.4.2024 alkaen.",
        "Allekirjoitus",
        "Hyvinvointialueen johtaja Matti Meikäläinen",
        "Oikaisuvaatimusohje",
        "Tähän päätökseen tyytymätön voi tehdä kirjallisen oikaisuvaatimuksen.",
    ],
]
PAGES = [[*page, "", "Lisätietoja antaa hallintopalvelut."] for page in PAGES]

TEXT_SHAPES = [
    # The list of the front's items, one a line, "§ 166" among them.
    (
        "ETELÄ-POHJANMAAN HYVINVOINTIALUE VIRANHALTIJAPÄÄTÖS 1 (2)\nHyvinvointialueen johtaja\n"
        "§ 166\n12.03.2024\nEPHVA/1234/00.01.02/2024\nKaikukortin käyttöönotto\n"
        "Päätös\nPäätän ottaa Kaikukortin käyttöön.\nOikaisuvaatimusohje\nOikaisu.",
        (
            "Hyvinvointialueen johtaja",
            datetime.date(2024, 3, 12),
            ("166", "Kaikukortin käyttöönotto", "EPHVA/1234/00.01.02/2024"),
            "Päätän ottaa Kaikukortin käyttöön.",
        ),
    ),
    # Labelled items, the subject as "Asia".
    (
        "Pirkanmaan hyvinvointialue\nViranhaltijan päätös\nPäättäjä Sosiaalijohtaja\n"
        "Päätöspäivä 2.5.2024\nPykälä § 21\nDiaarinumero PIRHA/123/2024\n"
        "Asia Palvelusetelin arvo kotihoidossa\nPäätös\nArvo on 30 euroa.",
        (
            "Sosiaalijohtaja",
            datetime.date(2024, 5, 2),
            ("21", "Palvelusetelin arvo kotihoidossa", "PIRHA/123/2024"),
            "Arvo on 30 euroa.",
        ),
    ),
    (
        "Närpes stad\nTjänstemannabeslut\nBeslutsfattare Socialdirektör\n"
        "Beslutsdatum 2.5.2024\n12 §\nÄrende Servicesedel för hemvård\nDnr 45/2024\n"
        "Beslut\nServicesedelns värde är 30 euro.\nBesvärsanvisning\nText.",
        (
            "Socialdirektör",
            datetime.date(2024, 5, 2),
            ("12", "Servicesedel för hemvård", "Dnr 45/2024"),
            "Servicesedelns värde är 30 euro.",
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_SHAPES)
def test_an_officials_decision_is_one_section(text: str, expected: tuple) -> None:
    decision, sections = read_decision_document(text, text)
    assert decision is not None and decision.kind in {"viranhaltijapäätös", "tjänstemannabeslut"}
    assert [
        (
            decision.decision_maker,
            decision.meeting_date,
            (s.number, s.title, s.case),
            s.decision,
        )
        for s in sections
    ] == [expected]
    # The section runs from the subject to the appeal instructions.
    assert text[sections[0].start :].startswith(("Kaikukortin", "Asia", "Ärende"))
    assert "Oikaisu." not in text[sections[0].start : sections[0].end]


def test_a_pdf_officials_decision_with_its_number_in_the_header(tmp_path: Path) -> None:
    sd.write(tmp_path / "vhp.pdf", sd.pdf_bytes(PAGES, header=HEADER, footer=None))
    doc = load(tmp_path, "vhp.pdf")
    assert (doc.title, doc.date) == (
        "Hyvinvointialueen johtaja 12.3.2024, viranhaltijapäätös",
        datetime.date(2024, 3, 12),
    )
    assert [(s.number, s.title, s.case, s.decision) for s in doc.sections] == [
        (
            "166",
            "Kaikukortin käyttöönotto hyvinvointialueella",
            "EPHVA/1234/00.01.02/2024",
            "Päätän ottaa Kaikukortin käyttöön 1.4.2024 alkaen.",
        )
    ]


def test_an_officials_decision_is_a_hit_with_its_fields(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    sd.write(seeds / "vhp.pdf", sd.pdf_bytes(PAGES, header=HEADER, footer=None))
    write_files(seeds, {"vhp2.txt": TEXT_SHAPES[1][0]})
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    hits = search(index_dir, "kaikukortti").hits
    assert [
        (h.id, h.section, h.section_title, h.case, h.decision_maker, h.kind, h.date) for h in hits
    ] == [
        (
            "vhp.pdf",
            "166",
            "Kaikukortin käyttöönotto hyvinvointialueella",
            "EPHVA/1234/00.01.02/2024",
            "Hyvinvointialueen johtaja",
            "viranhaltijapäätös",
            "2024-03-12",
        )
    ]
    # The signer's name is the official's signature, not the decision's text.
    assert "Meikäläinen" not in hits[0].snippet
    case = search(index_dir, "pirha 123/2024").hits
    assert [(h.id, h.section, h.decision_maker) for h in case][:1] == [
        ("vhp2.txt", "21", "Sosiaalijohtaja")
    ]
