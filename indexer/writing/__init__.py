"""Builds and updates: documents in, segments out. A full build's shares (shares), run in
worker processes (workers) or one after the other, each written by a segment writer fed a
term at a time (segment_writer, term_pool), the fields a document is stored with (fields),
and incremental updates (update).

Imports common, analysis, codec, documents and store. Every segment is written here, so this
is where the Finnish analyzer's one-loop index mode is plugged into the codec.
"""

from indexer.analysis.index_mode import index_analysis
from indexer.codec import postings

postings.use_index_mode(index_analysis)
