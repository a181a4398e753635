"""Settings kept as data: one table of names and defaults that the CLI and the web app read."""

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "SOTEHAKU_"

# The defaults of the file limits, which the library's functions take as arguments too.
DEFAULT_MAX_BYTES: int = 10 * 1024 * 1024
DEFAULT_MAX_SECONDS: float = 5.0


@dataclass(frozen=True)
class Setting:
    name: str
    default: str

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name


# Names and defaults. What each one means is said once, in the table of docs/settings.md,
# which tests/test_docs.py checks against this one: row for row, default for default.
SETTINGS: tuple[Setting, ...] = (
    Setting("SEEDS_DIR", "seeds"),
    Setting("INDEX_DIR", "index"),
    Setting("MAX_FILE_BYTES", str(DEFAULT_MAX_BYTES)),
    Setting("MAX_FILE_SECONDS", f"{DEFAULT_MAX_SECONDS:g}"),
    Setting("MAX_FILE_MEMORY_MB", "1024"),
    Setting("MAX_PDF_PAGES", "2000"),
    Setting("OCR_PAGE_SECONDS", "60"),
    Setting("OCR_FILE_SECONDS", "600"),
    Setting("ADMIN_TOKEN", ""),
    Setting("SECRET_KEY", ""),
    Setting("PUBLIC_URL", ""),
    Setting("SESSION_COOKIE_SECURE", "false"),
    Setting("BUILD_WORKERS", ""),
    Setting("BUILD_MEMORY_MB", "512"),
    Setting("WATCH_SETTLE_SECONDS", "2"),
    Setting("METRICS", "loopback"),
    Setting("LOG_QUERIES", "false"),
    Setting("TIMEZONE", "Europe/Helsinki"),
    Setting("CLUSTER", ""),
    Setting("SHARDS", "4"),
    Setting("REPLICAS", "2"),
    # E-mail alerts (service/alerts.py): off while SMTP_HOST is empty.
    Setting("SMTP_HOST", ""),
    Setting("SMTP_PORT", "587"),
    Setting("SMTP_SECURITY", "starttls"),
    Setting("SMTP_USER", ""),
    Setting("SMTP_PASSWORD", ""),
    Setting("MAIL_FROM", ""),
    # What the pages call the service and offer to search, in each page language.
    *(Setting(f"SITE_NAME_{lang}", "Sotehaku") for lang in ("FI", "SV", "EN")),
    *(Setting(f"TAGLINE_{lang}", "") for lang in ("FI", "SV", "EN")),
    *(Setting(f"EXAMPLES_{lang}", "") for lang in ("FI", "SV", "EN")),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Return a setting from the environment, or its default."""
    setting = _BY_NAME[name]
    return os.environ.get(setting.env_name, setting.default)


def seeds_dir() -> Path:
    """Return the configured seeds folder."""
    return Path(get("SEEDS_DIR"))


def index_dir() -> Path:
    """Return the configured index folder."""
    return Path(get("INDEX_DIR"))


class SettingError(ValueError):
    """A setting from the environment has a value it cannot take; the message says which."""


def max_file_bytes() -> int:
    """Return the configured size limit for one file."""
    return int(_positive("MAX_FILE_BYTES", int))


def max_file_seconds() -> float:
    """Return the configured time limit for extracting one file's text."""
    return _positive("MAX_FILE_SECONDS", float)


def max_file_memory_mb() -> int:
    """Return the configured memory limit of the process that extracts files' text, in MB."""
    return _whole_number("MAX_FILE_MEMORY_MB")


def max_pdf_pages() -> int:
    """Return the configured page limit of a PDF."""
    return _whole_number("MAX_PDF_PAGES")


def ocr_page_seconds() -> float:
    """Return the configured time limit for reading one scanned page by OCR."""
    return _positive("OCR_PAGE_SECONDS", float)


def ocr_file_seconds() -> float:
    """Return the configured time limit for reading all the scanned pages of one file."""
    return _positive("OCR_FILE_SECONDS", float)


def _positive(name: str, kind: type[int] | type[float]) -> float:
    value = get(name)
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if not (number > 0 and math.isfinite(number)):
        env_name = _BY_NAME[name].env_name
        raise SettingError(f"{env_name} must be a number above 0, not {value!r}.")
    return number


def build_workers() -> int | None:
    """Return the configured number of build workers, or None for one per core."""
    return _whole_number("BUILD_WORKERS") if get("BUILD_WORKERS").strip() else None


def build_memory_mb() -> int:
    """Return the configured memory for a build's sorted postings, in MB."""
    return _whole_number("BUILD_MEMORY_MB")


def _whole_number(name: str) -> int:
    value = get(name).strip()
    if not value.isdigit() or int(value) < 1:
        raise SettingError(
            f"{_BY_NAME[name].env_name} must be a whole number of 1 or more: {value!r}"
        )
    return int(value)


def watch_settle_seconds() -> float:
    """Return how long the seeds folder must be quiet before the watcher updates the index."""
    return _positive("WATCH_SETTLE_SECONDS", float)


METRICS_CHOICES = ("loopback", "on", "off")


def metrics() -> str:
    """Return who may read /metrics: loopback, on (anyone) or off."""
    value = get("METRICS").strip().lower()
    if value not in METRICS_CHOICES:
        raise SettingError(
            f"{_BY_NAME['METRICS'].env_name} must be one of {', '.join(METRICS_CHOICES)},"
            f" not {value!r}."
        )
    return value


def public_url() -> str | None:
    """Return the service's public address without a trailing slash, or None when unset."""
    value = get("PUBLIC_URL").strip().rstrip("/")
    if not value:
        return None
    if not value.startswith(("https://", "http://")) or any(c in value for c in '"<> '):
        raise SettingError(
            f"{_BY_NAME['PUBLIC_URL'].env_name} must be an http:// or https:// address,"
            f" not {value!r}."
        )
    return value


def cluster() -> str | None:
    """Return the Ray cluster's address (host:port, or "auto"), None for one machine."""
    return get("CLUSTER").strip() or None


def shards() -> int:
    """Return how many shards a cluster build splits the documents into."""
    return _whole_number("SHARDS")


def replicas() -> int:
    """Return how many searchers of each shard a cluster keeps, each on a node of its own."""
    return _whole_number("REPLICAS")


SMTP_SECURITY_CHOICES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """Where alert e-mails are sent from and how, and the site's address their links use."""

    host: str
    port: int
    security: str
    user: str
    password: str = field(repr=False)
    sender: str
    public_url: str


def mail() -> MailSettings | None:
    """Return the SMTP settings of e-mail alerts, or None when SMTP_HOST is unset (no alerts).

    Alerts link to the site, so they need PUBLIC_URL as well, and a sender address.
    """
    host = get("SMTP_HOST").strip()
    if not host:
        return None
    security = get("SMTP_SECURITY").strip().lower()
    if security not in SMTP_SECURITY_CHOICES:
        raise SettingError(
            f"{_BY_NAME['SMTP_SECURITY'].env_name} must be one of"
            f" {', '.join(SMTP_SECURITY_CHOICES)}, not {security!r}."
        )
    port = _whole_number("SMTP_PORT")
    sender = get("MAIL_FROM").strip()
    if sender.count("@") != 1 or any(c in sender for c in '\r\n<>"') or " " in sender:
        raise SettingError(
            f"{_BY_NAME['MAIL_FROM'].env_name} must be the sender's e-mail address"
            f" (haku@example.fi) when {_BY_NAME['SMTP_HOST'].env_name} is set, not {sender!r}."
        )
    user, password = get("SMTP_USER"), get("SMTP_PASSWORD")
    if not (user + password).isascii():
        # smtplib sends the login as ASCII and fails on anything else.
        raise SettingError(
            f"{_BY_NAME['SMTP_USER'].env_name} and {_BY_NAME['SMTP_PASSWORD'].env_name}"
            " must be ASCII characters only."
        )
    url = public_url()
    if url is None:
        raise SettingError(
            f"{_BY_NAME['PUBLIC_URL'].env_name} must be set when"
            f" {_BY_NAME['SMTP_HOST'].env_name} is: the links in alert e-mails need it."
        )
    return MailSettings(host, port, security, user, password, sender, url)
