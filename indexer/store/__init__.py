"""The index on disk: generations built beside the live one and switched atomically
(generations), the one writer's lock (lock), the schema (schema), files read through memory
maps (mapped) and the searchers each process keeps open (searchers).

Imports common and codec.
"""
