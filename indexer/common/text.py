r"""Characters that must not reach XML or a reader's screen as they are.

XML 1.0 allows no C0 control but tab and newlines, no lone surrogate and neither U+FFFE nor
U+FFFF: one such character in one document's title made the whole Atom feed invalid. Bidi
controls reorder what follows them on screen ("\u202etxt.exe.txt" looks like a name ending in
".exe"), and zero-width characters make two texts that look alike differ.
"""

import re

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def xml_safe(text: str, replacement: str = "") -> str:
    r"""Return text without the characters XML 1.0 does not allow, each replaced.

    >>> xml_safe("Otsikko\x01\x0b\ufffe"), xml_safe("a\x1bb", " ")
    ('Otsikko', 'a b')
    """
    return _XML_INVALID.sub(replacement, text)


def bidi_escaped(text: str) -> str:
    r"""Return text with its bidi controls written as \uXXXX escapes, to be shown.

    >>> print(bidi_escaped("\u202etxt.exe.txt"))
    \u202etxt.exe.txt
    """
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def visible(text: str) -> str:
    r"""Return text without zero-width, soft-hyphen and bidi control characters.

    >>> visible("sote\u200buudistus\u00ad")
    'soteuudistus'
    """
    return _INVISIBLE.sub("", text)
