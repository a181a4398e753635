"""What a query says about decisions beyond its words: a case number ("lapdno 2024-867",
"2024-867") or a section number ("§ 140", "140 §"), found through the fields that sections'
units have (store/schema.py), as clauses added to the query's own.

A case number's words alone find every section that mentions them; its term finds the
sections of that case whatever the spacing and case. "§ 140" alone would find every mention
of a law's § 140; the section numbered 140 outranks them.
"""

import re

from whoosh import query

from indexer.analysis.cases import query_cases
from indexer.search.query import QueryError

# How much a case or section number counts beside the query's words.
CASE_BOOST = 5.0
NUMBER_BOOST = 5.0
_SECTION_NUMBER = re.compile(r"(?:§\s*(\d{1,4})|(?<![\d§])(\d{1,4})\s*§)(?![\d:])")


def decision_clauses(schema: object, text: str) -> list[query.Query]:
    """Return the clauses for the case and section numbers a query names, for an index whose
    sections are units; [] otherwise."""
    clauses: list[query.Query] = []
    if "case" in schema:  # type: ignore[operator]
        clauses += [query.Term("case", term, boost=CASE_BOOST) for term in query_cases(text)]
    if "number" in schema:  # type: ignore[operator]
        numbers = {m[1] or m[2] for m in _SECTION_NUMBER.finditer(text)}
        clauses += [query.Term("number", n, boost=NUMBER_BOOST) for n in sorted(numbers)]
    return clauses


def case_query(text: str) -> query.Query:
    """Return the query for the sections of the case a text names ("lapdno 2024-867"); raise
    QueryError when it names none."""
    terms = query_cases(text)
    if not terms:
        raise QueryError(
            "'%(case)s' is not a case number such as LAPDno-2024-867 or HEL 2021-002763.",
            case=text[:100],
        )
    return query.Or([query.Term("case", term) for term in terms])
