"""Structured logs: one JSON object a line, which journald, Loki or Elasticsearch read as is.

Records carry their facts in `extra={"fields": {...}}`; the formatter puts them beside the
time, level, logger and message. A traceback becomes one string field, so a record stays one
line. The standard library suffices for this: a formatter is a dozen lines, and every process
(gunicorn's master and workers, the watcher) configures it the same way through configure()
or logging_config().
"""

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from indexer.common.text import bidi_escaped

# Loggers of the service's events; a library adds no handler of its own but this one, so that
# a command that configures no logging prints nothing (not Python's last-resort warnings).
EVENTS = "sotehaku"
logging.getLogger(EVENTS).addHandler(logging.NullHandler())


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, then its fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            # gunicorn's workers share one stderr: the pid tells their lines apart.
            "pid": record.process,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        # default=str: a field that is a Path or a datetime is written, not a crash in logging.
        # Bidi controls (in a file name, a query) as JSON's \uXXXX escapes: the same text to
        # a JSON reader, but they do not reorder the line in a terminal.
        return bidi_escaped(json.dumps(line, ensure_ascii=False, default=str))


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """Return a dictConfig that sends every logger's records to stderr as JSON lines.

    gunicorn takes it as logconfig_dict for its own loggers too, so its "Booting worker" and
    the app's request lines come out alike.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "none": {"class": "logging.NullHandler"},
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            # The app logs each request itself (webui/request_log.py), without the query
            # string that gunicorn's access line would carry.
            "gunicorn.access": {"handlers": ["none"], "propagate": False},
        },
    }


def configure(level: str = "INFO") -> None:
    """Send this process's log records to stderr as JSON lines."""
    logging.config.dictConfig(logging_config(level))
    # A record logged while stderr is gone (a closed pipe) must not end the process.
    logging.raiseExceptions = False


def event(name: str, message: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event of the service (a build, an update, a request) with its fields."""
    logging.getLogger(f"{EVENTS}.{name}").log(level, message, extra={"fields": fields})
