"""The command line: thin click wrappers over the library's functions."""

import html
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from indexer import settings
from indexer.analysis import AnalysisUnavailable
from indexer.build import BuildReport, NothingIndexed, build_index
from indexer.lock import WriterBusy
from indexer.search import QueryError, search
from indexer.stats import index_stats
from indexer.store import IndexMissing
from indexer.update import update_index
from indexer.workers import WorkerFailed

# Exit code for "another writer holds the index": scripts can retry on it.
EXIT_BUSY = 2


def _seeds_option(f: Callable) -> Callable:
    return click.option(
        "--seeds",
        type=click.Path(path_type=Path, file_okay=False),
        default=settings.seeds_dir,
        show_default="$SOTEHAKU_SEEDS_DIR or seeds",
        help="Folder of documents to index.",
    )(f)


def _index_option(f: Callable) -> Callable:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=settings.index_dir,
        show_default="$SOTEHAKU_INDEX_DIR or index",
        help="Folder of the index.",
    )(f)


@click.group()
def cli() -> None:
    """Sotehaku: build and search a Finnish full-text index.

    Example: python -m indexer build && python -m indexer search VATE
    """


@cli.command()
@_seeds_option
@_index_option
def build(seeds: Path, index_dir: Path) -> None:
    """Rebuild the whole index from the seeds folder, then switch to it.

    Searches keep being served from the old index until the new one is complete.

    Example: python -m indexer build --seeds seeds --index index
    """
    bar: Any = None
    stages = {"read": "Reading files", "index": "Indexing documents"}
    shown = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar, shown
        if stage != shown:
            if bar is not None:
                bar.__exit__(None, None, None)
            shown = stage
            bar = click.progressbar(length=total, label=stages[stage], file=sys.stderr)
            bar.__enter__()
        # Worker processes report in steps of more than one.
        bar.update(done - bar.pos)
        if stage == "index" and done == total:
            bar.__exit__(None, None, None)
            bar = None
            click.echo("Writing the index ...", err=True)

    try:
        report = build_index(
            seeds,
            index_dir,
            max_bytes=settings.max_file_bytes(),
            progress=progress if sys.stderr.isatty() else None,
        )
    except WriterBusy as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_BUSY)
    except NothingIndexed as e:
        _print_build(e.report)
        raise click.ClickException(str(e)) from None
    except (FileNotFoundError, WorkerFailed, settings.SettingInvalid) as e:
        raise click.ClickException(str(e)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _print_build(report)


def _print_build(report: BuildReport) -> None:
    if report.analyzer != "voikko":
        click.echo("Voikko is not installed: Finnish words are matched by Snowball stems alone.")
    click.echo(
        f"Indexed {report.indexed} documents in {report.seconds:.2f} s "
        f"(analysis: {report.analyzer})."
    )
    for doc_id, note in report.notes:
        click.echo(f"  note {doc_id}: {note}")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} files:")
        for s in report.skipped:
            click.echo(f"  {s.id}: {s.reason}")


@cli.command()
@_seeds_option
@_index_option
def update(seeds: Path, index_dir: Path) -> None:
    """Index new and changed files and drop deleted ones, without a full rebuild.

    Example: python -m indexer update
    """
    try:
        report = update_index(seeds, index_dir, max_bytes=settings.max_file_bytes())
    except WriterBusy as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_BUSY)
    except (IndexMissing, FileNotFoundError, AnalysisUnavailable) as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        f"Added {len(report.added)}, changed {len(report.changed)}, removed "
        f"{len(report.removed)}, unchanged {report.unchanged} in {report.seconds:.2f} s."
    )
    for s in report.skipped:
        click.echo(f"  skipped {s.id}: {s.reason}")


@cli.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True, help="Hits per page.")
@click.option("--page", default=1, show_default=True, help="Page of results.")
@click.option("--json", "as_json", is_flag=True, help="Print the web API's JSON.")
@_index_option
def search_command(query: str, limit: int, page: int, as_json: bool, index_dir: Path) -> None:
    """Search the index the way the web page does.

    Example: python -m indexer search "sote-uudistus" --limit 5
    """
    try:
        result = search(index_dir, query, page=page, limit=limit)
    except (QueryError, IndexMissing, AnalysisUnavailable) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    if result.mode == "any":
        click.echo("No document has all the words; showing documents with any of them.")
    click.echo(f"{result.total} documents ({result.took_ms:.1f} ms), page {page}/{result.pages}")
    for n, hit in enumerate(result.hits, (page - 1) * limit + 1):
        click.echo(f"\n{n}. {hit.title}" + (f" ({hit.date})" if hit.date else ""))
        click.echo(f"   {hit.path}  score {hit.score:.2f}")
        click.echo(f"   {_terminal_snippet(hit.snippet)}")


def _terminal_snippet(snippet: str) -> str:
    """Turn a snippet's HTML into text, matched words in bold where styling shows."""
    marked = re.sub(r"<mark>(.*?)</mark>", lambda m: click.style(m.group(1), bold=True), snippet)
    return html.unescape(marked)


@cli.command()
@_index_option
def stats(index_dir: Path) -> None:
    """Show what the index holds and how it was built.

    Example: python -m indexer stats --index index
    """
    try:
        s = index_stats(index_dir)
    except (IndexMissing, AnalysisUnavailable) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Documents:  {s.documents}")
    click.echo(f"Index size: {s.size_bytes / 1024:.0f} KiB ({s.generation})")
    click.echo(f"Built:      {s.built_at or 'unknown'}")
    if s.updated_at:
        click.echo(f"Updated:    {s.updated_at}")
    click.echo(f"Analyzer:   {s.analyzer}")
    if s.warning:
        click.echo(f"Warning:    {s.warning}")
    if s.skipped:
        click.echo(f"Skipped {len(s.skipped)} files:")
        for item in s.skipped:
            click.echo(f"  {item['id']}: {item['reason']}")
