"""Sotehaku's library: Finnish documents in, a Whoosh index out, search over it.

What `__all__` names is the library's public API: the web layer and the CLI use nothing else
(tests/test_layout.py checks it), and the modules behind it may change without them noticing.

The library is in layers, a subpackage each; a layer imports only the ones below it
(tests/test_layout.py checks the table in LAYERS):

    common     ids, settings, messages, files shared between processes, time limits
    analysis   Finnish and Swedish words into index terms: tokenizer, Voikko, simplemma,
               lemmas, compounds, lexicon
    codec      how postings are written and read on disk
    documents  the seeds folder: each file's text, title and date, or why it is skipped
    store      the index on disk: generations, the writer's lock, the schema, open searchers
    writing    builds and updates: documents in, segments out
    search     queries, ranking, snippets, facets, suggestions, the document view
    cluster    shards and replicas on a Ray cluster: sharded builds, whole-corpus statistics,
               shard searchers and the coordinator that merges their answers
    service    what runs around them: logged runs, admin jobs, the watcher, metrics, serving,
               e-mail alerts

The names are looked up when first used, not when the package is imported: worker processes
and the unpickling of an index import single modules, and importing everything here would cost
each of them Whoosh, prometheus_client and watchfiles first (half a second instead of a few
milliseconds for `import indexer.store.lock`).

No public name is also the name of a subpackage: Python sets a package's attribute to its
subpackage when that is first imported, so `indexer.search` would be the function or the
package depending on what ran before. The service's build and update are therefore
`run_build` and `run_update` (service/runs.py: logged, their outcome recorded), the search
`search_index`, the suggestions `suggestions` and the folder watcher `watch_folder`.
"""

import sys
from importlib import import_module
from importlib.machinery import ModuleSpec
from types import ModuleType

# Which subpackage may import which: each imports only those listed for it.
LAYERS: dict[str, frozenset[str]] = {
    "common": frozenset(),
    "analysis": frozenset({"common"}),
    "codec": frozenset({"common"}),
    "documents": frozenset({"common", "analysis"}),
    "store": frozenset({"common", "codec"}),
    "writing": frozenset({"common", "analysis", "codec", "documents", "store"}),
    "search": frozenset({"common", "analysis", "codec", "store"}),
    "cluster": frozenset(
        {"common", "analysis", "codec", "documents", "store", "writing", "search"}
    ),
    "service": frozenset(
        {"common", "analysis", "documents", "store", "writing", "search", "cluster"}
    ),
}

# Public name -> (module, name there).
_PUBLIC = {
    # Building and updating, as the CLI, the admin page and the watcher run them.
    "run_build": ("service.runs", "build"),
    "run_update": ("service.runs", "update"),
    "BuildReport": ("writing.build", "BuildReport"),
    "watch_folder": ("service.watch", "watch"),
    # Searching and reading.
    "search_index": ("cluster.dispatch", "search"),
    "browse": ("cluster.dispatch", "browse"),
    "get_document": ("cluster.dispatch", "get_document"),
    "case_history": ("cluster.dispatch", "case_history"),
    "original_file": ("service.originals", "original_file"),
    "SearchResult": ("search.results", "SearchResult"),
    "MAX_LIMIT": ("search.searching", "MAX_LIMIT"),
    "DEFAULT_LIMIT": ("search.searching", "DEFAULT_LIMIT"),
    "FACETS": ("search.filters", "FACETS"),
    "Filters": ("search.filters", "Filters"),
    "parse_filters": ("search.filters", "parse_filters"),
    "parse_sort": ("search.filters", "parse_sort"),
    "similar_documents": ("cluster.dispatch", "similar_documents"),
    "suggestions": ("cluster.dispatch", "suggestions"),
    "MAX_SUGGESTIONS": ("search.suggestions", "MAX_SUGGESTIONS"),
    "MAX_PREFIX_CHARS": ("search.suggestions", "MAX_PREFIX_CHARS"),
    "warm_suggestions": ("cluster.dispatch", "warm_suggestions"),
    "example_queries": ("cluster.dispatch", "example_queries"),
    # Following a search by e-mail: subscribing with double opt-in, and the alerts' runs.
    "SavedSearch": ("service.saved_searches", "SavedSearch"),
    "subscribe": ("service.subscribing", "subscribe"),
    "pending_subscription": ("service.subscribing", "pending"),
    "confirm_subscription": ("service.subscribing", "confirm"),
    "followed_search": ("service.subscribing", "following"),
    "unsubscribe": ("service.subscribing", "unsubscribe"),
    "send_alerts": ("service.alerts", "send_alerts"),
    # What the index holds.
    "index_stats": ("service.stats", "index_stats"),
    "live_meta": ("store.generations", "live_meta"),
    "is_locked": ("store.lock", "is_locked"),
    "IndexCollector": ("service.metrics", "IndexCollector"),
    # What a caller turns into a message.
    "QueryError": ("search.query", "QueryError"),
    "FilterError": ("search.filters", "FilterError"),
    "IndexMissing": ("store.generations", "IndexMissing"),
    "IndexUnreadable": ("store.generations", "IndexUnreadable"),
    "AnalysisUnavailable": ("analysis.voikko", "AnalysisUnavailable"),
    "NothingIndexed": ("writing.build", "NothingIndexed"),
    "WriterBusy": ("store.lock", "WriterBusy"),
    "WorkerFailed": ("writing.workers", "WorkerFailed"),
    "ShardFailed": ("cluster.building", "ShardFailed"),
    "ClusterUnavailable": ("cluster.connect", "ClusterUnavailable"),
    "SubscriptionError": ("service.subscribing", "SubscriptionError"),
    "TooManyRequests": ("service.subscribing", "TooManyRequests"),
    "MailUnavailable": ("service.mail", "MailUnavailable"),
    "AlertStoreUnavailable": ("service.alert_store", "AlertStoreUnavailable"),
    "AlertsBusy": ("service.alerts", "AlertsBusy"),
    "Message": ("common.messages", "Message"),
    "reason_kind": ("documents.skip_reasons", "reason_kind"),
    # What a caller does to text before it shows it or writes it into XML.
    "bidi_escaped": ("common.text", "bidi_escaped"),
    "xml_safe": ("common.text", "xml_safe"),
    # The analysis of each language, for evaluations.
    "analyzer": ("analysis.languages", "analyzer"),
    "LANGUAGES": ("analysis.languages", "LANGUAGES"),
}
# Modules used whole: the admin page's background jobs, the settings table, the JSON log
# lines, the gunicorn launcher.
_MODULES = {
    "jobs": "service.jobs",
    "logs": "service.logs",
    "serve": "service.serve",
    "settings": "common.settings",
}

