"""Decisions exported as HTML pages: Ahjo's records with <meta> tags, Documenta's cp1252
section pages."""

import datetime
from pathlib import Path

from bench.ahjo_export import export
from indexer.documents.loading import load
from indexer.search.searching import search
from indexer.writing.build import build_index

# A made-up decision in the shape of the Ahjo API's Content HTML.
AHJO_CONTENT = (
    '<html lang="fi"><head><META content="text/html; charset=UTF-8" http-equiv="Content-Type">'
    '<META name="ThisHTMLGenerated" content="2024-03-20T10:00:00.000+02:00">'
    '<title>Kaikukortin käyttöönotto</title></head><body><div class="paatos">'
    '<div class="Asiapykala">§ 45</div><h1 class="AsiaOtsikko">Kaikukortin käyttöönotto</h1>'
    '<div class="DnroTmuoto">HEL 2024-001234 T 05 00 00</div>'
    '<div class="SisaltoSektio"><h3 class="SisaltoOtsikko">Päätös</h3>'
    "<p>Lautakunta päätti ottaa Kaikukortin käyttöön.</p></div>"
    '<div class="SisaltoSektio"><h3 class="SisaltoOtsikko">Esittelijän perustelut</h3>'
    "<p>Kaikukortti tuo kulttuurin pienituloisten ulottuville.</p></div>"
    '<h3 class="MuutoksenhakuOtsikko">Muutoksenhaku</h3><h4>OIKAISUVAATIMUSOHJE</h4>'
    "<p>Kaikukortista saa tehdä oikaisuvaatimuksen.</p></div></body></html>"
)
RECORDS = [
    {
        "NativeId": "{AAAA-1}",
        "Title": "Kaikukortin käyttöönotto",
        "CaseIDLabel": "HEL 2024-001234",
        "Section": "45",
        "Content": AHJO_CONTENT,
        "Organization": {"Name": "Kulttuuri- ja vapaa-aikalautakunta", "Type": "Lautakunta"},
        "Meeting": {
            "MeetingID": "U1",
            "DecisionMaker": "Kulttuuri- ja vapaa-aikalautakunta",
            "DateMeeting": "2024-03-19T16:00:00.000",
            "Location": "Kaupungintalo",
        },
    },
    # An official's decision: no meeting, so the day the HTML was generated.
    {
        "NativeId": "{AAAA-2}",
        "Title": "Kaikukortin hankinta",
        "CaseIDLabel": None,
        "Section": "7",
        "Content": AHJO_CONTENT.replace("§ 45", "7 §")
        .replace("Kaikukortin käyttöönotto", "Kaikukortin hankinta")
        .replace("HEL 2024-001234 T 05 00 00", "")
        .replace("Lautakunta päätti", "Kulttuurijohtaja päätti"),
        "Organization": {"Name": "Kulttuurijohtaja", "Type": "Viranhaltija"},
        "Meeting": None,
    },
]


