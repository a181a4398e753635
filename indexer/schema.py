"""The Whoosh schema: which document fields are indexed, stored and boosted."""

from whoosh.analysis import Analyzer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

# Matches in the title say more about a document than matches in its body (BM25F).
TITLE_BOOST = 2.5


def make_schema(analyzer: Analyzer) -> Schema:
    """Return the schema whose title and body use the given analyzer."""
    return Schema(
        id=ID(unique=True, stored=True),
        path=STORED(),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=TITLE_BOOST),
        # chars=True keeps character offsets so snippets can mark the words without re-reading.
        body=TEXT(analyzer=analyzer, stored=True, phrase=True, chars=True),
        date=DATETIME(stored=True, sortable=True),
        size=NUMERIC(stored=True),
        mtime=NUMERIC(numtype=float, stored=True),
        hash=ID(stored=True),
        note=STORED(),
    )
