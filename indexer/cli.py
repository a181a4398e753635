"""The command line: thin click wrappers over the library's functions."""

import html
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from indexer import (
    DEFAULT_LIMIT,
    AlertsBusy,
    AlertStoreUnavailable,
    AnalysisUnavailable,
    BuildReport,
    IndexMissing,
    IndexUnreadable,
    MailUnavailable,
    NothingIndexed,
    QueryError,
    WorkerFailed,
    WriterBusy,
    index_stats,
    logs,
    run_build,
    run_update,
    search_index,
    send_alerts,
    serve,
    settings,
    watch_folder,
)

# Exit code for "another writer holds the index": scripts can retry on it.
EXIT_BUSY = 2

# In a terminal ESC starts a command (set the window title, clear the screen, ...), and other
# C0 and C1 controls move the cursor or start one too: text that comes from documents (titles,
# snippets, file names, reasons) is printed with them as visible escapes ("\x1b").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REBUILD = "A build replaces it: python -m indexer build"
# json.dumps escapes C0 controls itself, but not DEL and C1.
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")


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
    """Sotehaku: build, search, watch and serve a Finnish full-text index.

    Example: sotehaku build && sotehaku search VATE
    """


@cli.command()
@_seeds_option
@_index_option
@click.option("--cluster", default=settings.cluster, help="Build shards on this Ray cluster.")
@click.option("--shards", type=click.IntRange(min=1), help="Shards of a cluster build.")
def build(seeds: Path, index_dir: Path, **cluster: Any) -> None:
    """Rebuild the whole index from the seeds folder, then switch to it.

    Searches keep being served from the old index until the new one is complete.

    Example: sotehaku build --seeds seeds --index index
    """
    bar = shown = None
    stages = {"read": "Reading files", "index": "Indexing documents"}

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
        report = run_build(
            seeds,
            index_dir,
            **cluster,
            max_bytes=settings.max_file_bytes(),
            max_seconds=settings.max_file_seconds(),
            progress=progress if sys.stderr.isatty() else None,
        )
    except WriterBusy as e:
        click.echo(_shown(str(e)), err=True)
        sys.exit(EXIT_BUSY)
    except NothingIndexed as e:
        _print_build(e.report)
        raise click.ClickException(str(e)) from None
    except (FileNotFoundError, WorkerFailed, settings.SettingError) as e:
        raise click.ClickException(_shown(str(e))) from None
    except OSError as e:
        # The new generation is written beside the live one, which only the last step replaces.
        raise click.ClickException(
            f"{_os_error(e)} while writing the index; the live index was left unchanged."
        ) from None
    except Exception as e:
        # Logged with its traceback (service/runs.py); a person gets what it was, in words.
        raise click.ClickException(
            _shown(
                f"The build failed ({type(e).__name__}: {e}); the live index was left unchanged."
            )
        ) from None
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
        click.echo(f"  note {_shown(doc_id)}: {_shown(note)}")
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} files:")
        for s in report.skipped:
            click.echo(f"  {_shown(s.id)}: {_shown(s.reason)}")


@cli.command()
@_seeds_option
@_index_option
def update(seeds: Path, index_dir: Path) -> None:
    """Index new and changed files and drop deleted ones, without a full rebuild.

    Example: sotehaku update
    """
    with _reading(index_dir, writing="update"):
        report = run_update(
            seeds,
            index_dir,
            max_bytes=settings.max_file_bytes(),
            max_seconds=settings.max_file_seconds(),
        )
    click.echo(
        f"Added {len(report.added)}, changed {len(report.changed)}, removed "
        f"{len(report.removed)}, unchanged {report.unchanged} in {report.seconds:.2f} s."
    )
    for s in report.skipped:
        click.echo(f"  skipped {_shown(s.id)}: {_shown(s.reason)}")


