"""What every layer shares: document ids, the settings table, messages for a user, files
that processes share (locks, JSON replaced whole), time limits on a thread's CPU and on a
killable process, and the stable names of pickled classes.

Imports no other layer, and not Whoosh.
"""
