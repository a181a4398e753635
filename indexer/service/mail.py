"""Sending e-mail through the SMTP server of the settings (SOTEHAKU_SMTP_*): standard library
smtplib, with STARTTLS, implicit TLS or neither (a relay on the same host)."""

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from indexer.common.settings import MailSettings

# Seconds to wait for the server at each step; a timer run or a subscribing request must not
# hang on a server that does not answer.
TIMEOUT = 15


class MailUnavailable(Exception):
    """The SMTP server could not be reached, or refused to send; the message says which, in
    English for the log and the command line (the pages say it in their own words)."""


class Mailer:
    """One connection to the SMTP server, for one message or a run's many."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp

    def send(self, message: EmailMessage) -> bool:
        """Send a message; False when the server refused its recipient (a bad address), and
        MailUnavailable when the connection failed."""
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused):
            return False
        except (smtplib.SMTPException, OSError) as e:
            raise MailUnavailable(f"The mail server failed while sending: {e}") from e
        return True


@contextmanager
def connected(mail: MailSettings) -> Iterator[Mailer]:
    """Connect and log in to the SMTP server; raise MailUnavailable when that fails."""
    smtp: smtplib.SMTP | None = None
    try:
        if mail.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT)
            if mail.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if mail.user:
            smtp.login(mail.user, mail.password)
    except (smtplib.SMTPException, OSError) as e:
        if smtp is not None:
            smtp.close()
        raise MailUnavailable(f"The mail server {mail.host}:{mail.port} cannot be used: {e}") from e
    try:
        yield Mailer(smtp)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