@cli.command("search")
@click.argument("query")
@click.option("--limit", default=DEFAULT_LIMIT, show_default=True, help="Hits per page.")
@click.option("--page", default=1, show_default=True, help="Page of results.")
@click.option("--json", "as_json", is_flag=True, help="Print the web API's JSON.")
@_index_option
def search_command(query: str, limit: int, page: int, as_json: bool, index_dir: Path) -> None:
    """Search the index the way the web page does.

    Example: sotehaku search "sote-uudistus" --limit 5
    """
    with _reading(index_dir):
        result = search_index(
            index_dir, query, page=page, limit=limit, with_facets=as_json, suggest=as_json
        )
    if as_json:
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
        # Outside its strings the JSON is plain ASCII, so these are all inside strings.
        click.echo(_JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
        return
    if result.mode == "any":
        click.echo("No document has all the words; showing documents with any of them.")
    click.echo(f"{result.total} documents ({result.took_ms:.1f} ms), page {page}/{result.pages}")
    for n, hit in enumerate(result.hits, (page - 1) * limit + 1):
        date = f" ({_shown(hit.date)})" if hit.date else ""
        click.echo(f"\n{n}. {_shown(hit.title)}{date}")
        on_page = f"  s. {hit.page}" if hit.page else ""
        click.echo(f"   {_shown(hit.path)}{on_page}  score {hit.score:.2f}")
        if hit.kind:
            meeting = " ".join(filter(None, [hit.kind, hit.meeting]))
            who = hit.decision_maker or hit.organisation
            case = f" · {hit.case}" if hit.case else ""
            click.echo(f"   {_shown(f'{who} · {meeting}{case}')}")
        click.echo(f"   {_terminal_snippet(hit.snippet)}")
        for also in hit.also:
            click.echo(f"   also in the {also['relation']}: {_shown(str(also['id']))}")
        if hit.more_in_meeting:
            click.echo(f"   ({hit.more_in_meeting} more in this meeting)")


def _terminal_snippet(snippet: str) -> str:
    """Turn a snippet's HTML into one line of text, matched words in bold where styling shows."""
    # Split at the marks: odd pieces are matched words. Unescaping comes before showing
    # controls, so that none hides in an entity. Runs of white space become one space but
    # stay, so that a matched word keeps the spaces around it.
    pieces = re.split(r"<mark>(.*?)</mark>", " ".join(snippet.split()))
    text = [_shown(re.sub(r"\s+", " ", html.unescape(piece))) for piece in pieces]
    return "".join(click.style(t, bold=True) if n % 2 else t for n, t in enumerate(text))


@cli.command()
@_index_option
def stats(index_dir: Path) -> None:
    """Show what the index holds and how it was built.

    Example: sotehaku stats --index index
    """
    with _reading(index_dir):
        s = index_stats(index_dir)
    click.echo(f"Documents:  {s.documents}")
    click.echo(f"Index size: {s.size_bytes / 1024:.0f} KiB ({_shown(s.generation)})")
    click.echo(f"Built:      {_shown(s.built_at or 'unknown')}")
    if s.updated_at:
        click.echo(f"Updated:    {_shown(s.updated_at)}")
    click.echo(f"Analyzer:   {_shown(s.analyzer)}")
    for warning in s.warnings:
        click.echo(f"Warning:    {warning}")
    if s.skipped:
        click.echo(f"Skipped {len(s.skipped)} files:")
        for item in s.skipped:
            click.echo(f"  {_shown(item['id'])}: {_shown(item['reason'])}")


@cli.command()
@_seeds_option
@_index_option
def watch(seeds: Path, index_dir: Path) -> None:
    """Update the index whenever files in the seeds folder appear, change or go.

    Waits until the folder has been quiet for $SOTEHAKU_WATCH_SETTLE_SECONDS, then runs one
    update; builds the index when there is none. Logs JSON lines to stderr. Stops on SIGTERM
    or Ctrl-C, after the update in progress.

    Example: sotehaku watch --seeds seeds --index index
    """
    logs.configure()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    try:
        watch_folder(
            seeds,
            index_dir,
            settle=settings.watch_settle_seconds(),
            stop=stop,
            max_bytes=settings.max_file_bytes(),
            max_seconds=settings.max_file_seconds(),
        )
    except (FileNotFoundError, settings.SettingError) as e:
        raise click.ClickException(_shown(str(e))) from None


@cli.command("alerts")
@_index_option
def alerts_command(index_dir: Path) -> None:
    """Send each e-mail alert's subscriber the documents new for its search since the last.

    Sends nothing to a subscription with nothing new, nor to one not yet confirmed. Needs
    $SOTEHAKU_SMTP_HOST, $SOTEHAKU_MAIL_FROM and $SOTEHAKU_PUBLIC_URL; run it from a timer.
    Exit 1 when the mail server fails (what was sent before is recorded, the rest is sent
    next time), 2 when another run is sending.

    Example: sotehaku alerts --index index
    """
    try:
        mail = settings.mail()
    except settings.SettingError as e:
        raise click.ClickException(_shown(str(e))) from None
    if mail is None:
        raise click.ClickException(
            "E-mail alerts are off: set SOTEHAKU_SMTP_HOST (see docs/settings.md)."
        )
    failure = None
    with _reading(index_dir):
        try:
            report = send_alerts(index_dir, mail)
        except AlertsBusy as e:
            click.echo(str(e), err=True)
            sys.exit(EXIT_BUSY)
        except (MailUnavailable, AlertStoreUnavailable) as e:
            # Said after _reading, which would take the message for a damaged index.
            failure = str(e)
    if failure is not None:
        raise click.ClickException(_shown(failure))
    for problem in report.problems:
        click.echo(_shown(problem), err=True)
    click.echo(f"Sent {report.sent} alerts; {report.nothing_new} subscriptions had nothing new.")


@cli.command("serve")
@click.option(
    "--bind",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address to serve on: HOST:PORT, or unix:PATH.",
)
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
@click.option("--watch", "and_watch", is_flag=True, help="Run the folder watcher beside it.")
@_seeds_option
@_index_option
def serve_command(bind: str, workers: int, and_watch: bool, seeds: Path, index_dir: Path) -> None:
    """Serve the search on the web with gunicorn and the project's settings.

    Settings come from the environment (SOTEHAKU_*); --seeds and --index set the two folders
    for the server and the watcher. Stops cleanly on SIGTERM or Ctrl-C.

    Example: sotehaku serve --bind 127.0.0.1:8000 --workers 2 --watch
    """
    env = {
        **os.environ,
        settings.ENV_PREFIX + "SEEDS_DIR": str(seeds),
        settings.ENV_PREFIX + "INDEX_DIR": str(index_dir),
    }
    if and_watch:
        sys.exit(serve.serve_and_watch(bind, workers, env))
    serve.exec_server(bind, workers, env)


@contextmanager
def _reading(index_dir: Path, *, writing: str | None = None) -> Iterator[None]:
    """Turn what stops a command that reads the index into a message and exit code 1 (2 when
    another writer holds it). writing names the command when it also writes the index: an
    error it did not foresee is then its failure, not a damaged index."""
    try:
        yield
    except WriterBusy as e:
        click.echo(_shown(str(e)), err=True)
        sys.exit(EXIT_BUSY)
    except IndexUnreadable as e:
        raise click.ClickException(_shown(f"{e} {_REBUILD}")) from None
    except (
        IndexMissing,
        QueryError,
        AnalysisUnavailable,
        FileNotFoundError,
        settings.SettingError,
    ) as e:
        raise click.ClickException(_shown(str(e))) from None
    except OSError as e:
        where = f": {e.filename}" if e.filename else f" in {index_dir}"
        raise click.ClickException(_shown(f"{_os_error(e)}{where}.")) from None
    except Exception as e:
        if writing:
            raise click.ClickException(
                _shown(
                    f"The {writing} failed ({type(e).__name__}: {e}); the index was left as it was."
                )
            ) from None
        # A damaged segment fails inside Whoosh with whatever its readers meet (struct.error,
        # EOFError, UnpicklingError, zlib.error, ModuleNotFoundError, ...): name it, never hide.
        raise click.ClickException(
            _shown(
                f"The index in {index_dir} cannot be read ({type(e).__name__}: {e}); "
                f"it may be damaged. {_REBUILD}"
            )
        ) from None


def _os_error(error: OSError) -> str:
    """Say what the system said, without the errno and path Python's str() adds."""
    return error.strerror or str(error)


def _shown(text: str) -> str:
    """Return text fit to print: control characters as visible escapes (ESC as \\x1b)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
