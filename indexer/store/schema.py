"""The Whoosh schema: which document fields are indexed, stored and boosted."""

from typing import Any

from whoosh.analysis import Analyzer
from whoosh.columns import RefBytesColumn
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from indexer.codec.postings import InliningCodec, VarintCharacters, VarintPositions
from indexer.store.per_reader import per_reader

# Matches in the title say more about a document than matches in its body (BM25F).
TITLE_BOOST = 2.5


# The fields a Swedish document's title and body are indexed in, with the Swedish analyzer.
SWEDISH_FIELDS = {"title": "title_sv", "body": "body_sv"}


@per_reader
def holds_swedish(reader: Any) -> bool:
    """Tell whether any document of the index was indexed in the Swedish fields (deleted ones
    count). A Finnish archive's queries then skip those fields and the query's language: they
    were a third of a plain query's time there, for fields with no terms. A reader or a
    searcher: a cluster's shard searcher answers for the whole corpus."""
    return any(
        name in reader.schema and reader.field_length(name) > 0 for name in SWEDISH_FIELDS.values()
    )


def make_schema(analyzer: Analyzer, swedish: Analyzer | None = None) -> Schema:
    """Return the schema whose title and body use the given analyzer, and whose title_sv and
    body_sv use the Swedish one when given.

    A Swedish document's text is stored in title and body, where snippets and the document
    page read it, and indexed only in title_sv and body_sv.
    """
    swedish_fields = {}
    if swedish is not None:
        swedish_fields = {
            SWEDISH_FIELDS["title"]: _title(swedish, stored=False),
            SWEDISH_FIELDS["body"]: _body(swedish, stored=False),
        }
    date = DATETIME(stored=True, sortable=True)
    # Shown and sortable (a column), not indexed: no query can name a field, and an indexed
    # date costs eight postings a document, an eighth of a news document's postings.
    date.indexed = False
    return Schema(
        id=ID(unique=True, stored=True),
        path=STORED(),
        title=_title(analyzer, stored=True),
        body=_body(analyzer, stored=True),
        **swedish_fields,
        date=date,
        # The facets of indexer/search/facets.py, columns only for the same reason as the date; a
        # column of references stores each of their few distinct values once a segment.
        source=_facet_column(),
        format=_facet_column(),
        # "fi" or "sv", detected from the text (analysis.languages); stored too, for the hits.
        language=_facet_column(stored=True),
        # A decision document's body, organisation and kind ("" for other documents).
        decision_maker=_facet_column(),
        organisation=_facet_column(),
        kind=_facet_column(),
        # What a decision document says about itself (documents.decisions.Decision) as a
        # dict, for its hits and page; None for other documents.
        decision=STORED(),
        # Units of search (store/units.py): every unit's file id, for replacing all of a
        # file's units at once; "section" for a section's unit, as a column.
        file=ID(sortable=RefBytesColumn()),
        unit=ID(sortable=RefBytesColumn()),
        # A section's number, title, case and parts (a dict), on its unit; a decision
        # document's sections (a list of dicts), on its file's unit.
        section=STORED(),
        sections=STORED(),
        # Where a sectioned file's signature blocks are in its text ([start, end] pairs), on its
        # file's unit: searched there, but no snippet of its is made of them when it matches
        # elsewhere (documents/signatures.py).
        signatures=STORED(),
        # A section's case number, its normal form and its number alone
        # (documents/cases.py), so that "lapdno 2024-867" and "2024-867" find it.
        case=KEYWORD(lowercase=True, commas=True),
        # A section's number ("140"), so that "§ 140" finds the sections numbered 140 first.
        number=ID(),
        # The key a decision and its version in the other language share
        # (documents/same_decision.py): looked up for the link between them, a column for
        # showing one of them in a result, stored for the hits.
        pair=ID(stored=True, sortable=RefBytesColumn()),
        # Stored only: the update compares them and nothing searches them; an indexed hash
        # would cost a term of its own a document.
        size=STORED(),
        mtime=STORED(),
        hash=STORED(),
        note=STORED(),
        # Where each page of a PDF starts in the body, for the page of a snippet.
        pages=STORED(),
    )


def _title(analyzer: Analyzer, *, stored: bool) -> TEXT:
    title = TEXT(analyzer=analyzer, stored=stored, phrase=True, field_boost=TITLE_BOOST)
    title.format = VarintPositions(field_boost=TITLE_BOOST)
    return title


def _body(analyzer: Analyzer, *, stored: bool) -> TEXT:
    # Character offsets let snippets mark the words without analysing the text again.
    body = TEXT(analyzer=analyzer, stored=stored, phrase=True, chars=True)
    body.format = VarintCharacters()
    return body


def _facet_column(*, stored: bool = False) -> ID:
    column = ID(sortable=RefBytesColumn(), stored=stored)
    column.indexed = False
    return column


def make_codec() -> InliningCodec:
    """Return the codec that builds and updates write segments with."""
    return InliningCodec()
