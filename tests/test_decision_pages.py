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
