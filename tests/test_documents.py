import datetime
import doctest
import hashlib
import os
import time
from pathlib import Path, PurePosixPath

import pytest

from indexer.common import ids
from indexer.documents import readers
from indexer.documents.document import Document, Skipped
from indexer.documents.folder import SeedsMissing, list_files
from indexer.documents.html_text import parse_html
from indexer.documents.loading import load, scan
from indexer.documents.metadata import extract_date, extract_title
from tests.conftest import write_unlistable_folder

SEEDS = Path(__file__).parent.parent / "seeds"


def write(folder: Path, doc_id: str, content: bytes) -> Path:
    path = folder / doc_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("doc_id", "title", "date"),
    [
        (
            "000_a240cdab87ab5ecb.txt",
            "Missä mennään? Sote-johtajien kokous 29.4.2021",
            datetime.date(2021, 4, 29),
        ),
        (
            "001_8cb112da170294d9.txt",
            "Missä mennään? Sote-johtajien kokous 10.6.2021",
            datetime.date(2021, 6, 10),
        ),
        (
            "002_6c8091ab09c9a11c.txt",
            "Sote-uudistus etenee Keski-Pohjanmaalla: Soite 2.0 hankekokonaisuuden "
            "ohjausryhmätyöskentely käynnistyi",
            datetime.date(2020, 11, 5),
        ),
        (
            # The text carries no publication date: 1.3.2018 is the first date it mentions.
            "003_fb3328320a623773.txt",
            "Keski-Suomen sote-palveluiden järjestämisen asiantuntijaryhmän viimeinen kokous: "
            "tavoitteena parantaa palveluiden saavutettavuutta",
            datetime.date(2018, 3, 1),
        ),
        (
            "004_f9c70b41486311da.txt",
            "Syksyn 2018 maakuntaneuvottelut esillä sote-johtoryhmässä",
            datetime.date(2018, 11, 26),
        ),
    ],
)
def test_seed_title_and_date(doc_id, title, date):
    document = load(SEEDS, doc_id)
    assert (document.title, document.date, document.note) == (title, date, None)


def test_scan_seeds():
    found, skipped = scan(SEEDS)
    assert [d.id for d in found] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert skipped == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kokous 29.4.2021 käsitteli", datetime.date(2021, 4, 29)),
        ("Tiedote 5.11.2020", datetime.date(2020, 11, 5)),
        ("Tiedote 05.11.2020", datetime.date(2020, 11, 5)),
        ("STM 26.11.2018 14.47", datetime.date(2018, 11, 26)),
        ("julkaistu 2021-04-29", datetime.date(2021, 4, 29)),
        ("kausi 1.12.2018–31.12.2020", datetime.date(2018, 12, 1)),
        ("Päätös 31.2.2021, korjattu 1.3.2021", datetime.date(2021, 3, 1)),
        ("Lauseen lopussa 1.3.2018.", datetime.date(2018, 3, 1)),
        ("maanantaina 26.11. STM:n kanssa", None),
        ("Soite 2.0 etenee", None),
        ("versio 1.2.3", None),
        ("versio 1.2.2021.5", datetime.date(2021, 2, 1)),
        ("sarja 11.2.3.2021", None),
        ("vuonna 1.1.1850", None),
        ("2021-13-01", None),
        ("2021-4-29", None),
        ("29.4.20215", None),
        ("32.1.2021", None),
        ("p. 014 459 8208", None),
        ("", None),
    ],
)
def test_extract_date(text, expected):
    assert extract_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Otsikko\n\nTeksti", "Otsikko"),
        ("\n\n   Otsikko   välilyönnein  \nTeksti", "Otsikko välilyönnein"),
        ("Soite ➔ Viestintä ➔\n\nTiedote 5.11.2020\n\nOtsikko", "Otsikko"),
        ("Etusivu › Ajankohtaista ›\nOtsikko", "Otsikko"),
        ("Etusivu > Uutiset > Tiedote\nOtsikko", "Otsikko"),
        ("Etusivu »\nOtsikko", "Otsikko"),
        ("Ministeri: »Sote etenee»\nTeksti", "Ministeri: »Sote etenee»"),
        ("29.4.2021\nOtsikko", "Otsikko"),
        ("2021-04-29 14:47\nOtsikko", "Otsikko"),
        ("Julkaistu 5.11.2020 klo 14.47\nOtsikko", "Otsikko"),
        ("Sosiaali- ja terveysministeriö 26.11.2018 14.47\nOtsikko", "Otsikko"),
        ("Sote-johtajien kokous 29.4.2021\nTeksti", "Sote-johtajien kokous 29.4.2021"),
        ("## Markdown-otsikko\nTeksti", "Markdown-otsikko"),
        ("---\n12345\n\nOtsikko", "Otsikko"),
        ("\n \n", ""),
        ("Etusivu ➔ Uutiset", ""),
    ],
)
def test_extract_title(text, expected):
    assert extract_title(text) == expected


