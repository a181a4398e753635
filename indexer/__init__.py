"""Sotehaku's library: Finnish documents in, a Whoosh index out, search over it."""
