"""Sentences for a user, in English, that a web page can show in its own language.

The library has no translations of its own: a Message is the English sentence (a plain str,
so logs, JSON and tests see the text) that also keeps its template and values, and the web
layer looks the template up in its catalogue and fills in the values.
"""

from typing import Any


class Message(str):
    """An English sentence made from a %-template and named values.

    >>> m = Message("at most %(count)s words", count=32)
    >>> m, m.template, m.params
    ('at most 32 words', 'at most %(count)s words', {'count': 32})
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> "Message":
        made = super().__new__(cls, template % params if params else template)
        made.template = template
        made.params = params
        return made
