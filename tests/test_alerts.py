"""E-mail alerts end to end: the search page's form through Flask's test client, the real
`sotehaku alerts` command, and a real SMTP server (aiosmtpd) on loopback that keeps what it
is sent."""

import dataclasses
import email
import re
import shutil
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from indexer.cli import cli
from indexer.common.settings import MailSettings
from indexer.service.alert_store import STORE_FILE
from indexer.service.saved_searches import SavedSearch
from indexer.service.subscribing import Limits, TooManyRequests
from indexer.service.subscribing import subscribe as subscribe_address
from indexer.writing.build import build_index
from indexer.writing.update import update_index
from tests.conftest import write_files
from tests.server import free_port
from webui import create_app

PUBLIC_URL = "https://haku.example.fi"
SENDER = "haku@example.fi"
SEEDS = {
    "lautakunta/2024-01.txt": "Talousarvion valmistelu\n\nTalousarvio 2024 ja hyvinvointialue.",
    "lautakunta/2024-02.txt": "Kotihoidon tilanne\n\nKotihoito ja ikäihmisten palvelut.",
}


@dataclass
class Inbox:
    """What the SMTP server was sent: each message with its envelope's recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        taken, self.messages[:] = list(self.messages), []
        return taken


@dataclass
class Setup:
    seeds: Path
    index: Path
    inbox: Inbox
    mail: MailSettings
    env: dict[str, str]

    def client(self):
        app = create_app({"TESTING": True, "INDEX_DIR": self.index, "MAIL": self.mail})
        return app.test_client()

    def add(self, name: str, text: str) -> None:
        """Add a document to the seeds and update the index, as the watcher would."""
        write_files(self.seeds, {name: text})
        update_index(self.seeds, self.index)

    def alerts(self) -> tuple[int, str]:
        """Run `sotehaku alerts` as the timer does; return its exit code and output."""
        done = CliRunner().invoke(cli, ["alerts", "--index", str(self.index)], env=self.env)
        return done.exit_code, done.output


@pytest.fixture()
def setup(tmp_path: Path) -> Iterator[Setup]:
    seeds = write_files(tmp_path / "seeds", SEEDS)
    build_index(seeds, tmp_path / "index")
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mail = MailSettings("127.0.0.1", port, "none", "", "", SENDER, PUBLIC_URL)
    env = {
        "SOTEHAKU_SMTP_HOST": "127.0.0.1",
        "SOTEHAKU_SMTP_PORT": str(port),
        "SOTEHAKU_SMTP_SECURITY": "none",
        "SOTEHAKU_MAIL_FROM": SENDER,
        "SOTEHAKU_PUBLIC_URL": PUBLIC_URL,
    }
    try:
        yield Setup(seeds, tmp_path / "index", inbox, mail, env)
    finally:
        controller.stop()


def subscribe(client, address: str, **search: str):
    return client.post("/alerts/subscribe", data={**search, "email": address})


def links(message: EmailMessage) -> list[str]:
    """Return the site's addresses in a message's plain text, as paths to request."""
    text = message.get_body(("plain",)).get_content()
    found = re.findall(re.escape(PUBLIC_URL) + r"\S+", text)
    return [urlsplit(url).path + "?" + urlsplit(url).query for url in found]


def confirm(client, message: EmailMessage):
    """Follow a confirmation message's link and press the page's button."""
    (link,) = [u for u in links(message) if u.startswith("/alerts/confirm")]
    page = client.get(link)
    assert page.status_code == 200
    token = re.search(r'name="t" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/alerts/confirm", data={"t": token})


def test_a_subscription_is_confirmed_sent_what_is_new_once_and_ended(setup: Setup) -> None:
    client = setup.client()
    page = subscribe(client, "liisa@example.org", q="talousarvio", source="lautakunta")
    assert page.status_code == 200
    assert "Tarkista sähköpostisi" in page.get_data(as_text=True)
    ((to, confirmation),) = setup.inbox.take()
    assert to == ["liisa@example.org"]
    assert confirmation["From"].addresses[0].addr_spec == SENDER
    assert "talousarvio" in confirmation.get_body(("plain",)).get_content()

    # Before it is confirmed, nothing is sent, even with something new.
    setup.add("lautakunta/2024-03.txt", "Talousarvion muutos\n\nTalousarvio muuttuu.")
    assert setup.alerts() == (0, "Sent 0 alerts; 0 subscriptions had nothing new.\n")
    assert confirm(client, confirmation).status_code == 200
    # What the search found at confirmation counts as sent.
    assert setup.alerts() == (0, "Sent 0 alerts; 1 subscriptions had nothing new.\n")
    assert setup.inbox.take() == []

    setup.add("lautakunta/2024-04.txt", "Talousarvion toteuma\n\nTalousarvio toteutui 12.3.2024.")
    setup.add("muut/2024-04.txt", "Talousarvio muualla\n\nTalousarvio, mutta toinen lähde.")
    assert setup.alerts() == (0, "Sent 1 alerts; 0 subscriptions had nothing new.\n")
    ((to, alert),) = setup.inbox.take()
    assert to == ["liisa@example.org"]
    text = alert.get_body(("plain",)).get_content()
    assert "Talousarvion toteuma" in text and "12.3.2024" in text
    assert "Talousarvion muutos" not in text and "toinen lähde" not in text
    assert f"{PUBLIC_URL}/doc/lautakunta/2024-04.txt?q=talousarvio&lang=fi" in text
    (unsubscribe,) = [u for u in links(alert) if u.startswith("/alerts/unsubscribe")]
    assert alert["List-Unsubscribe"] == f"<{PUBLIC_URL}{unsubscribe}>"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = alert.get_body(("html",)).get_content()
    assert ">Talousarvion toteuma</a>" in html

    # Nothing new: nothing sent, and the same document never twice.
    assert setup.alerts() == (0, "Sent 0 alerts; 1 subscriptions had nothing new.\n")
    assert setup.inbox.take() == []

    form = client.get(unsubscribe)
    assert form.status_code == 200 and 'type="submit"' in form.get_data(as_text=True)
    ended = client.post(unsubscribe)
    assert "Hakuvahti on lopetettu" in ended.get_data(as_text=True)
    setup.add("lautakunta/2024-05.txt", "Talousarvion seuranta\n\nTalousarvio seurannassa.")
    assert setup.alerts() == (0, "Sent 0 alerts; 0 subscriptions had nothing new.\n")
    assert setup.inbox.take() == []


def test_the_page_says_the_same_whatever_the_address_and_sends_one_confirmation(
    setup: Setup,
) -> None:
    client = setup.client()
    first = subscribe(client, "liisa@example.org", q="kotihoito")
    again = subscribe(client, "liisa@example.org", q="kotihoito")
    other_search = subscribe(client, "liisa@example.org", q="talousarvio")
    new_address = subscribe(client, "pekka@example.org", q="kotihoito")
    pages = [r.get_data(as_text=True) for r in (first, again, other_search, new_address)]
    # One address pending, or a new one: the visitor cannot tell them apart.
    assert pages[1] == pages[0] == pages[3].replace("pekka", "liisa")
    assert pages[2].replace("talousarvio", "kotihoito") == pages[0]
    assert not any("@example.org" in page for page in pages)
    sent = setup.inbox.take()
    assert sorted(to for to, _ in sent) == [["liisa@example.org"], ["pekka@example.org"]]


def test_requests_are_limited_per_client_and_per_address(setup: Setup) -> None:
    client = setup.client()
    # One network: an IPv6 /64.
    for n in range(5):
        remote = {"REMOTE_ADDR": f"2001:db8:1:2::{n + 1}"}
        page = client.post(
            "/alerts/subscribe",
            data={"q": "kotihoito", "email": f"henkilo{n}@example.org"},
            environ_base=remote,
        )
        assert page.status_code == 200
    refused = client.post(
        "/alerts/subscribe",
        data={"q": "kotihoito", "email": "henkilo5@example.org"},
        environ_base={"REMOTE_ADDR": "2001:db8:1:2::99"},
    )
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "Liian monta tilauspyyntöä" in refused.get_data(as_text=True)
    assert len(setup.inbox.take()) == 5
    # Loopback is the proxy (which limits each address) or a local user: not held back by
    # the others, only by the limit of everybody together.
    for n in range(6):
        assert subscribe(client, f"paikallinen{n}@example.org", q="kotihoito").status_code == 200
    assert len(setup.inbox.take()) == 6

    # From many networks, one address gets at most three confirmations an hour, even when
    # each was confirmed before the next request.
    for n, q in enumerate(["kotihoito", "talousarvio", "hyvinvointialue", "palvelut"]):
        remote = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        page = client.post(
            "/alerts/subscribe",
            data={"q": q, "email": "kohde@example.org"},
            environ_base=remote,
        )
        assert page.status_code == 200
        for _, message in setup.inbox.take():
            assert confirm(client, message).status_code == 200
        assert n < 3 or setup.inbox.messages == []
    assert setup.inbox.messages == []


def test_a_bad_address_or_search_is_refused_with_a_message(setup: Setup) -> None:
    client = setup.client()
    for address in ["", "liisa", "a@b", "liisa@example.org\r\nBcc: x@example.org", "a b@c.fi"]:
        page = subscribe(client, address, q="kotihoito")
        assert page.status_code == 400, address
        assert "Anna yksi sähköpostiosoite" in page.get_data(as_text=True)
    assert subscribe(client, "liisa@example.org", q="*koti").status_code == 400
    assert subscribe(client, "liisa@example.org", q="koti", year="20x1").status_code == 400
    assert setup.inbox.take() == []


def test_hostile_queries_and_titles_are_escaped_in_the_messages(setup: Setup) -> None:
    client = setup.client()
    subscribe(client, "pekka@example.org", q="talousarvio\r\nBcc: vieras@example.org")
    ((to, confirmation),) = setup.inbox.take()
    assert to == ["pekka@example.org"] and confirmation["Bcc"] is None
    subscribe(client, "liisa@example.org", q='talousarvio NOT "<img src=x onerror=alert(1)>"')
    ((to, confirmation),) = setup.inbox.take()
    confirm_html = confirmation.get_body(("html",)).get_content()
    assert "<img" not in confirm_html and "&lt;img src=x" in confirm_html
    confirm(client, confirmation)
    setup.add("lautakunta/2024-09.txt", '<script>alert("x")</script> talousarvio\n\nTalousarvio.')
    assert setup.alerts()[0] == 0
    ((to, alert),) = setup.inbox.take()
    assert to == ["liisa@example.org"]
    assert alert["Subject"] == 'Uusia asiakirjoja: “talousarvio NOT "<img src=x onerror=alert(1)>"”'
    html = alert.get_body(("html",)).get_content()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; talousarvio" in html
    assert '<script>alert("x")</script> talousarvio' in alert.get_body(("plain",)).get_content()


def test_no_address_reaches_a_page_or_another_subscribers_message(setup: Setup) -> None:
    client = setup.client()
    shown = []
    for address in ["liisa@example.org", "pekka@example.net"]:
        shown.append(subscribe(client, address, q="talousarvio"))
        ((_, confirmation),) = setup.inbox.take()
        (link,) = [u for u in links(confirmation) if u.startswith("/alerts/confirm")]
        shown += [client.get(link), confirm(client, confirmation)]
    setup.add("lautakunta/2024-06.txt", "Talousarvion ennuste\n\nTalousarvio ennustaa.")
    assert setup.alerts() == (0, "Sent 2 alerts; 0 subscriptions had nothing new.\n")
    alerts = dict((to[0], message) for to, message in setup.inbox.take())
    for mine, theirs in [("liisa@example.org", "pekka"), ("pekka@example.net", "liisa")]:
        raw = alerts[mine].as_bytes()
        assert theirs.encode() not in raw
        (unsubscribe,) = [u for u in links(alerts[mine]) if u.startswith("/alerts/unsubscribe")]
        shown += [client.get(unsubscribe), client.post(unsubscribe)]
    shown.append(client.get("/?q=talousarvio"))
    for page in shown:
        text = page.get_data(as_text=True)
        assert "liisa" not in text and "pekka" not in text and "example.net" not in text


def test_a_mail_client_unsubscribes_with_one_post(setup: Setup) -> None:
    client = setup.client()
    subscribe(client, "liisa@example.org", q="kotihoito")
    confirm(client, setup.inbox.take()[0][1])
    setup.add("lautakunta/2024-07.txt", "Kotihoidon kysely\n\nKotihoito kysyy.")
    setup.alerts()
    ((_, alert),) = setup.inbox.take()
    target = urlsplit(alert["List-Unsubscribe"].strip("<>"))
    done = client.post(
        f"{target.path}?{target.query}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    setup.add("lautakunta/2024-08.txt", "Kotihoidon tulos\n\nKotihoito tulos.")
    assert setup.alerts() == (0, "Sent 0 alerts; 0 subscriptions had nothing new.\n")
    assert setup.inbox.take() == []


def test_an_unconfirmed_request_expires_after_48_hours(setup: Setup) -> None:
    client = setup.client()
    subscribe(client, "liisa@example.org", q="kotihoito")
    ((_, confirmation),) = setup.inbox.take()
    with sqlite3.connect(setup.index / STORE_FILE) as db:
        db.execute("UPDATE subscriptions SET created = ?", (time.time() - 49 * 3600,))
    (link,) = [u for u in links(confirmation) if u.startswith("/alerts/confirm")]
    page = client.get(link)
    assert page.status_code == 404 and "Linkki on vanhentunut" in page.get_data(as_text=True)
    # And a new request to the address is no longer held back by it.
    subscribe(client, "liisa@example.org", q="kotihoito")
    assert len(setup.inbox.take()) == 1


def test_the_mail_server_down_fails_clearly_and_marks_nothing_sent(setup: Setup) -> None:
    client = setup.client()
    subscribe(client, "liisa@example.org", q="talousarvio")
    confirm(client, setup.inbox.take()[0][1])
    setup.add("lautakunta/2024-10.txt", "Talousarvion lisäys\n\nTalousarvio kasvaa.")
    closed = {**setup.env, "SOTEHAKU_SMTP_PORT": str(free_port())}
    done = CliRunner().invoke(cli, ["alerts", "--index", str(setup.index)], env=closed)
    assert done.exit_code == 1
    assert "Error: The mail server 127.0.0.1:" in done.output and "cannot be used" in done.output
    # A subscription asked for meanwhile is not kept, and the visitor is told to try later.
    down = create_app(
        {"TESTING": True, "INDEX_DIR": setup.index, "MAIL": replace_port(setup.mail)}
    ).test_client()
    page = subscribe(down, "pekka@example.org", q="talousarvio")
    assert page.status_code == 503
    assert "Vahvistusviestiä ei voitu nyt lähettää" in page.get_data(as_text=True)

    assert setup.alerts() == (0, "Sent 1 alerts; 0 subscriptions had nothing new.\n")
    ((_, alert),) = setup.inbox.take()
    assert "Talousarvion lisäys" in alert.get_body(("plain",)).get_content()
    subscribe(client, "pekka@example.org", q="talousarvio")
    assert [to for to, _ in setup.inbox.take()] == [["pekka@example.org"]]


def replace_port(mail: MailSettings) -> MailSettings:
    """The same settings with a port nothing listens on."""
    return dataclasses.replace(mail, port=free_port())


def test_the_search_page_links_its_feed_and_offers_alerts_when_mail_is_set(
    setup: Setup, client
) -> None:
    page = setup.client().get("/?q=talousarvio&source=lautakunta&sort=newest&page=1")
    text = page.get_data(as_text=True)
    count = text.index('class="count"')
    feed = text.index('<a class="feed" type="application/atom+xml"')
    assert count < feed < text.index('class="results"')
    assert 'href="/feed.atom?q=talousarvio&amp;source=lautakunta">' in text
    assert "Seuraa tätä hakua (Atom-syöte)" in text
    assert '<input type="hidden" name="q" value="talousarvio">' in text
    assert '<input type="hidden" name="source" value="lautakunta">' in text
    assert 'name="sort"' not in text[feed : text.index("</details>")]
    # Without SMTP settings (the project's seeds app): the feed link, no form, no pages.
    plain = client.get("/?q=VATE").get_data(as_text=True)
    assert 'class="feed"' in plain and "/alerts/subscribe" not in plain
    assert client.post("/alerts/subscribe", data={"email": "a@b.fi"}).status_code == 404
    assert client.get("/alerts/unsubscribe?t=x").status_code == 404


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"SOTEHAKU_SMTP_HOST": ""}, "E-mail alerts are off: set SOTEHAKU_SMTP_HOST"),
        ({"SOTEHAKU_SMTP_SECURITY": "tls"}, "SOTEHAKU_SMTP_SECURITY must be one of"),
        ({"SOTEHAKU_PUBLIC_URL": ""}, "SOTEHAKU_PUBLIC_URL must be set when"),
        ({"SOTEHAKU_MAIL_FROM": "haku"}, "SOTEHAKU_MAIL_FROM must be the sender's"),
        ({"SOTEHAKU_SMTP_PORT": "x"}, "SOTEHAKU_SMTP_PORT must be a whole number"),
        ({"SOTEHAKU_SMTP_PASSWORD": "väärä"}, "must be ASCII characters only"),
    ],
)
def test_the_alerts_command_names_a_missing_or_bad_setting(
    setup: Setup, changes: dict[str, str], error: str
) -> None:
    done = CliRunner().invoke(
        cli, ["alerts", "--index", str(setup.index)], env={**setup.env, **changes}
    )
    assert done.exit_code == 1 and error in done.output


def test_the_alerts_command_without_an_index_says_so(setup: Setup, tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["alerts", "--index", str(tmp_path / "none")], env=setup.env)
    assert done.exit_code == 1 and "No index in" in done.output
    assert not (tmp_path / "none").exists()


@dataclass
class Login:
    """An SMTP server's check of a user and password (aiosmtpd's authenticator)."""

    user: bytes
    password: bytes
    tried: list[bytes] = field(default_factory=list)

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.tried.append(auth_data.login)
        ok = (auth_data.login, auth_data.password) == (self.user, self.password)
        return AuthResult(success=ok, handled=False)


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not installed")
def test_alerts_go_through_starttls_with_a_login(setup: Setup, tmp_path: Path) -> None:
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    inbox, login, port = Inbox(), Login(b"vahti", b"salasana-123"), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=login,
        auth_require_tls=True,
    )
    controller.start()
    try:
        client = setup.client()
        subscribe(client, "liisa@example.org", q="kotihoito")
        confirm(client, setup.inbox.take()[0][1])
        setup.add("lautakunta/2024-11.txt", "Kotihoidon arvio\n\nKotihoito arvioidaan.")
        env = {
            **setup.env,
            "SOTEHAKU_SMTP_PORT": str(port),
            "SOTEHAKU_SMTP_SECURITY": "starttls",
            "SOTEHAKU_SMTP_USER": "vahti",
            # The server's certificate is checked: here against the one made above.
            "SSL_CERT_FILE": str(certificate),
        }
        wrong = {**env, "SOTEHAKU_SMTP_PASSWORD": "vaara"}
        done = CliRunner().invoke(cli, ["alerts", "--index", str(setup.index)], env=wrong)
        assert done.exit_code == 1 and "cannot be used" in done.output
        assert inbox.take() == []
        env["SOTEHAKU_SMTP_PASSWORD"] = "salasana-123"
        done = CliRunner().invoke(cli, ["alerts", "--index", str(setup.index)], env=env)
        assert (done.exit_code, done.output) == (
            0,
            "Sent 1 alerts; 0 subscriptions had nothing new.\n",
        )
        ((to, alert),) = inbox.take()
        assert to == ["liisa@example.org"] and "Kotihoidon arvio" in alert.as_string()
        assert set(login.tried) == {b"vahti"}
    finally:
        controller.stop()


@pytest.mark.parametrize(
    "lang, confirm_subject, alert_start, date, source",
    [
        ("sv", "Bekräfta din bevakning", "Nya dokument för sökningen", "12.3.2024", "Källa"),
        (
            "en",
            "Confirm your search alert",
            "New documents for the search",
            "Mar 12, 2024",
            "Source",
        ),
    ],
)
def test_the_messages_are_in_the_language_of_the_page(
    setup: Setup, lang: str, confirm_subject: str, alert_start: str, date: str, source: str
) -> None:
    client = setup.client()
    client.get(f"/?lang={lang}")  # the language is remembered in a cookie
    subscribe(client, "liisa@example.org", q="talousarvio", source="lautakunta")
    ((_, confirmation),) = setup.inbox.take()
    assert confirmation["Subject"] == confirm_subject
    assert confirmation["Content-Language"] == lang
    assert (
        f"“talousarvio” · {source}: lautakunta" in confirmation.get_body(("plain",)).get_content()
    )
    confirm(client, confirmation)
    setup.add("lautakunta/2024-12.txt", "Talousarvion seuranta\n\nTalousarvio 12.3.2024.")
    setup.alerts()
    ((_, alert),) = setup.inbox.take()
    text = alert.get_body(("plain",)).get_content()
    assert text.startswith(alert_start) and f"  {date}\r\n" in text
    assert f"{PUBLIC_URL}/doc/lautakunta/2024-12.txt?q=talousarvio&lang={lang}" in text


def test_a_damaged_alerts_file_is_reported_not_replaced(setup: Setup) -> None:
    damaged = b"not a database, " * 512
    (setup.index / STORE_FILE).write_bytes(damaged)
    page = subscribe(setup.client(), "liisa@example.org", q="kotihoito")
    assert page.status_code == 503
    assert "Hakuvahdit eivät ole nyt käytettävissä" in page.get_data(as_text=True)
    code, output = setup.alerts()
    assert code == 1 and f"The alerts' file {setup.index / STORE_FILE} cannot be used" in output
    assert (setup.index / STORE_FILE).read_bytes() == damaged
    assert setup.inbox.take() == []


def test_a_search_that_no_longer_runs_is_reported_and_can_still_be_ended(setup: Setup) -> None:
    client = setup.client()
    subscribe(client, "liisa@example.org", q="kotihoito")
    confirm(client, setup.inbox.take()[0][1])
    setup.add("lautakunta/2024-13.txt", "Kotihoidon muutos\n\nKotihoito muuttuu.")
    setup.alerts()
    ((_, alert),) = setup.inbox.take()
    # As if the filters' rules had changed since it was saved.
    with sqlite3.connect(setup.index / STORE_FILE) as db:
        db.execute("UPDATE subscriptions SET search = 'q=kotihoito&year=20x1'")
    done = CliRunner().invoke(cli, ["alerts", "--index", str(setup.index)], env=setup.env)
    assert done.exit_code == 0
    assert "The search of subscription 1 cannot run: 'year' must be a year" in done.output
    (unsubscribe,) = [u for u in links(alert) if u.startswith("/alerts/unsubscribe")]
    form = client.get(unsubscribe).get_data(as_text=True)
    assert "“kotihoito” · Vuosi: 20x1" in form
    assert "Hakuvahti on lopetettu" in client.post(unsubscribe).get_data(as_text=True)
    assert setup.alerts() == (0, "Sent 0 alerts; 0 subscriptions had nothing new.\n")


def test_everybody_together_is_limited_too(setup: Setup) -> None:
    limits = Limits(client=5, address=3, everyone=4)
    for n in range(4):
        subscribe_address(
            setup.index,
            setup.mail,
            address=f"henkilo{n}@example.org",
            saved=SavedSearch.from_pairs([("q", "kotihoito")]),
            lang="fi",
            client=f"192.0.2.{n}/32",
            limits=limits,
        )
    with pytest.raises(TooManyRequests):
        subscribe_address(
            setup.index,
            setup.mail,
            address="henkilo9@example.org",
            saved=SavedSearch.from_pairs([("q", "kotihoito")]),
            lang="fi",
            client=None,
            limits=limits,
        )
    assert len(setup.inbox.take()) == 4


def test_a_search_without_a_query_follows_every_new_document_of_its_filters(setup: Setup) -> None:
    client = setup.client()
    page = client.get("/?source=lautakunta").get_data(as_text=True)
    assert '<input type="hidden" name="source" value="lautakunta">' in page
    subscribe(client, "liisa@example.org", source="lautakunta")
    ((_, confirmation),) = setup.inbox.take()
    assert "Lähde: lautakunta" in confirmation.get_body(("plain",)).get_content()
    confirm(client, confirmation)
    setup.add("lautakunta/2024-14.txt", "Pöytäkirja\n\nKokous pidettiin.")
    setup.add("muut/2024-14.txt", "Muu pöytäkirja\n\nToinen kokous.")
    setup.alerts()
    ((_, alert),) = setup.inbox.take()
    text = alert.get_body(("plain",)).get_content()
    assert "- Pöytäkirja" in text and "Muu pöytäkirja" not in text
    assert f"{PUBLIC_URL}/doc/lautakunta/2024-14.txt?lang=fi" in text
