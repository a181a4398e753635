"""Searching: the query language (query, wildcards), collecting and ranking matches
(searching, ranking), snippets, facets and filters, did-you-mean (spelling), suggestions while
typing, similar documents, and the document view.

Imports common, analysis, codec and store.
"""
