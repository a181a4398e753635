"""Sotehaku's library: Finnish documents in, a Whoosh index out, search over it.

What `__all__` names is the library's public API: the web layer and the CLI use nothing else
(tests/test_layout.py checks it), and the modules behind it may change without them noticing.

The names are looked up when first used, not when the package is imported: worker processes
and the unpickling of an index import single modules (indexer.varints, indexer.lemmas, ...),
and importing everything here would cost each of them Whoosh, prometheus_client and watchfiles
first (half a second instead of a few milliseconds for `import indexer.lock`).

No public name is also the name of a module here: Python sets a package's attribute to its
submodule when that is first imported, so `indexer.search` would be the function or the module
depending on what ran before. The service's build and update are therefore `run_build` and
`run_update` (indexer/runs.py: logged, their outcome recorded), the search `search_index`, the
suggestions `suggestions` and the folder watcher `watch_folder`.
"""

import sys
from importlib import import_module
from importlib.machinery import ModuleSpec
from types import ModuleType

# Public name -> (module, name there).
_PUBLIC = {
    # Building and updating, as the CLI, the admin page and the watcher run them.
    "run_build": ("runs", "build"),
    "run_update": ("runs", "update"),
    "BuildReport": ("build", "BuildReport"),
    "watch_folder": ("watch", "watch"),
    # Searching and reading.
    "search_index": ("search", "search"),
    "browse": ("search", "browse"),
    "get_document": ("document_view", "get_document"),
    "SearchResult": ("results", "SearchResult"),
    "MAX_LIMIT": ("search", "MAX_LIMIT"),
    "DEFAULT_LIMIT": ("search", "DEFAULT_LIMIT"),
    "FACETS": ("facets", "FACETS"),
    "Filters": ("facets", "Filters"),
    "parse_filters": ("facets", "parse_filters"),
    "parse_sort": ("facets", "parse_sort"),
    "similar_documents": ("similar", "similar_documents"),
    "suggestions": ("suggest", "suggest"),
    "MAX_SUGGESTIONS": ("suggest", "MAX_SUGGESTIONS"),
    "MAX_PREFIX_CHARS": ("suggest", "MAX_PREFIX_CHARS"),
    # What the index holds.
    "index_stats": ("stats", "index_stats"),
    "live_meta": ("store", "live_meta"),
    "is_locked": ("lock", "is_locked"),
    "IndexCollector": ("metrics", "IndexCollector"),
    # What a caller turns into a message.
    "QueryError": ("query", "QueryError"),
    "FilterError": ("facets", "FilterError"),
    "IndexMissing": ("store", "IndexMissing"),
    "IndexUnreadable": ("store", "IndexUnreadable"),
    "AnalysisUnavailable": ("analysis", "AnalysisUnavailable"),
    "NothingIndexed": ("build", "NothingIndexed"),
    "WriterBusy": ("lock", "WriterBusy"),
    "WorkerFailed": ("workers", "WorkerFailed"),
    "Message": ("messages", "Message"),
    "reason_kind": ("skip_reasons", "reason_kind"),
}
# Modules used whole: the admin page's background jobs, the settings table, the JSON log
# lines, the gunicorn launcher.
_MODULES = ("jobs", "logs", "serve", "settings")

__all__ = sorted([*_PUBLIC, *_MODULES])


def __getattr__(name: str) -> object:
    """Import a public name's module on first use, and keep the name here from then on."""
    if name in _MODULES:
        value = import_module(f"{__name__}.{name}")
    elif name in _PUBLIC:
        module, attr = _PUBLIC[name]
        value = getattr(import_module(f"{__name__}.{module}"), attr)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# Modules renamed since indexes were built with them. An index holds its schema pickled, with
# each analyzer class by its module path, so the old path must still import: as the new
# module itself, so the classes are the same and a rebuild pickles them by their new path.
# (tokenize.py also shadowed the standard library's module for a script run from indexer/.)
_RENAMED = {f"{__name__}.tokenize": f"{__name__}.words"}


class _RenamedModules:
    """Find a renamed module's old path (a finder and loader on sys.meta_path)."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        return ModuleSpec(name, _RenamedModules) if name in _RENAMED else None

    @staticmethod
    def create_module(spec: ModuleSpec) -> ModuleType:
        module = import_module(_RENAMED[spec.name])
        spec.loader_state = module.__spec__
        return module

    @staticmethod
    def exec_module(module: ModuleType) -> None:
        # Nothing to run, the module was imported under its new name; but the import system
        # gave it the old path's spec, and the spec says where to find it again (reload).
        module.__spec__ = module.__spec__.loader_state


sys.meta_path.append(_RenamedModules)
