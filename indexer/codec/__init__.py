"""How postings are written and read on disk: varints, posting blocks, term entries with
inlined postings, and the Whoosh formats and codec over them.

Imports only common: the analyzer's fast index mode is plugged in by the writing layer
(postings.use_index_mode), not imported. Its formats and codec are pickled in every index.
"""
