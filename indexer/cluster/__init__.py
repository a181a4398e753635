"""Shards and replicas on a Ray cluster, with the same results as one index.

A cluster generation is a folder of shards, each a complete index folder of its own (so every
single-machine function reads a shard as it is), and the whole corpus's term statistics, with
which every shard scores so that results equal one index's:

    gen-<stamp>/meta.json          the build's report, and "shards": N
    gen-<stamp>/statistics.pickle  document frequencies, field lengths and document count
    gen-<stamp>/shard-00/          CURRENT, gen-<stamp>/: a complete Whoosh index

Nothing here imports Ray at module level: the single-machine path never loads it.
"""
