"""Facts about an open index that cannot change while it is open, worked out once per reader.

Every query asks whether the index has sections, Swedish text and decisions in two languages:
term and field-length look-ups over every segment, a twentieth of a plain query's time on a
news archive. A pooled searcher's reader lives as long as its generation is served, and a
reader's segments never change, so each answer is kept with the reader and dropped with it.
"""

import functools
import weakref
from collections.abc import Callable
from typing import Any


def per_reader(fact: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Return `fact` answering once per reader (a reader that cannot be weakly referred to is
    asked every time)."""
    known: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()

    @functools.wraps(fact)
    def remembered(reader: Any) -> bool:
        try:
            return known[reader]
        except KeyError:
            answer = known[reader] = fact(reader)
            return answer
        except TypeError:
            return fact(reader)

    return remembered
