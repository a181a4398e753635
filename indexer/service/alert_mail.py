"""The e-mails of alerts: the confirmation of a subscription, and the alert of new documents,
each in the language of the page it was asked on, as plain text and HTML.

The texts are here rather than in the web pages' catalogues: `sotehaku alerts` sends them
from the library, without Flask. Everything that comes from a query or a document is
escaped in the HTML, shown without control characters in the text, and kept out of the
headers but for the subject, which gets it on one line.
"""

import html
import re
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote, urlencode

from babel.dates import format_date

from indexer.common import settings
from indexer.common.settings import MailSettings
from indexer.common.text import bidi_escaped
from indexer.search.results import Hit
from indexer.service.saved_searches import SavedSearch

# The paths of the web pages the links lead to (webui/alerts.py).
CONFIRM_PATH = "/alerts/confirm"
UNSUBSCRIBE_PATH = "/alerts/unsubscribe"
# Hours an unconfirmed subscription waits for its confirmation.
PENDING_HOURS = 48
# Items one alert lists; the rest are a link away.
MAX_ITEMS = 20
# Characters of a query or title shown in a subject.
SUBJECT_CHARS = 80

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")

# The filters' names, as the search page calls them in each language.
LABELS = {
    "fi": {
        "year": "Vuosi",
        "source": "Lähde",
        "format": "Tiedostomuoto",
        "language": "Kieli",
        "decision_maker": "Päättäjä",
        "organisation": "Organisaatio",
        "kind": "Asiakirjan laji",
        "from": "Alkaen",
        "to": "Asti",
        "*": "kaikki asiakirjat",
    },
    "sv": {
        "year": "År",
        "source": "Källa",
        "format": "Filformat",
        "language": "Språk",
        "decision_maker": "Beslutsfattare",
        "organisation": "Organisation",
        "kind": "Handlingstyp",
        "from": "Från",
        "to": "Till",
        "*": "alla dokument",
    },
    "en": {
        "year": "Year",
        "source": "Source",
        "format": "Format",
        "language": "Language",
        "decision_maker": "Decision maker",
        "organisation": "Organisation",
        "kind": "Document kind",
        "from": "From",
        "to": "To",
        "*": "all documents",
    },
}

TEXTS = {
    "fi": {
        "confirm_subject": "Vahvista hakuvahdin tilaus",
        "confirm_body": (
            "Sivustolla {site} pyydettiin lähettämään tähän osoitteeseen sähköpostia, kun"
            " tähän hakuun tulee uusia asiakirjoja:\n\n{search}\n\nVahvista tilaus avaamalla"
            " linkki ja painamalla sivun painiketta:"
        ),
        "confirm_end": (
            "Linkki on voimassa {hours} tuntia. Jos et pyytänyt tätä, älä tee mitään: tähän"
            " osoitteeseen ei lähetetä tästä hausta muuta."
        ),
        "alert_subject": "Uusia asiakirjoja: {search}",
        "alert_intro": "Hakuun {search} on tullut uusia asiakirjoja ({site}):",
        "more": "… ja {n} muuta.",
        "all": "Kaikki tulokset uusimmat ensin:",
        "unsubscribe": "Lopeta tämän haun seuraaminen:",
    },
    "sv": {
        "confirm_subject": "Bekräfta din bevakning",
        "confirm_body": (
            "På webbplatsen {site} bad någon om e-post till den här adressen när nya dokument"
            " hittas med sökningen:\n\n{search}\n\nBekräfta bevakningen genom att öppna"
            " länken och trycka på knappen på sidan:"
        ),
        "confirm_end": (
            "Länken gäller i {hours} timmar. Om du inte bad om detta behöver du inte göra"
            " något: inget mer skickas till adressen om den här sökningen."
        ),
        "alert_subject": "Nya dokument: {search}",
        "alert_intro": "Nya dokument för sökningen {search} ({site}):",
        "more": "… och {n} till.",
        "all": "Alla träffar, nyaste först:",
        "unsubscribe": "Sluta bevaka sökningen:",
    },
    "en": {
        "confirm_subject": "Confirm your search alert",
        "confirm_body": (
            "Someone asked {site} to send e-mail to this address when new documents match"
            " this search:\n\n{search}\n\nConfirm it by opening the link and pressing the"
            " button on the page:"
        ),
        "confirm_end": (
            "The link is valid for {hours} hours. If you did not ask for this, do nothing:"
            " nothing more about this search is sent to this address."
        ),
        "alert_subject": "New documents: {search}",
        "alert_intro": "New documents for the search {search} ({site}):",
        "more": "… and {n} more.",
        "all": "All results, newest first:",
        "unsubscribe": "Stop following this search:",
    },
}


