"""Sections of one meeting kept together in a result: a minutes file is many units of search
(store/units.py), and a query about one matter finds several of its sections. A result shows
the best two of a file where the first of them ranks, and says how many more it has.
"""

from collections.abc import Sequence

# Units of one file shown together; the rest are counted.
SHOWN_PER_FILE = 2


def group_by_file(
    ranked: Sequence[tuple[float, int]], files: Sequence[str]
) -> tuple[list[tuple[float, int]], dict[int, int]]:
    """Return the ranked units with at most SHOWN_PER_FILE of each file, each file's together
    where its best ranks, and for the last one shown of a file how many more it has.

    >>> group_by_file([(3.0, 0), (2.0, 5), (1.5, 1), (1.0, 2), (0.5, 3), (0.4, 4)],
    ...     ["a", "a", "a", "", "", "b"])
    ([(3.0, 0), (1.5, 1), (2.0, 5), (0.5, 3), (0.4, 4)], {1: 1})
    """
    by_file: dict[str | int, list[tuple[float, int]]] = {}
    order = []
    for entry in ranked:
        # A unit without a file id is a file without sections: a group of its own.
        key = files[entry[1]] or entry[1]
        if key not in by_file:
            by_file[key] = []
            order.append(key)
        by_file[key].append(entry)
    shown: list[tuple[float, int]] = []
    more: dict[int, int] = {}
    for key in order:
        units = by_file[key]
        shown.extend(units[:SHOWN_PER_FILE])
        if len(units) > SHOWN_PER_FILE:
            more[units[SHOWN_PER_FILE - 1][1]] = len(units) - SHOWN_PER_FILE
    return shown, more