def test_long_title_is_cut_at_a_word():
    title = extract_title("sana " * 100)
    assert len(title) <= 200
    assert title.endswith("sana…")


def test_html_page(tmp_path):
    markup = """<!DOCTYPE html><html><head><title>Sivun &amp; otsikko</title>
    <style>body { color: red }</style><script>var x = "<p>ei</p>";</script>
    <meta charset="utf-8"></head><body><!-- kommentti -->
    <nav>Etusivu</nav><h1>Pää&shy;otsikko</h1><p>Ensimmäinen&nbsp;kappale
    jatkuu 5.11.2020.</p><noscript>Ota JavaScript käyttöön</noscript>
    <ul><li>yksi</li><li>kaksi</li></ul><table><tr><td>a</td><td>b</td></tr></table>
    </body></html>"""
    write(tmp_path, "sivu.html", markup.encode())
    document = load(tmp_path, "sivu.html")
    assert (document.title, document.date) == ("Sivun & otsikko", datetime.date(2020, 11, 5))
    assert document.body == (
        "Etusivu\nPää\xadotsikko\nEnsimmäinen kappale jatkuu 5.11.2020.\nyksi\nkaksi\na\nb"
    )


@pytest.mark.parametrize(
    ("markup", "title"),
    [
        ("<title>Otsikko</title><h1>Pääotsikko</h1>", "Otsikko"),
        ("<title>  </title><h1>Pää<em>otsikko</em></h1><h1>Toinen</h1>", "Pääotsikko"),
        ("<svg><title>Kuvake</title></svg><h1>Pääotsikko</h1>", "Pääotsikko"),
        ("<title>Etusivu › Uutiset ›</title><h1>Pääotsikko</h1>", "Pääotsikko"),
        ("<title>" + "pitkä " * 50 + "</title>", ("pitkä " * 33).strip() + "…"),
        ("<body><p>Etusivu › Uutiset ›</p><p>Tekstin otsikko</p></body>", "Tekstin otsikko"),
        ("<title>Vain otsikko</title><script>document.title = 'x'</script>", "Vain otsikko"),
    ],
)
def test_html_title(tmp_path, markup, title):
    write(tmp_path, "nimi.htm", markup.encode())
    assert load(tmp_path, "nimi.htm").title == title


def test_html_without_closing_head():
    page = parse_html("<html><head><title>T</title><body><p>Teksti</p>")
    assert (page.title, page.h1, page.text) == ("T", "", "Teksti")


def test_document_fields(tmp_path):
    raw = "\ufeffOtsikko\r\nRivi 29.4.2021\rLoppu\r\n".encode()
    path = write(tmp_path, "a.txt", raw)
    assert load(tmp_path, "a.txt") == Document(
        id="a.txt",
        title="Otsikko",
        date=datetime.date(2021, 4, 29),
        body="Otsikko\nRivi 29.4.2021\nLoppu\n",
        size=len(raw),
        mtime=path.stat().st_mtime,
        hash=hashlib.sha256(raw).hexdigest(),
        note=None,
    )


def test_markdown_keeps_its_text(tmp_path):
    write(tmp_path, "ohje.md", b"# Ohje\n\n*Teksti*")
    document = load(tmp_path, "ohje.md")
    assert (document.title, document.body) == ("Ohje", "# Ohje\n\n*Teksti*")


@pytest.mark.parametrize(
    ("content", "body", "note"),
    [
        ("Jyväskylä – sote".encode("cp1252"), "Jyväskylä – sote", "decoded as cp1252"),
        ("Jyväskylä".encode("latin-1") + b"\x81", "Jyväskylä\x81", "decoded as latin-1"),
        (
            "Jyväskylä ja Äänekoski".encode()[:-2] + b"\xc3",
            "Jyväskylä ja Äänekos\ufffd",
            "decoded as UTF-8 with invalid bytes replaced",
        ),
    ],
)
def test_other_encodings_are_indexed_with_a_note(tmp_path, content, body, note):
    write(tmp_path, "a.txt", content)
    document = load(tmp_path, "a.txt")
    assert (document.body, document.note) == (body, note)