def confirmation(
    mail: MailSettings, address: str, saved: SavedSearch, lang: str, token: str
) -> EmailMessage:
    """Return the message that asks to confirm a subscription through its token's link."""
    texts, site = TEXTS[lang], _site_name(lang)
    link = f"{mail.public_url}{CONFIRM_PATH}?{urlencode({'t': token, 'lang': lang})}"
    body = texts["confirm_body"].format(site=site, search=_line(saved.described(LABELS[lang])))
    end = texts["confirm_end"].format(hours=PENDING_HOURS)
    message = _message(mail, address, texts["confirm_subject"], lang)
    message.set_content(f"{body}\n\n{link}\n\n{end}\n")
    paragraphs = "".join(f"<p>{_html(p)}</p>" for p in body.split("\n\n"))
    message.add_alternative(
        _page(lang, f"{paragraphs}<p>{_link(link)}</p><p>{_html(end)}</p>"), subtype="html"
    )
    # Last: setting the content replaces every Content- header.
    message["Content-Language"] = lang
    return message


def alert(
    mail: MailSettings,
    address: str,
    saved: SavedSearch,
    lang: str,
    hits: list[Hit],
    unsubscribe_token: str,
) -> EmailMessage:
    """Return the alert that lists new documents (at most MAX_ITEMS of hits), with the link
    to the search and the one that ends the subscription, also as List-Unsubscribe."""
    texts, site = TEXTS[lang], _site_name(lang)
    search = _line(saved.described(LABELS[lang]))
    search_link = f"{mail.public_url}{saved.page_path()}&lang={lang}"
    unsubscribe = f"{mail.public_url}{UNSUBSCRIBE_PATH}?{urlencode({'t': unsubscribe_token})}"
    message = _message(mail, address, texts["alert_subject"].format(search=_subject(search)), lang)
    # RFC 8058: a mail program may end the subscription with one POST to this address.
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    shown, more = hits[:MAX_ITEMS], len(hits) - MAX_ITEMS
    intro = texts["alert_intro"].format(search=search, site=site)
    lines, items = [intro, ""], []
    for hit in shown:
        link = _hit_link(mail.public_url, saved, hit, lang)
        details = _details(hit, lang)
        lines += [f"- {_line(hit.title or hit.id)}", *(f"  {d}" for d in details), f"  {link}"]
        items.append(
            f'<li><a href="{_html(link)}">{_html(_line(hit.title or hit.id))}</a>'
            + "".join(f"<br>{_html(d)}" for d in details)
            + "</li>"
        )
    tail = [texts["more"].format(n=more)] if more > 0 else []
    lines += ["", *tail, texts["all"], search_link, "", texts["unsubscribe"], unsubscribe]
    message.set_content("\n".join(lines) + "\n")
    html_tail = "".join(f"<p>{_html(t)}</p>" for t in tail)
    message.add_alternative(
        _page(
            lang,
            f"<p>{_html(intro)}</p><ul>{''.join(items)}</ul>{html_tail}"
            f"<p>{_html(texts['all'])} {_link(search_link)}</p>"
            f"<p>{_html(texts['unsubscribe'])} {_link(unsubscribe)}</p>",
        ),
        subtype="html",
    )
    message["Content-Language"] = lang
    return message


def _message(mail: MailSettings, address: str, subject: str, lang: str) -> EmailMessage:
    message = EmailMessage()
    sender_domain = mail.sender.rpartition("@")[2]
    message["From"] = Address(_site_name(lang), addr_spec=mail.sender)
    message["To"] = Address(addr_spec=address)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender_domain)
    return message


def _hit_link(public_url: str, saved: SavedSearch, hit: Hit, lang: str) -> str:
    args = [("q", saved.q)] * bool(saved.q) + [("page", str(hit.page))] * bool(hit.page)
    query = urlencode([*args, ("lang", lang)])
    anchor = f"#{quote(hit.anchor)}" if hit.anchor else ""
    return f"{public_url}/doc/{quote(hit.id, safe='/')}?{query}{anchor}"


def _details(hit: Hit, lang: str) -> list[str]:
    """Return the lines under a hit's title: its date, and who decided it at which meeting."""
    lines = [_local_date(hit.date, lang)] if hit.date else []
    if hit.kind:
        meeting = " ".join(filter(None, [hit.kind, hit.meeting]))
        lines.append(" · ".join(filter(None, [hit.decision_maker or hit.organisation, meeting])))
    return [_line(line) for line in lines]


def _local_date(value: str, lang: str) -> str:
    """Write a date as the pages do (webui/i18n.py): 24.2.2025, or Feb 24, 2025 in English."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    if lang in ("fi", "sv"):
        return f"{day.day}.{day.month}.{day.year}"
    return format_date(day, "medium", locale="en")


def _site_name(lang: str) -> str:
    return _line(settings.get(f"SITE_NAME_{lang.upper()}")) or "Sotehaku"


def _line(text: str) -> str:
    """Return text on one line, without control characters, bidi controls shown as escapes."""
    return bidi_escaped(" ".join(_CONTROLS.sub(" ", text).split()))


def _subject(text: str) -> str:
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str) -> str:
    return f'<a href="{_html(url)}">{_html(url)}</a>'


def _page(lang: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="{lang}"><meta charset="utf-8"><body>{body}</body></html>\n'
    )
