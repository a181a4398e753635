"""Finnish text into index terms: the tokenizer (words), base forms from Voikko or Snowball
(voikko, morphology, wordcache), compound parts (compounds), the lemma and lexicon filters,
the analyzers that chain them (analyzers) and the index mode in one loop (index_mode).
Swedish text with simplemma's dictionary and Snowball Swedish (swedish); the analyzer of each
language (languages); case numbers of decisions in their normal form, for the index and for
queries (cases).

Imports only common. Its filters are pickled in every index's schema: see
common/persisted.py before renaming a class.
"""
