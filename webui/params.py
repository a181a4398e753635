"""Reading request parameters with clear messages for bad values."""

from typing import Any

from flask import request

from indexer import Message

# Pages of results a request may ask for.
MAX_PAGE = 10_000


class BadParameter(ValueError):
    """A request parameter has a value we cannot use; the message says why, in English."""

    def __init__(self, template: str, **params: Any) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """Return an integer query-string argument within bounds, or raise BadParameter."""
    raw = request.args.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BadParameter(
            "'%(name)s' must be a whole number from %(low)s to %(high)s.",
            name=name,
            low=low,
            high=high,
        )
    return value
