"""The Whoosh schema: which document fields are indexed, stored and boosted."""

from whoosh.analysis import Analyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

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
        # Stored only: the update compares them, nothing searches them, and an indexed number
        # costs eight or more postings a document.
        size=STORED(),
        mtime=STORED(),
        hash=ID(stored=True),
        note=STORED(),
    )


def make_codec() -> W3Codec:
    """Return the codec that builds write segments with (each segment records its own)."""
    return W3Codec()