@pytest.mark.parametrize(
    ("doc_id", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\r\n ", "empty file"),
        ("bom.txt", b"\xef\xbb\xbf\n", "empty file"),
        ("nul.txt", b"teksti\x00\x01\x02", "binary file (NUL bytes)"),
        ("utf16.txt", "teksti".encode("utf-16"), "binary file (NUL bytes)"),
        ("noise.txt", bytes(range(1, 32)) * 2 + b"text", "binary file (control characters)"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "unsupported type .doc"),
        ("README", b"text", "unsupported type (no extension)"),
        ("big.txt", b"x" * 101, "larger than the 100 bytes limit (101 bytes)"),
        ("big.md", b"x" * 2000, "larger than the 100 bytes limit (2 kB)"),
    ],
)
def test_bad_file(tmp_path, doc_id, content, reason):
    write(tmp_path, doc_id, content)
    assert load(tmp_path, doc_id, max_bytes=100) == Skipped(doc_id, reason)


def test_size_in_megabytes(tmp_path):
    write(tmp_path, "big.txt", b"x" * 1_300_000)
    assert load(tmp_path, "big.txt", max_bytes=1024 * 1024).reason == (
        "larger than the 1 MB limit (1.2 MB)"
    )


@pytest.mark.parametrize(
    ("doc_id", "reason"),
    [
        ("../outside.txt", "not a relative path inside the seeds folder"),
        ("sub/../../outside.txt", "not a relative path inside the seeds folder"),
        ("/etc/passwd.txt", "not a relative path inside the seeds folder"),
        ("sub//a.txt", "not a relative path inside the seeds folder"),
        ("./a.txt", "not a relative path inside the seeds folder"),
        ("a\x00.txt", "not a relative path inside the seeds folder"),
        (".hidden.txt", "hidden file"),
        (".git/notes.txt", "hidden file"),
    ],
)
def test_ids_outside_are_refused(tmp_path, doc_id, reason):
    seeds = tmp_path / "seeds"
    write(seeds, "a.txt", b"teksti")
    write(tmp_path, "outside.txt", b"salaisuus")
    assert load(seeds, doc_id) == Skipped(doc_id, reason)


