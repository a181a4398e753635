"""Facets, filters and date order through a real index of folders of documents."""

from datetime import date
from pathlib import Path

import pytest
from whoosh.util.times import long_to_datetime

from indexer.common.ids import format_of, source_of
from indexer.search import facets
from indexer.search.filters import FilterError, Filters, parse_filters, parse_sort
from indexer.search.searching import browse, search
from indexer.service.stats import index_stats
from indexer.store.schema import make_schema
from indexer.writing import build
from indexer.writing.build import build_index
from indexer.writing.update import update_index

# (id, text): sources are the first folders, formats the suffixes, dates in the text.
ARCHIVE = {
    "etela-pohjanmaa/2021/kokous.txt": "Hallituksen kokous 3.5.2021\n\nRahoitusmalli ja sote.",
    "etela-pohjanmaa/2022/poytakirja.md": "# Pöytäkirja\n\n12.1.2022 rahoitusmalli hyväksyttiin.",
    "etela-pohjanmaa/tiedote.html": "<html><head><title>Tiedote</title></head><body>"
    "<p>Rahoitusmalli ja sote 2.2.2022</p></body></html>",
    "keski-suomi/muistio.txt": "Muistio 15.6.2021\n\nKunnat ja rahoitusmalli.",
    "keski-suomi/LIITE.TXT": "Liite ilman päivää\n\nRahoitusmalli liitteenä.",
    "juuri.txt": "Juuren tiedosto 1.1.2020\n\nSote ja kunnat.",
}


def write_archive(folder: Path, files: dict[str, str]) -> Path:
    for doc_id, text in files.items():
        path = folder / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    seeds = write_archive(root / "seeds", ARCHIVE)
    build_index(seeds, root / "index")
    return root / "index"


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


def values(result, facet: str) -> list[tuple[str, int]]:
    return [(v["value"], v["count"]) for v in result.facets[facet]]


def test_source_and_format_come_from_the_id() -> None:
    assert [source_of(i) for i in ARCHIVE] == [
        "etela-pohjanmaa", "etela-pohjanmaa", "etela-pohjanmaa", "keski-suomi", "keski-suomi", "",
    ]  # fmt: skip
    assert [format_of(i) for i in ARCHIVE] == ["txt", "md", "html", "txt", "txt", "txt"]


def test_facets_count_the_whole_result(archive: Path) -> None:
    result = search(archive, "rahoitusmalli", limit=1, with_facets=True)
    assert result.total == 5
    assert values(result, "year") == [("2022", 2), ("2021", 2)]
    assert values(result, "source") == [("etela-pohjanmaa", 3), ("keski-suomi", 2)]
    assert values(result, "format") == [("txt", 3), ("html", 1), ("md", 1)]


def test_each_count_is_what_choosing_it_finds(archive: Path) -> None:
    base = Filters(source=frozenset({"keski-suomi"}))
    result = search(archive, "rahoitusmalli", filters=base, with_facets=True)
    # An archive without decision documents lists no decision facets.
    assert list(result.facets) == ["year", "source", "format", "language"]
    for facet in result.facets:
        for entry in result.facets[facet]:
            chosen = Filters(**{**base.__dict__, facet: frozenset({entry["value"]})})
            assert search(archive, "rahoitusmalli", filters=chosen).total == entry["count"], (
                facet,
                entry,
            )


def test_values_of_a_facet_are_ored_and_facets_anded(archive: Path) -> None:
    both_years = Filters(year=frozenset({"2021", "2022"}))
    assert search(archive, "rahoitusmalli", filters=both_years).total == 4
    narrowed = Filters(year=frozenset({"2021", "2022"}), format=frozenset({"txt"}))
    result = search(archive, "rahoitusmalli", filters=narrowed, with_facets=True)
    assert sorted(ids(result)) == ["etela-pohjanmaa/2021/kokous.txt", "keski-suomi/muistio.txt"]
    # The chosen facet still counts its other values (what choosing them as well would add).
    assert values(result, "year") == [("2022", 0), ("2021", 2)] or values(result, "year") == [
        ("2021", 2),
        ("2022", 0),
    ]


