"""Classes that an index pickles, named by a path that no move of the code changes."""

from typing import TypeVar

# The package whose __getattr__ finds every persisted class (indexer/__init__.py, _PERSISTED).
STABLE_MODULE = "indexer"

T = TypeVar("T", bound=type)


def persisted(cls: T) -> T:
    """Have pickle name the class indexer.<its name>, as an index's table of contents holds it.

    Pickle writes a class as its module and name, and an index must open after the code
    moved: tantivy and Lucene record names for the same reason, not code locations. The class
    must be listed in indexer._PERSISTED (tests/test_layout.py checks it).
    """
    cls.__module__ = STABLE_MODULE
    return cls
