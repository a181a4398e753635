"""The one error a format's reader raises for a file it cannot read."""


class Unreadable(Exception):
    """The file is not one its format's reader can read; the message says why, for a person
    ("encrypted PDF: it opens only with a password")."""