def test_links(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds, "sub/real.txt", b"Otsikko")
    write(tmp_path, "secret.txt", b"salaisuus")
    write(tmp_path, "outside/deep.txt", b"salaisuus")
    (seeds / "inside.txt").symlink_to(seeds / "sub" / "real.txt")
    (seeds / "relative.txt").symlink_to("sub/real.txt")
    (seeds / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (seeds / "sneaky.txt").symlink_to("../secret.txt")
    (seeds / "broken.txt").symlink_to("missing.txt")
    (seeds / "linked_dir").symlink_to(tmp_path / "outside")
    (seeds / "loop_a.txt").symlink_to("loop_b.txt")
    (seeds / "loop_b.txt").symlink_to("loop_a.txt")
    found, skipped = scan(seeds)
    assert [(d.id, d.body) for d in found] == [
        ("inside.txt", "Otsikko"),
        ("relative.txt", "Otsikko"),
        ("sub/real.txt", "Otsikko"),
    ]
    assert skipped == [
        Skipped("broken.txt", "unreadable: no such file or directory"),
        Skipped("loop_a.txt", "unreadable: link loop"),
        Skipped("loop_b.txt", "unreadable: link loop"),
        Skipped("outside.txt", "link pointing outside the seeds folder"),
        Skipped("sneaky.txt", "link pointing outside the seeds folder"),
    ]
    # A linked folder is not listed, and reading through it is refused all the same.
    assert load(seeds, "linked_dir/deep.txt") == Skipped(
        "linked_dir/deep.txt", "link pointing outside the seeds folder"
    )


def test_list_files_nested_and_hidden(tmp_path):
    for doc_id in ["b.txt", "a/z.md", "a/b/c.html", "x.pdf", ".hidden.txt", ".git/config.txt"]:
        write(tmp_path, doc_id, b"teksti")
    write(tmp_path, "a/.cache/d.txt", b"teksti")
    assert list_files(tmp_path) == (["a/b/c.html", "a/z.md", "b.txt", "x.pdf"], [])


def test_file_name_not_utf8(tmp_path):
    (tmp_path / "ok.txt").write_bytes(b"teksti")
    with open(os.path.join(os.fsencode(tmp_path), b"j\xe4rjest\xe4minen.txt"), "wb") as file:
        file.write(b"teksti")
    found, skipped = scan(tmp_path)
    assert [d.id for d in found] == ["ok.txt"]
    # Stored, logged and shown with the bytes that are not UTF-8 escaped.
    assert skipped == [Skipped("j\\xe4rjest\\xe4minen.txt", "file name is not valid UTF-8")]


def test_list_files_needs_a_folder(tmp_path):
    with pytest.raises(SeedsMissing, match="missing does not exist"):
        list_files(tmp_path / "missing")


def test_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder.txt").mkdir()
    assert load(tmp_path, "pipe.txt") == Skipped("pipe.txt", "not a regular file")
    assert load(tmp_path, "folder.txt") == Skipped("folder.txt", "not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without permissions")
def test_unreadable_by_permissions(tmp_path):
    write(tmp_path, "locked.txt", b"teksti").chmod(0)
    assert load(tmp_path, "locked.txt") == Skipped("locked.txt", "unreadable: permission denied")


def test_unreadable(tmp_path, monkeypatch):
    write(tmp_path, "locked.txt", b"teksti")
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    found, skipped = scan(tmp_path)
    assert (found, skipped) == ([], [Skipped("locked.txt", "unreadable: permission denied")])


def test_hostile_html_is_read_in_linear_time(tmp_path):
    # CPython's html.parser took minutes over this (quadratic in unclosed tags).
    write(tmp_path, "evil.html", b"<a" * 200_000 + b"<p>Sote-uudistus")
    started = time.perf_counter()
    document = load(tmp_path, "evil.html", max_seconds=60)
    assert time.perf_counter() - started < 5
    assert isinstance(document, Document)


def test_extraction_past_the_time_limit_is_stopped_and_skipped(tmp_path):
    raw = "<p>Äänekoski".encode() * 300_000
    write(tmp_path, "slow.html", raw)
    write(tmp_path, "ok.html", b"<p>Nopea")
    started = time.perf_counter()
    readers.parse_file("slow.html", raw, 0.0)
    in_process = time.perf_counter() - started
    started = time.perf_counter()
    assert load(tmp_path, "slow.html", max_seconds=0.01) == Skipped(
        "slow.html", "reading its text took longer than the 0.01 s limit"
    )
    assert time.perf_counter() - started < in_process / 2
    assert load(tmp_path, "ok.html", max_seconds=5).body == "Nopea"


@pytest.mark.parametrize(
    ("markup", "title", "body"),
    [
        # Decoded already: neither the declaration nor <meta> may decode the text again.
        (
            '<?xml version="1.0" encoding="iso-8859-1"?><html><head>'
            '<meta charset="iso-8859-1"><title>Äänekoski</title></head><body>Jyväskylä',
            "Äänekoski",
            "Jyväskylä",
        ),
        (
            "<title>Ä &amp; Ö &#228; &auml;</title><p>x&lt;y &unknown; 5&nbsp;%",
            "Ä & Ö ä ä",
            "x<y &unknown; 5 %",
        ),
        (
            "<p>Avoin <b>kappale<p>toinen <div>kolmas</span>",
            "Avoin kappale",
            "Avoin kappale\ntoinen\nkolmas",
        ),
        (
            "<style>p{}</style><p>Näkyvä<script>alert('<p>')</script><template>t</template>",
            "Näkyvä",
            "Näkyvä",
        ),
        ("<!-- <p>kommentti</p> --><?php echo 1 ?><p>Teksti", "Teksti", "Teksti"),
        ("<div>" * 1000 + "Syvällä" + "</div>" * 1000, "Syvällä", "Syvällä"),
    ],
)
def test_html_parsing(tmp_path, markup, title, body):
    write(tmp_path, "sivu.html", markup.encode())
    document = load(tmp_path, "sivu.html")
    assert (document.title, document.body) == (title, body)


def test_html_nested_too_deep_is_skipped_not_cut_short(tmp_path):
    write(tmp_path, "deep.html", b"<p>Alku" + b"<div>" * 5000 + b"Loppu")
    assert load(tmp_path, "deep.html") == Skipped(
        "deep.html",
        "HTML the parser gave up on: excessive depth in document: 2048",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list a folder without permissions")
def test_unreadable_folder_by_permissions(tmp_path):
    write(tmp_path, "a.txt", b"teksti")
    write(tmp_path, "sub/locked/b.txt", b"teksti")
    (tmp_path / "sub" / "locked").chmod(0)
    try:
        assert scan(tmp_path)[1] == [Skipped("sub/locked/", "folder not read: permission denied")]
    finally:
        (tmp_path / "sub" / "locked").chmod(0o700)


def test_folder_that_cannot_be_listed_is_skipped_with_the_reason(tmp_path):
    too_long = write_unlistable_folder(tmp_path)
    write(tmp_path, "a.txt", b"teksti")
    assert scan(tmp_path) == (
        [load(tmp_path, "a.txt")],
        [Skipped(too_long, "folder not read: file name too long")],
    )


@pytest.mark.parametrize(
    "doc_id",
    ["a.txt", "a/b.PDF", "a.b/c", ".hidden", "a/.hidden", "x.", "x..", "x.tar.gz", "ä/Ö.Docx", "a"],
)
def test_id_suffixes_and_stems_are_pathlibs(doc_id: str) -> None:
    assert ids.suffix(doc_id) == PurePosixPath(doc_id).suffix.lower()
    assert ids.stem(doc_id) == PurePosixPath(doc_id).stem


def test_id_docstring_examples() -> None:
    assert doctest.testmod(ids).failed == 0
