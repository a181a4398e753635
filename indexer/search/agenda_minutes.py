"""An agenda's section and the minutes' same section shown once: the minutes', the agenda a
link away.

A body publishes its agenda before a meeting and its minutes after it, and the minutes
repeat each section of the agenda with its decision added: a query about the matter finds
both, and the result showed the same section twice, one under the other. The minutes say what
was decided, so they stay; the agenda is listed in the minutes' hit's `also`.

Two hits are the same section when their organisation, decision maker, meeting date and
section number are the same (and their meeting numbers, when both print one: an agenda
often has none).
"""

from dataclasses import replace

from indexer.search.results import Hit

AGENDAS = frozenset({"esityslista", "föredragningslista"})
MINUTES = frozenset({"pöytäkirja", "protokoll"})
# What `also` calls an agenda's section beside its minutes'.
AGENDA = "agenda"


def collapse_agenda_minutes(hits: list[Hit]) -> list[Hit]:
    """Return the hits with each agenda's section left out whose minutes' same section is
    among them, the minutes' hit in the better place of the two with the agenda's in `also`.

    >>> agenda = Hit("a.pdf", "a.pdf", "§ 81 Ohje", "2025-11-10", 2.0, "", kind="esityslista",
    ...     decision_maker="Kaupunginvaltuusto", section="81", anchor="s81")
    >>> minutes = replace(agenda, id="p.pdf", path="p.pdf", kind="pöytäkirja", score=1.0)
    >>> [(h.id, h.also) for h in collapse_agenda_minutes([agenda, minutes])]
    [('p.pdf', ({'relation': 'agenda', 'id': 'a.pdf', 'anchor': 's81', 'page': None},))]
    """
    minutes_at = {_key(h): n for n, h in enumerate(hits) if h.kind in MINUTES and h.section}
    agendas: dict[int, list[Hit]] = {}
    first: dict[int, int] = {}
    for n, hit in enumerate(hits):
        at = minutes_at.get(_key(hit)) if hit.kind in AGENDAS and hit.section else None
        if at is None or not _same_meeting(hit, hits[at]):
            continue
        agendas.setdefault(at, []).append(hit)
        first[at] = min(first.get(at, at), n)
    if not agendas:
        return hits
    dropped = {id(h) for found in agendas.values() for h in found}
    placed = {place: at for at, place in first.items()}
    shown = []
    for n, hit in enumerate(hits):
        if n in placed:
            at = placed[n]
            minutes = hits[at]
            links = tuple(_link(h) for h in agendas[at])
            shown.append(replace(minutes, also=(*minutes.also, *links)))
        elif n in agendas or id(hit) in dropped:
            continue
        else:
            shown.append(hit)
    return shown


def _key(hit: Hit) -> tuple[str | None, str | None, str | None, str | None]:
    return (hit.organisation, hit.decision_maker, hit.date, hit.section)


def _same_meeting(agenda: Hit, minutes: Hit) -> bool:
    return not (agenda.meeting and minutes.meeting) or agenda.meeting == minutes.meeting


def _link(agenda: Hit) -> dict[str, str | int | None]:
    return {"relation": AGENDA, "id": agenda.id, "anchor": agenda.anchor, "page": agenda.page}
