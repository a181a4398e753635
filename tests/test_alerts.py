"""E-mail alerts end to end: the search page's form through Flask's test client, the real
`sotehaku alerts` command, and a real SMTP server (aiosmtpd) on loopback that keeps what it
is sent."""

import email
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from indexer.cli import cli
from indexer.common.settings import MailSettings
from indexer.service.alert_store import STORE_FILE
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