def test_date_range_is_inclusive(archive: Path) -> None:
    window = Filters(date_from=date(2021, 6, 15), date_to=date(2022, 1, 12))
    result = search(archive, "rahoitusmalli", filters=window, sort="oldest")
    assert ids(result) == ["keski-suomi/muistio.txt", "etela-pohjanmaa/2022/poytakirja.md"]


def test_date_order_puts_undated_last(archive: Path) -> None:
    newest = search(archive, "rahoitusmalli", sort="newest")
    assert [h.date for h in newest.hits] == [
        "2022-02-02", "2022-01-12", "2021-06-15", "2021-05-03", None,
    ]  # fmt: skip
    oldest = search(archive, "rahoitusmalli", sort="oldest")
    assert [h.date for h in oldest.hits] == [
        "2021-05-03", "2021-06-15", "2022-01-12", "2022-02-02", None,
    ]  # fmt: skip


def test_pages_of_a_filtered_result_add_up(archive: Path) -> None:
    seen = []
    for page in (1, 2, 3):
        result = search(archive, "rahoitusmalli", page=page, limit=2, sort="newest")
        assert result.total == 5
        seen += ids(result)
    assert len(seen) == len(set(seen)) == 5


def test_phrases_filter_through_whoosh_collector(archive: Path) -> None:
    # A phrase is matched by Whoosh's matchers, not term at a time: the same filters apply.
    phrase = '"rahoitusmalli ja sote"'
    assert search(archive, phrase).total == 2
    result = search(archive, phrase, filters=Filters(format=frozenset({"html"})), with_facets=True)
    assert ids(result) == ["etela-pohjanmaa/tiedote.html"]
    assert values(result, "format") == [("html", 1), ("txt", 1)]


def test_relevance_order_is_unchanged_by_facets(archive: Path) -> None:
    plain = search(archive, "sote kunnat OR rahoitusmalli", limit=10)
    counted = search(archive, "sote kunnat OR rahoitusmalli", limit=10, with_facets=True)
    assert [(h.id, h.score) for h in counted.hits] == [(h.id, h.score) for h in plain.hits]
    assert counted.total == plain.total