def test_an_ahjo_export_gives_the_decision_fields(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    written = export(RECORDS, seeds, {"U1": {"MeetingSequenceNumber": 5}})
    assert sorted(p.name for p in written) == ["45-AAAA-1.html", "7-AAAA-2.html"]
    doc = load(seeds, "45-AAAA-1.html")
    assert (doc.title, doc.date) == (
        "Kulttuuri- ja vapaa-aikalautakunta 19.3.2024, pöytäkirja 5/2024",
        datetime.date(2024, 3, 19),
    )
    assert doc.decision is not None and doc.decision.place == "Kaupungintalo"
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    hits = search(index_dir, "kaikukortti").hits
    assert sorted(
        (h.id, h.section, h.section_title, h.case, h.decision_maker, h.organisation, h.kind)
        + (h.date, h.meeting)
        for h in hits
    ) == [
        (
            "45-AAAA-1.html",
            "45",
            "Kaikukortin käyttöönotto",
            "HEL 2024-001234",
            "Kulttuuri- ja vapaa-aikalautakunta",
            "Helsingin kaupunki",
            "pöytäkirja",
            "2024-03-19",
            "5/2024",
        ),
        (
            "7-AAAA-2.html",
            "7",
            "Kaikukortin hankinta",
            None,
            "Kulttuurijohtaja",
            "Helsingin kaupunki",
            "viranhaltijapäätös",
            "2024-03-20",
            None,
        ),
    ]
    # The appeal instructions belong to no section and make no snippet.
    assert all("oikaisuvaatimuksen" not in h.snippet.lower() for h in hits)
    assert [h.section for h in search(index_dir, "hel 2024-001234").hits] == ["45"]


def test_a_page_with_meta_tags_but_no_printed_number(tmp_path: Path) -> None:
    page = (
        '<html><head><meta name="kind" content="Tjänstemannabeslut">'
        '<meta name="decision-maker" content="Socialdirektör">'
        '<meta name="organisation" content="Närpes stad">'
        '<meta name="meeting-date" content="2.5.2024"><meta name="section" content="§ 12">'
        '<meta name="case" content="Dnr 45/2024"></head><body><h1>Servicesedel</h1>'
        "<p>Beslut</p><p>Servicesedelns värde är 30 euro.</p></body></html>"
    )
    (tmp_path / "beslut.html").write_text(page, encoding="utf-8")
    doc = load(tmp_path, "beslut.html")
    assert doc.title == "Socialdirektör 2.5.2024, tjänstemannabeslut"
    assert [(s.number, s.title, s.case, s.decision) for s in doc.sections] == [
        ("12", "Servicesedel", "Dnr 45/2024", "Servicesedelns värde är 30 euro.")
    ]


def documenta_page(charset: str | None) -> str:
    """A made-up section page in the shape Documenta publishes minutes in."""
    declared = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (
        f"<html><head>{declared if charset else ''}<title>Espoon kaupunki</title></head>"
        '<body><center><a href="TELIMET.HTM">Toimielimet</a> | <a href="T.HTM">'
        'Sosiaali- ja terveyslautakunta</a> | <a href="P.HTM">Pöytäkirja 14.03.2024</a>'
        "</center><table><tr><td>Sosiaali- ja terveyslautakunta<br>"
        "Pöytäkirja 14.03.2024 Pykälä 31</td></tr></table>"
        "<p>Edellinen asia | Seuraava asia</p><p>412/2024</p><p>05.00.00</p>"
        "<p>Sosiaali- ja terveyslautakunta</p><p>12 §</p><p>15.2.2024</p>"
        "<p>§ 31</p><p>Äitiysneuvolan kotikäynnit, maksu 5 €</p>"
        "<p>Valmistelijat / lisätiedot:</p><p>Öljymäki Åsa</p>"
        "<p>Päätösehdotus Sosiaali- ja terveystoimen johtaja</p>"
        "<p>Lautakunta hyväksyy äitiysneuvolan kotikäynnit.</p>"
        "<p>Päätös</p><p>Hyväksyttiin.</p>"
        "<p>Edellinen asia | Seuraava asia</p><p>Toimielimet | Pöytäkirja 14.03.2024</p>"
        "</body></html>"
    )


def test_a_documenta_page_in_cp1252_is_one_section(tmp_path: Path) -> None:
    for name, charset, encoding in [
        ("declared.HTM", "windows-1252", "cp1252"),
        ("undeclared.htm", None, "cp1252"),
        # Latin-9's euro is cp1252's currency sign: the declaration decides.
        ("latin9.HTM", "ISO-8859-15", "iso8859-15"),
    ]:
        (tmp_path / name).write_bytes(documenta_page(charset).encode(encoding))
        doc = load(tmp_path, name)
        assert doc.decision is not None, name
        assert (doc.title, doc.decision.organisation) == (
            "Sosiaali- ja terveyslautakunta 14.3.2024, pöytäkirja",
            "Espoon kaupunki",
        ), name
        assert [(s.number, s.title, s.case, s.decision) for s in doc.sections] == [
            ("31", "Äitiysneuvolan kotikäynnit, maksu 5 €", "Dnro 412/2024", "Hyväksyttiin.")
        ], name
        section = doc.body[doc.sections[0].start : doc.sections[0].end]
        assert "Öljymäki Åsa" in section and "Seuraava asia" not in section, name
    # A build takes the .HTM suffix, and the pages are hits with the decision's fields.
    index_dir = tmp_path.parent / f"{tmp_path.name}-index"
    build_index(tmp_path, index_dir)
    hits = search(index_dir, "äitiysneuvolan kotikäynnit").hits
    assert sorted((h.id, h.section, h.case, h.decision_maker, h.date) for h in hits) == [
        (name, "31", "Dnro 412/2024", "Sosiaali- ja terveyslautakunta", "2024-03-14")
        for name in ("declared.HTM", "latin9.HTM", "undeclared.htm")
    ]


TWEB_ITEM = [
    [
        "Kotihoidon palvelusetelin arvo",
        "VD/2345/05.00.00/2024",
        "Päätöshistoria",
        "Sosiaali- ja terveyslautakunta 5.2.2024 § 12",
        "Kotihoidon palvelusetelin arvoa korotetaan.",
        "Kaupunginhallitus 4.3.2024 § 40",
        "Kaupunginjohtajan esitys:",
        "Kaupunginhallitus hyväksyy palvelusetelin uuden arvon.",
        "Päätös",
        "Hyväksyttiin.",
    ]
]
# The same item with only its earlier handlings: which meeting the file is of is not said.
TWEB_HISTORY = [
    [
        "Kotihoidon palvelusetelin arvo",
        "VD/2345/05.00.00/2024",
        "Päätöshistoria Sosiaali- ja terveyslautakunta 5.2.2024 § 12",
        "Kaupunginhallitus 4.3.2024 § 40",
        "Kaupunginhallituksen käsittely",
        "Päätös",
        "Hyväksyttiin.",
    ]
]


def test_a_tweb_item_pdf_is_one_section_of_its_handling(tmp_path: Path) -> None:
    from tests import sample_documents as sd

    sd.write(tmp_path / "item.pdf", sd.pdf_bytes(TWEB_ITEM, title="Tweb", footer=None))
    doc = load(tmp_path, "item.pdf")
    assert doc.decision is not None
    assert (doc.title, doc.date, doc.decision.decision_maker) == (
        "Kaupunginhallitus 4.3.2024, pöytäkirja",
        datetime.date(2024, 3, 4),
        "Kaupunginhallitus",
    )
    assert [(s.number, s.title, s.case, s.decision) for s in doc.sections] == [
        ("40", "Kotihoidon palvelusetelin arvo", "VD/2345/05.00.00/2024", "Hyväksyttiin.")
    ]
    sd.write(tmp_path / "history.pdf", sd.pdf_bytes(TWEB_HISTORY, title="Tweb", footer=None))
    doc = load(tmp_path, "history.pdf")
    assert (doc.decision, doc.title) == (None, "Kotihoidon palvelusetelin arvo")
