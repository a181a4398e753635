"""What the live index holds: counts, size, when and how it was built, what was skipped."""

from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis.analyzers import voikko_available
from indexer.cluster import shards
from indexer.common.messages import Message
from indexer.store import generations, searchers
from indexer.store.units import file_count

# Fields the facets need beyond the date (indexer/search/facets.py).
FACET_FIELDS = ("source", "format")

# What later code indexes that an older index lacks, by the fields it needs, and what a
# rebuild would give: such an index opens, searches and updates as it was built.
LATER_FIELDS = (
    (
        ("language", "title_sv", "body_sv"),
        Message(
            "The index was built before Swedish analysis: rebuild it so that Swedish "
            "documents are found by their word forms and can be narrowed by language."
        ),
    ),
    (
        ("unit", "decision_maker", "organisation", "kind"),
        Message(
            "The index was built before decision documents: rebuild it to search minutes by "
            "section, decision maker and case."
        ),
    ),
)


@dataclass(frozen=True)
class IndexStats:
    """Facts about the live generation."""

    documents: int
    size_bytes: int
    generation: str
    built_at: str | None
    updated_at: str | None
    analyzer: str
    seeds_dir: str | None
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    # Whether documents carry their source and format (indexes built before them do not).
    facets: bool = True
    # LATER_FIELDS' messages for what the index was built without.
    built_without: list[Message] = field(default_factory=list)

    @property
    def warning(self) -> Message | None:
        """Say what is wrong with how the index was analysed, if anything."""
        if self.analyzer == "voikko" and not voikko_available():
            return Message(
                "The index was built with Voikko, which is not installed here: rebuild it."
            )
        if self.analyzer != "voikko":
            return Message(
                "Voikko is not in use: Finnish words are matched by Snowball stems alone."
            )
        return None

    @property
    def warnings(self) -> list[Message]:
        """Say everything that a rebuild would mend."""
        found = [self.warning] if self.warning else []
        if not self.facets:
            found.append(
                Message(
                    "The index was built before documents had a source and a format: "
                    "rebuild it to narrow searches by them."
                )
            )
        found.extend(self.built_without)
        return found


def index_stats(index_dir: Path) -> IndexStats:
    """Return facts about the live index; raises IndexMissing when there is none.

    The index is opened anew for this, so that damage since the last search shows. A
    cluster's generation counts the documents of all its shards' folders.
    """
    gen = generations.current_generation(index_dir)
    count = shards.shard_count(gen) if gen is not None else None
    if gen is not None and count:
        parts = [index_stats(shards.shard_dir(gen, k)) for k in range(count)]
        meta = generations.read_meta(gen)
        return IndexStats(
            documents=sum(p.documents for p in parts),
            size_bytes=generations.folder_bytes(gen),
            generation=gen.name,
            built_at=meta.get("built_at"),
            updated_at=meta.get("updated_at"),
            analyzer=meta.get("analyzer", "unknown"),
            seeds_dir=meta.get("seeds_dir"),
            skipped=meta.get("skipped", []),
            notes=meta.get("notes", []),
            facets=all(p.facets for p in parts),
        )
    # A switch may delete the generation while its facts are read: then read the new one.
    for _ in range(5):
        with searchers.live_searcher(index_dir, fresh=True) as (gen, searcher):
            documents = file_count(searcher.reader())
            has_facets = all(name in searcher.schema for name in FACET_FIELDS)
            built_without = [
                text
                for names, text in LATER_FIELDS
                if not all(name in searcher.schema for name in names)
            ]
            meta = generations.read_meta(gen)
            size_bytes = generations.folder_bytes(gen)
        if gen.is_dir():
            break
    return IndexStats(
        documents=documents,
        size_bytes=size_bytes,
        generation=gen.name,
        built_at=meta.get("built_at"),
        updated_at=meta.get("updated_at"),
        analyzer=meta.get("analyzer", "unknown"),
        seeds_dir=meta.get("seeds_dir"),
        skipped=meta.get("skipped", []),
        notes=meta.get("notes", []),
        facets=has_facets,
        built_without=built_without,
    )
