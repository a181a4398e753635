"""Document ids: a file's path relative to the seeds folder, with "/" separators.

The suffix and stem of an id are asked for several times a file while a build reads and
indexes it; a PurePosixPath for each asking took 3 µs, about a tenth of reading a small file.
"""


def shown(name: str) -> str:
    r"""Return a file name or id as text that can be stored and shown: the bytes of a name that
    is not valid UTF-8 (which Python lists as lone surrogates) as \xNN escapes.

    >>> shown("kuva\udce4.jpg"), shown("kuva\u00e4.jpg")
    ('kuva\\xe4.jpg', 'kuvaä.jpg')
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_text(name: str) -> bool:
    """Tell whether a name listed by the file system was valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def suffix(doc_id: str) -> str:
    """Return the id's file suffix in lowercase, as PurePosixPath(doc_id).suffix.lower().

    >>> suffix("a/Pöytäkirja.PDF"), suffix("a.b/README"), suffix(".profile"), suffix("x.")
    ('.pdf', '', '', '')
    """
    name = doc_id.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def stem(doc_id: str) -> str:
    """Return the id's file name without its suffix, as PurePosixPath(doc_id).stem.

    >>> stem("a/Pöytäkirja.PDF"), stem("a.b/README"), stem(".profile"), stem("x.tar.gz")
    ('Pöytäkirja', 'README', '.profile', 'x.tar')
    """
    name = doc_id.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def source_of(doc_id: str) -> str:
    """Return a document's source: the first folder of its id, "" for none.

    >>> source_of("etela-pohjanmaa/2021/poytakirja.txt"), source_of("muistio.txt")
    ('etela-pohjanmaa', '')
    """
    parts = doc_id.split("/")
    return parts[0] if len(parts) > 1 else ""


def format_of(doc_id: str) -> str:
    """Return a document's format: its file suffix in lower case without the dot.

    >>> format_of("a/Muistio.HTML"), format_of("LUEMINUT")
    ('html', '')
    """
    return suffix(doc_id).lstrip(".")