def test_browse_lists_the_newest_with_facets_of_everything(archive: Path) -> None:
    result = browse(archive, limit=3)
    assert (result.total, result.mode) == (6, "browse")
    assert ids(result) == [
        "etela-pohjanmaa/tiedote.html",
        "etela-pohjanmaa/2022/poytakirja.md",
        "keski-suomi/muistio.txt",
    ]
    assert values(result, "year") == [("2022", 2), ("2021", 2), ("2020", 1)]
    # A file directly in the seeds folder has no source.
    assert values(result, "source") == [("etela-pohjanmaa", 3), ("keski-suomi", 2)]
    assert browse(archive, filters=Filters(source=frozenset({"keski-suomi"}))).total == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"year": ["21"]}, "'year' must be a year of four digits, such as 2021."),
        ({"from": ["2021-13-01"]}, "'from' must be a date as YYYY-MM-DD, such as 2021-06-30."),
        ({"to": ["1.2.2021"]}, "'to' must be a date as YYYY-MM-DD, such as 2021-06-30."),
        ({"from": ["2022-01-01"], "to": ["2021-01-01"]}, "'from' must not be later than 'to'."),
        ({"from": ["2022-01-01", "2022-01-02"]}, "'from' can be given only once."),
        ({"source": ["x" * 201]}, "'source' is too long: at most 200 characters."),
        ({"format": ["txt"] * 21}, "'format' can be given at most 20 times."),
    ],
)
def test_bad_filters_say_why(args: dict, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filters(args)
    assert str(caught.value) == message


def test_filters_and_sort_parse() -> None:
    assert parse_filters({"year": ["2021", " "], "format": [".PDF"], "to": ["2021-12-31"]}) == (
        Filters(year=frozenset({"2021"}), format=frozenset({"pdf"}), date_to=date(2021, 12, 31))
    )
    assert [parse_sort(s) for s in ("", "newest", "oldest")] == ["relevance", "newest", "oldest"]
    with pytest.raises(FilterError, match="'sort' must be relevance, newest or oldest."):
        parse_sort("random")


def test_updates_fill_the_columns(tmp_path: Path) -> None:
    seeds = write_archive(tmp_path / "seeds", {"a/eka.txt": "Eka 1.1.2021\n\nrahoitusmalli"})
    build_index(seeds, tmp_path / "index")
    write_archive(seeds, {"b/toka.md": "Toka 1.1.2022\n\nrahoitusmalli"})
    update_index(seeds, tmp_path / "index")
    result = search(tmp_path / "index", "rahoitusmalli", with_facets=True)
    assert values(result, "source") == [("a", 1), ("b", 1)]
    assert values(result, "format") == [("md", 1), ("txt", 1)]


def test_an_index_from_before_the_facet_columns_still_searches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def old_schema(analyzer, swedish=None):
        schema = make_schema(analyzer)
        for name in ("source", "format", "language", "decision_maker", "organisation", "kind"):
            schema.remove(name)
        return schema

    monkeypatch.setattr(build, "make_schema", old_schema)
    seeds = write_archive(tmp_path / "seeds", {"a/eka.txt": "Eka 1.1.2021\n\nrahoitusmalli"})
    index_dir = tmp_path / "index"
    build_index(seeds, index_dir)
    write_archive(seeds, {"b/toka.txt": "Toka 1.1.2022\n\nrahoitusmalli"})
    update_index(seeds, index_dir)
    result = search(index_dir, "rahoitusmalli", with_facets=True, sort="newest")
    assert [h.id for h in result.hits] == ["b/toka.txt", "a/eka.txt"]
    # The language is stored, so an update adds it (_add_stored_fields) to what it indexes.
    assert list(result.facets) == ["year", "language"]
    assert [h.language for h in result.hits] == ["fi", None]
    only_a = Filters(source=frozenset({"a"}))
    assert search(index_dir, "rahoitusmalli", filters=only_a).total == 0
    only_fi = Filters(language=frozenset({"fi"}))
    assert [h.id for h in search(index_dir, "rahoitusmalli", filters=only_fi).hits] == [
        "b/toka.txt"
    ]
    stats = index_stats(index_dir)
    assert not stats.facets
    assert "rebuild it to narrow searches by them" in " ".join(stats.warnings)
    assert index_stats(index_dir).documents == 2


def _whooshs_day(value: int) -> int:
    try:
        return long_to_datetime(value).toordinal() if value else 0
    except OverflowError:
        return 0


def test_columns_read_in_one_piece_equal_whooshs_own_readers(archive: Path) -> None:
    from indexer.store import searchers

    with searchers.live_searcher(archive) as (_, searcher):
        for reader, _ in searcher.reader().leaf_readers():
            read = facets._segment_columns(reader)
            days = [_whooshs_day(v) for v in reader.column_reader("date", translate=False)]
            assert read.day == days
            assert read.year == [str(date.fromordinal(d).year) if d else "" for d in days]
            assert read.source == list(reader.column_reader("source"))
            assert read.format == list(reader.column_reader("format"))
    # Dated and undated documents both.
    assert {bool(d) for d in read.day} == {True, False}


def test_reading_the_columns_is_not_the_querys_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first faceted search of a large segment reads its columns; that is not stopped
    as if the query had taken too long."""
    import time

    from indexer.search import searching as search_module

    seeds = write_archive(tmp_path / "seeds", ARCHIVE)
    build_index(seeds, tmp_path / "index")
    slow = facets._days

    def burning(reader, count):
        until = time.process_time() + search_module.HARD_SECONDS + 0.3
        while time.process_time() < until:
            pass
        return slow(reader, count)

    monkeypatch.setattr(facets, "_days", burning)
    result = search(tmp_path / "index", "rahoitusmalli", with_facets=True)
    assert result.total == 5 and not result.partial
