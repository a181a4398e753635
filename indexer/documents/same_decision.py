"""One decision in either language: the key that the Finnish and the Swedish version of a
decision document, or of one of its sections, share.

A bilingual body (Pohjanmaa / Österbotten, Länsi-Uusimaa / Västra Nyland, Itä-Uusimaa /
Östra Nyland, many municipalities) publishes its minutes in both languages: the same meeting
number and date, the same section numbers, but the organisation, the body and the kind in
each language's words ("Pohjanmaan hyvinvointialue, Aluehallitus, pöytäkirja" and
"Österbottens välfärdsområde, Områdesstyrelsen, protokoll"). The key names them in Finnish:
a Swedish name is looked up in NAMES, and one that is not there is compared as written, so an
unknown body's two versions are not linked rather than two bodies' decisions linked wrongly.
"""

from indexer.documents.decisions import Decision

# Kinds in either language -> the kind the key names: the minutes and the agenda of a meeting
# are two documents, not one in two languages.
_KINDS = {
    "pöytäkirja": "minutes",
    "protokoll": "minutes",
    "esityslista": "agenda",
    "föredragningslista": "agenda",
    "viranhaltijapäätös": "decision",
    "tjänstemannabeslut": "decision",
}

# Swedish names of the bilingual wellbeing services counties and cities and of the bodies
# every one of them has -> the Finnish names, in lower case. Both the definite form the
# headers print and the indefinite one.
NAMES = {
    "österbottens välfärdsområde": "pohjanmaan hyvinvointialue",
    "välfärdsområdet i österbotten": "pohjanmaan hyvinvointialue",
    "västra nylands välfärdsområde": "länsi-uudenmaan hyvinvointialue",
    "välfärdsområdet i västra nyland": "länsi-uudenmaan hyvinvointialue",
    "östra nylands välfärdsområde": "itä-uudenmaan hyvinvointialue",
    "välfärdsområdet i östra nyland": "itä-uudenmaan hyvinvointialue",
    "mellersta nylands välfärdsområde": "keski-uudenmaan hyvinvointialue",
    "välfärdsområdet i mellersta nyland": "keski-uudenmaan hyvinvointialue",
    "egentliga finlands välfärdsområde": "varsinais-suomen hyvinvointialue",
    "välfärdsområdet i egentliga finland": "varsinais-suomen hyvinvointialue",
    "vanda och kervo välfärdsområde": "vantaan ja keravan hyvinvointialue",
    "helsingfors stad": "helsingin kaupunki",
    "esbo stad": "espoon kaupunki",
    "vanda stad": "vantaan kaupunki",
    "åbo stad": "turun kaupunki",
    "vasa stad": "vaasan kaupunki",
    "karleby stad": "kokkolan kaupunki",
    "borgå stad": "porvoon kaupunki",
    "raseborgs stad": "raaseporin kaupunki",
    "områdesstyrelsen": "aluehallitus",
    "områdesstyrelse": "aluehallitus",
    "välfärdsområdesfullmäktige": "aluevaltuusto",
    "områdesfullmäktige": "aluevaltuusto",
    "stadsstyrelsen": "kaupunginhallitus",
    "stadsstyrelse": "kaupunginhallitus",
    "kommunstyrelsen": "kunnanhallitus",
    "kommunstyrelse": "kunnanhallitus",
    "stadsfullmäktige": "kaupunginvaltuusto",
    "kommunfullmäktige": "kunnanvaltuusto",
    "revisionsnämnden": "tarkastuslautakunta",
    "revisionsnämnd": "tarkastuslautakunta",
    "välfärdsnämnden": "hyvinvointilautakunta",
    "välfärdsnämnd": "hyvinvointilautakunta",
    "social- och hälsovårdsnämnden": "sosiaali- ja terveyslautakunta",
    "social- och hälsovårdsnämnd": "sosiaali- ja terveyslautakunta",
    "nämnden för svenska ärenden": "ruotsinkielisten asioiden lautakunta",
}


def finnish_name(name: str) -> str:
    """Return a body's or an organisation's name as the key compares it: in lower case, and
    in Finnish when NAMES has it.

    >>> finnish_name("Områdesstyrelsen"), finnish_name("Aluehallitus")
    ('aluehallitus', 'aluehallitus')
    """
    lowered = " ".join(name.lower().split())
    return NAMES.get(lowered, lowered)


def decision_key(decision: Decision, section: str = "") -> str:
    """Return the key of a decision document (section "") or of one of its sections (its
    number): its kind, organisation, decision maker, meeting (its number, or its date when
    none is printed) and section, in Finnish.

    >>> from datetime import date
    >>> decision_key(Decision("protokoll", "Österbottens välfärdsområde", "Områdesstyrelsen",
    ...     "2/2025", date(2025, 2, 10), "Vasa"), "5")
    'minutes|pohjanmaan hyvinvointialue|aluehallitus|2/2025|5'
    """
    meeting = decision.meeting or decision.meeting_date.isoformat()
    return "|".join(
        (
            _KINDS.get(decision.kind, decision.kind),
            finnish_name(decision.organisation),
            finnish_name(decision.decision_maker),
            meeting,
            section,
        )
    )
