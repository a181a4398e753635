"""The library's search functions as the web layer and the CLI call them: on one machine the
search layer's, and with $SOTEHAKU_CLUSTER set the coordinator's (features.py), which is
imported, with Ray, only then."""

from importlib import import_module
from pathlib import Path
from typing import Any

from indexer.common import settings
from indexer.search import case_history as case_module
from indexer.search import document_view, searching, similar
from indexer.search import suggestions as suggestions_module
from indexer.search.case_history import CaseSection
from indexer.search.document_view import DocumentView
from indexer.search.results import SearchResult
from indexer.search.similar import Similar
from indexer.search.suggestions import MAX_SUGGESTIONS, Suggestion


def _cluster() -> Any:
    return import_module("indexer.cluster.features") if settings.cluster() else None


def search(index_dir: Path, text: str, **options: Any) -> SearchResult:
    """searching.search's answer, from the shards on a cluster."""
    cluster = _cluster()
    return (cluster or searching).search(index_dir, text, **options)


def browse(index_dir: Path, **options: Any) -> SearchResult:
    """searching.browse's answer, from the shards on a cluster."""
    cluster = _cluster()
    return (cluster or searching).browse(index_dir, **options)


def get_document(index_dir: Path, doc_id: str, *args: Any) -> DocumentView | None:
    """document_view.get_document's answer, from the shard holding the document."""
    cluster = _cluster()
    return (cluster or document_view).get_document(index_dir, doc_id, *args)


def case_history(index_dir: Path, case: str) -> list[CaseSection]:
    """case_history.case_history's answer, from every shard on a cluster."""
    cluster = _cluster()
    return (cluster or case_module).case_history(index_dir, case)


def similar_documents(index_dir: Path, doc_id: str, limit: int = 5) -> list[Similar]:
    """similar.similar_documents's answer, from the shard holding the document."""
    cluster = _cluster()
    return (cluster or similar).similar_documents(index_dir, doc_id, limit)


def suggestions(
    index_dir: Path, prefix: str, limit: int = MAX_SUGGESTIONS, **options: Any
) -> list[Suggestion] | None:
    """suggestions.suggest's answer; on a cluster the corpus's words and every shard's
    titles."""
    cluster = _cluster()
    if cluster is None:
        return suggestions_module.suggest(index_dir, prefix, limit, **options)
    return cluster.suggestions(index_dir, prefix, limit)


def warm_suggestions(index_dir: Path) -> None:
    """suggestions.warm, on every shard on a cluster."""
    cluster = _cluster()
    (cluster.warm if cluster else suggestions_module.warm)(index_dir)


def example_queries(index_dir: Path, count: int = 3) -> list[str]:
    """suggestions.examples, from the corpus's words on a cluster."""
    cluster = _cluster()
    return (cluster or suggestions_module).examples(index_dir, count)
