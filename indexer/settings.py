"""Settings kept as data: one table that the environment, the CLI and the docs read."""

import os
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "SOTEHAKU_"


class SettingInvalid(ValueError):
    """A setting's value cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("SEEDS_DIR", "seeds", "Folder whose documents are indexed."),
    Setting("INDEX_DIR", "index", "Folder that holds the index generations."),
    Setting("MAX_FILE_BYTES", str(10 * 1024 * 1024), "Files larger than this are skipped."),
    Setting(
        "BUILD_WORKERS",
        "",
        "Worker processes of a full build; empty: one per core, none for a small build.",
    ),
    Setting(
        "BUILD_MEMORY_MB",
        "512",
        "Memory for the postings a full build sorts before spilling them to disk, in MB, "
        "shared by its workers.",
    ),
    Setting("ADMIN_TOKEN", "", "Token that unlocks /admin; the admin page is off when empty."),
    Setting("SECRET_KEY", "", "Key that signs web sessions; random per process when empty."),
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


def max_file_bytes() -> int:
    """Return the configured size limit for one file."""
    return int(get("MAX_FILE_BYTES"))


def build_workers() -> int | None:
    """Return the configured number of build workers, or None for one per core."""
    return _whole_number("BUILD_WORKERS") if get("BUILD_WORKERS").strip() else None


def build_memory_mb() -> int:
    """Return the configured memory for a build's sorted postings, in MB."""
    return _whole_number("BUILD_MEMORY_MB")


def _whole_number(name: str) -> int:
    value = get(name).strip()
    if not value.isdigit() or int(value) < 1:
        raise SettingInvalid(
            f"{_BY_NAME[name].env_name} must be a whole number of 1 or more: {value!r}"
        )
    return int(value)