# Classes that an index pickles (the analyzer's parts in its schema, the codec in its
# segments), by the stable name indexer.<class name>, wherever the class lives: each sets its
# __module__ to "indexer" (common.persisted), and is found here. A later move of the code
# changes only this table, never the indexes.
_PERSISTED = {
    "FinnishTokenizer": "analysis.words",
    "CaseEndingFilter": "analysis.words",
    "LemmaFilter": "analysis.lemmas",
    "Morphology": "analysis.morphology",
    "LexiconFilter": "analysis.lexicon",
    "SwedishMorphology": "analysis.swedish",
    "VarintPositions": "codec.postings",
    "VarintCharacters": "codec.postings",
    "InliningCodec": "codec.postings",
}

__all__ = sorted([*_PUBLIC, *_MODULES])


def __getattr__(name: str) -> object:
    """Import a public name's module on first use, and keep the name here from then on."""
    if name in _MODULES:
        value = import_module(f"{__name__}.{_MODULES[name]}")
    elif name in _PUBLIC:
        module, attr = _PUBLIC[name]
        value = getattr(import_module(f"{__name__}.{module}"), attr)
    elif name in _PERSISTED:
        value = getattr(import_module(f"{__name__}.{_PERSISTED[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# Where indexes built before the stable names pickled these classes: old module path -> the
# classes it held. Such an index opens through these paths, and its next build or update
# pickles the classes by their stable names. (tokenize.py was renamed words.py; lemmas.py was
# split out of morphology.py; all of them were flat modules of indexer/ until commit 2d6b284.)
_OLD_PATHS = {
    f"{__name__}.tokenize": ("FinnishTokenizer", "CaseEndingFilter"),
    f"{__name__}.words": ("FinnishTokenizer", "CaseEndingFilter"),
    f"{__name__}.morphology": ("Morphology", "LemmaFilter"),
    f"{__name__}.lemmas": ("LemmaFilter",),
    f"{__name__}.lexicon": ("LexiconFilter",),
    f"{__name__}.postings": ("VarintPositions", "VarintCharacters", "InliningCodec"),
}


class _OldPaths:
    """Find an old module path that an earlier index names (a finder and loader on
    sys.meta_path): a module that holds only the persisted classes it held."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        return ModuleSpec(name, _OldPaths) if name in _OLD_PATHS else None

    @staticmethod
    def create_module(spec: ModuleSpec) -> ModuleType:
        return ModuleType(spec.name, "Where an earlier index found its pickled classes.")

    @staticmethod
    def exec_module(module: ModuleType) -> None:
        package = sys.modules[__name__]
        for name in _OLD_PATHS[module.__name__]:
            setattr(module, name, getattr(package, name))


sys.meta_path.append(_OldPaths)
