"""Tests for kg.ingest: every input format, the date header, encodings and every kind of bad input."""
from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
import unicodedata
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import Problem, document_from_text, read_documents
from kg.model import Document

ROOT = Path(__file__).resolve().parents[1]
DEV_DOCS = ROOT / ".." / "shared" / "eval" / "dev" / "docs.jsonl"
MAY_29 = dt.date(2025, 5, 29)


def read(*paths: str | Path, **options: object) -> tuple[list[Document], list[Problem]]:
    """All documents and problems of a lenient read."""
    problems: list[Problem] = []
    docs = list(read_documents(paths, on_problem=problems.append, **options))
    return docs, problems


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Create files under root; str content is written as UTF-8."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


# --- the project's own data --------------------------------------------------------------------------


def test_seeds_folder():
    docs, problems = read(ROOT / "seeds")
    assert problems == []
    assert [d.id for d in docs] == sorted(d.id for d in docs)
    assert len(docs) == 2
    first, second = docs
    assert first.date is None
    assert first.text.startswith("The United States has confirmed")
    assert second.date == MAY_29
    assert second.text.startswith("Trade negotiations")
    assert "date 2025-05-29" not in second.text
    assert second.source == str(ROOT / "seeds" / f"{second.id}.txt")


def test_dev_documents():
    if not DEV_DOCS.exists():
        pytest.skip("../shared/eval not found beside the project")
    expected = [json.loads(line)["id"] for line in DEV_DOCS.read_text(encoding="utf-8").splitlines()]
    docs, problems = read(DEV_DOCS)
    assert problems == []
    assert len(docs) == 10
    assert [d.id for d in docs] == expected
    by_id = {d.id: d for d in docs}
    # The second seed's record has no date field: its date comes from the header run into the text.
    assert by_id["003_ce54f08870b2a344"].date == MAY_29
    assert by_id["003_ce54f08870b2a344"].text.startswith("Trade negotiations")
    assert all(d.source == str(DEV_DOCS) for d in docs)


# --- plain text and the date header ------------------------------------------------------------------


def test_plain_text_file(tmp_path):
    write(tmp_path, {"story one.txt": "“Talks are stalled,” he said — it’s 'fine'.\n"})
    [doc], problems = read(tmp_path / "story one.txt")
    assert problems == []
    assert doc == Document(id="story one", text="“Talks are stalled,” he said — it’s 'fine'.",
                           source=str(tmp_path / "story one.txt"))


@pytest.mark.parametrize(
    "text",
    [
        "date 2025-05-29\nTalks stalled.",
        " date 2025-05-29 \n\nTalks stalled.",
        "Date: 2025-05-29\r\nTalks stalled.",
        "DATE: May 29, 2025\nTalks stalled.",
        "\n  Date:29 May 2025  \nTalks stalled.",
        "date 2025/05/29\nTalks stalled.",
        " date 2025-05-29 Talks stalled.",  # the header run into the first sentence, as in a seed
        "Date: 2025-05-29 Talks stalled.",
    ],
)
def test_date_header_sets_date_and_is_dropped(tmp_path, text):
    write(tmp_path, {"a.txt": text})
    [doc], problems = read(tmp_path / "a.txt")
    assert problems == []
    assert doc.date == MAY_29
    assert doc.text == "Talks stalled."


@pytest.mark.parametrize(
    "text",
    ["Date night is back in fashion.", "Dates: the fruit of the season.", "The date 2025-05-29 matters."],
)
def test_text_that_is_not_a_date_header_is_kept(tmp_path, text):
    write(tmp_path, {"a.txt": text})
    [doc], problems = read(tmp_path / "a.txt")
    assert problems == []
    assert (doc.text, doc.date) == (text, None)


def test_unreadable_date_header_is_dropped_with_a_warning(tmp_path):
    write(tmp_path, {"a.txt": "Date: sometime last week\nTalks stalled."})
    [doc], [problem] = read(tmp_path / "a.txt")
    assert (doc.text, doc.date) == ("Talks stalled.", None)
    assert problem.kind == "warning"
    assert "'sometime last week' not understood" in str(problem)


# --- Markdown ----------------------------------------------------------------------------------------

MARKDOWN = """\
---
title: "Freedonia raises tariffs"
date: 2025-05-29
url: https://example.com/tariffs
---
# Widgets and *tariffs*

Freedonia **raised** tariffs on [Sylvanian widgets](https://example.com/widgets "Widgets"), the
_ministry_ said.

![A chart of tariffs](https://example.com/chart.png)

```python
print("not prose")
```

> Talks will go on, said `Rufus T. Firefly`.

- First point
- Second point with a [reference link][ref] &amp; more

[ref]: https://example.com/ref
"""


def test_markdown_keeps_prose_and_drops_syntax(tmp_path):
    write(tmp_path, {"brief.md": MARKDOWN})
    [doc], problems = read(tmp_path / "brief.md")
    assert problems == []
    assert doc.id == "brief"
    assert (doc.title, doc.date, doc.url) == ("Freedonia raises tariffs", MAY_29, "https://example.com/tariffs")
    assert doc.text == (
        "Widgets and tariffs\n\n"
        "Freedonia raised tariffs on Sylvanian widgets, the\nministry said.\n\n"
        "Talks will go on, said Rufus T. Firefly.\n\n"
        "First point\nSecond point with a reference link & more"
    )


def test_markdown_title_from_first_heading(tmp_path):
    write(tmp_path, {"a.md": "Intro line\n\n## Section\n\n# The **headline**\n\nBody text.\n"})
    [doc], _ = read(tmp_path / "a.md")
    assert doc.title == "The headline"
    assert "#" not in doc.text


# --- JSON lines and CSV ------------------------------------------------------------------------------


def test_jsonl_records(tmp_path):
    lines = [
        {"id": " a1 ", "title": "Alpha", "date": "May 29, 2025", "url": "https://e.com/a", "text": "Alpha."},
        None,  # a blank line
        {"text": "No id here.", "source": "ignored"},
        {"id": 7, "text": "Numeric id.", "date": "2025-05-29T23:30:00-04:00"},
    ]
    write(tmp_path, {"feed.jsonl": "\n".join("" if r is None else json.dumps(r) for r in lines) + "\n"})
    docs, problems = read(tmp_path / "feed.jsonl")
    assert problems == []
    assert [(d.id, d.title, d.date, d.url) for d in docs] == [
        ("a1", "Alpha", MAY_29, "https://e.com/a"),
        ("feed-3", None, None, None),
        ("7", None, MAY_29, None),
    ]
    assert [d.text for d in docs] == ["Alpha.", "No id here.", "Numeric id."]
    assert {d.source for d in docs} == {str(tmp_path / "feed.jsonl")}


def test_ndjson_extension(tmp_path):
    write(tmp_path, {"x.ndjson": '{"text": "Hello."}\n'})
    assert [d.id for d in read(tmp_path / "x.ndjson")[0]] == ["x-1"]


def test_csv_records(tmp_path):
    rows = 'Title,TEXT,date\n"First","Line one,\nline two",2025-05-29\nSecond,Plain.,\n'
    write(tmp_path, {"news.csv": rows})
    docs, problems = read(tmp_path / "news.csv")
    assert problems == []
    assert [(d.id, d.title, d.date, d.text) for d in docs] == [
        ("news-2", "First", MAY_29, "Line one,\nline two"),
        ("news-4", "Second", None, "Plain."),
    ]


def test_tsv_records(tmp_path):
    write(tmp_path, {"news.tsv": "id\ttext\turl\nx1\tHello, world.\thttps://e.com/x\n"})
    [doc], problems = read(tmp_path / "news.tsv")
    assert problems == []
    assert (doc.id, doc.text, doc.url) == ("x1", "Hello, world.", "https://e.com/x")


def test_csv_field_larger_than_the_default_limit(tmp_path):
    long_text = "word " * 60_000  # 300,000 characters; csv's default limit is 131,072
    write(tmp_path, {"long.csv": f'id,text\nlong,"{long_text}"\n'})
    [doc], problems = read(tmp_path / "long.csv")
    assert problems == []
    assert doc.text == long_text.strip()


# --- HTML --------------------------------------------------------------------------------------------

ARTICLE_PAGE = """\
<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Freedonia raises tariffs - The Daily Example</title>
<meta property="article:published_time" content="2025-05-29T08:30:00-04:00">
<meta property="og:url" content="https://example.com/og">
<link rel="canonical" href="https://example.com/news/tariffs">
<style>body { color: red }</style>
<script>var banner = "script text";</script>
</head><body>
<header><div class="logo">Daily Example masthead</div></header>
<nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<main>
<p class="promo">Subscribe to our newsletter</p>
<article>
<header><h1>Freedonia raises <em>tariffs</em> on widgets</h1><p>By A. Reporter</p></header>
<p>Freedonia raised tariffs on
   Sylvanian widgets to 25&nbsp;percent, the ministry said on Thursday.</p>
<figure><img src="x.jpg" alt="widgets"><figcaption>Photo: Jane Doe/Example Agency</figcaption></figure>
<figure><img src="y.jpg"><figcaption>Ministers met in Freedonia City.<span class="photo-credit">
  Jane Doe</span></figcaption></figure>
<p class="incredible">Markets rose.</p>
<p>Talks with Sylvania &amp; its allies will continue,<br>officials said.</p>
<aside>Related: more stories about widgets</aside>
<div hidden>Hidden teaser</div>
</article>
</main>
<footer>Copyright 2025 The Daily Example</footer>
<form><label>Search the site</label></form>
</body></html>
"""


def test_html_article(tmp_path):
    write(tmp_path, {"tariffs.html": ARTICLE_PAGE})
    [doc], problems = read(tmp_path / "tariffs.html")
    assert problems == []
    assert doc.id == "tariffs"
    assert doc.title == "Freedonia raises tariffs on widgets"
    assert doc.date == MAY_29
    assert doc.url == "https://example.com/news/tariffs"
    assert doc.text == (
        "Freedonia raised tariffs on Sylvanian widgets to 25\xa0percent, the ministry said on Thursday.\n\n"
        "Ministers met in Freedonia City.\n\n"
        "Markets rose.\n\n"
        "Talks with Sylvania & its allies will continue,\nofficials said."
    )
    for absent in ("Home", "World news menu", "masthead", "Copyright", "script text", "color: red",
                   "Jane Doe", "Related", "Search the site", "Subscribe", "Hidden teaser"):
        assert absent not in doc.text


def test_html_without_article_uses_the_page(tmp_path):
    page = """<html><head><title>  Talks
        stall </title><meta property="og:url" content="https://example.com/og"></head>
        <body><nav>Menu</nav><div><h2>Talks stall</h2><p>Negotiators <b>left</b> Geneva.</p>
        <p>Posted <time datetime="2025-05-29">Thursday</time></p></div></body></html>"""
    write(tmp_path, {"talks.htm": page})
    [doc], problems = read(tmp_path / "talks.htm")
    assert problems == []
    assert (doc.title, doc.date, doc.url) == ("Talks stall", MAY_29, "https://example.com/og")
    assert doc.text == "Talks stall\n\nNegotiators left Geneva.\n\nPosted Thursday"


def test_html_declared_charset(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 talks.</p></body></html>'
    write(tmp_path, {"latin.html": page.encode("latin-1")})
    [doc], problems = read(tmp_path / "latin.html")
    assert problems == []
    assert doc.text == "Café talks."


# --- Reuters SGML ------------------------------------------------------------------------------------

REUTERS_SAMPLE = """\
<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="9001" NEWID="101">
<DATE> 3-MAR-1987 09:15:00.12</DATE>
<TOPICS><D>trade</D></TOPICS>
<TEXT>&#2;
<TITLE>FREEDONIA RAISES DUTIES ON &lt;ACME&gt; WIDGETS</TITLE>
<DATELINE>    FREEDONIA CITY, March 3 - </DATELINE><BODY>Freedonia raised import duties on widgets
made by &lt;Acme Corp&gt; to 25 pct from 10 pct, the trade ministry said.
    The ministry said talks with Sylvania would continue &amp; a deal was possible.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="9002" NEWID="102">
<DATE> 4-MAR-1987 10:00:00.00</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>SHORT ITEM WITHOUT A BODY</TITLE>
&#3;
</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="9003" NEWID="103">
<DATE>17-APR-1987 04:54:51.23&#5;&#5;&#5;RM</DATE>
<TEXT>&#2;
<TITLE>SYLVANIA SAYS TALKS GO ON</TITLE>
<BODY>Sylvania said talks with Freedonia would go on next week.
 REUTER
&#3;</BODY></TEXT>
</REUTERS>
"""


def test_reuters_sgml(tmp_path):
    write(tmp_path, {"reut2-sample.sgm": REUTERS_SAMPLE})
    docs, problems = read(tmp_path / "reut2-sample.sgm")
    assert problems == []
    assert [(d.id, d.title, d.date) for d in docs] == [
        ("reuters-101", "FREEDONIA RAISES DUTIES ON <ACME> WIDGETS", dt.date(1987, 3, 3)),
        ("reuters-103", "SYLVANIA SAYS TALKS GO ON", dt.date(1987, 4, 17)),
    ]
    assert docs[0].text == (
        "Freedonia raised import duties on widgets\nmade by <Acme Corp> to 25 pct from 10 pct, the trade "
        "ministry said.\n    The ministry said talks with Sylvania would continue & a deal was possible."
    )
    assert docs[1].text == "Sylvania said talks with Freedonia would go on next week."


# --- encodings and normalization ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"\xef\xbb\xbfHello from Geneva.", "Hello from Geneva."),
        ("Grüße aus Köln.".encode("utf-16"), "Grüße aus Köln."),
        ("Grüße aus Köln.".encode("utf-16-be").join([b"\xfe\xff", b""]), "Grüße aus Köln."),
        (b"line one\r\nline two\rline three\n", "line one\nline two\nline three"),
        ("Cafe\u0301 talks.".encode(), "Caf\u00e9 talks."),
        ("“Quoted,” she said — it’s here.".encode(), "“Quoted,” she said — it’s here."),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16be-bom", "newlines", "nfc", "quotes-kept"],
)
def test_decoding_and_normalization(tmp_path, raw, text):
    write(tmp_path, {"a.txt": raw})
    [doc], problems = read(tmp_path / "a.txt")
    assert problems == []
    assert doc.text == text
    assert unicodedata.is_normalized("NFC", doc.text)


def test_legacy_encoding_is_read_with_a_warning(tmp_path):
    write(tmp_path, {"old.txt": "“Café” – naïve.".encode("cp1252")})
    [doc], [problem] = read(tmp_path / "old.txt")
    assert doc.text == "“Café” – naïve."
    assert problem.kind == "warning"
    assert str(problem) == (
        f"{tmp_path / 'old.txt'}: not valid UTF-8; read as cp1252, check accented characters")


# --- folders and streaming ---------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_sorted_order(tmp_path):
    write(tmp_path, {
        "b/2.txt": "Two.",
        "a.txt": "A.",
        "a/1.md": "One.",
        "c.JSONL": '{"id": "c", "text": "See."}\n',
        ".hidden/x.txt": "Hidden.",
        ".secret.txt": "Secret.",
        "notes.pdf": "%PDF-1.4",
        "README": "no extension",
    })
    docs, problems = read(tmp_path)
    assert problems == []
    assert [d.id for d in docs] == ["1", "a", "2", "c"]
    assert docs[0].source == str(tmp_path / "a" / "1.md")


def test_symlink_loop_is_read_once(tmp_path):
    write(tmp_path, {"news/a.txt": "A."})
    (tmp_path / "news" / "again").symlink_to(tmp_path / "news", target_is_directory=True)
    docs, problems = read(tmp_path / "news")
    assert ([d.id for d in docs], problems) == (["a"], [])


def test_a_single_path_is_not_taken_for_many(tmp_path):
    write(tmp_path, {"a.txt": "A."})
    assert [d.id for d in read_documents(tmp_path / "a.txt")] == ["a"]
    assert [d.id for d in read_documents(str(tmp_path))] == ["a"]


def test_documents_stream(tmp_path):
    write(tmp_path, {"first.txt": "First."})
    docs = read_documents([tmp_path / "first.txt", tmp_path / "missing.txt"], strict=True)
    assert inspect.isgenerator(docs)
    assert next(docs).id == "first"  # read before the missing path is looked at
    with pytest.raises(InputError, match="missing.txt: no such file or folder"):
        next(docs)


def test_problems_are_logged_without_a_callback(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        assert list(read_documents([tmp_path / "missing.txt"])) == []
    assert "missing.txt: no such file or folder — skipped" in caplog.text


def test_problem_reads_as_one_sentence():
    assert str(Problem(path="seeds/x.bin", message="binary file, not text — skipped")) == (
        "seeds/x.bin: binary file, not text — skipped")
    assert str(Problem(path="feed.jsonl", line=3, message="malformed JSON — line skipped")) == (
        "feed.jsonl:3: malformed JSON — line skipped")


# --- bad input ---------------------------------------------------------------------------------------

GOOD = '{"id": "good", "text": "Fine."}'

BAD_INPUTS = [
    # files, paths to read, read options, message fragment, problem line, problem kind, ids still read
    pytest.param({"a.txt": b""}, ["a.txt"], {}, "empty file — skipped", None, "error", [], id="empty-file"),
    pytest.param({"a.txt": " \n\t \n"}, ["a.txt"], {}, "only whitespace", None, "error", [], id="whitespace"),
    pytest.param({"photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, ["photo.txt"], {},
                 "binary file, not text — skipped", None, "error", [], id="binary"),
    pytest.param({"big.txt": "x" * 2000}, ["big.txt"], {"max_bytes": 1000}, "over the 0.0 MB limit",
                 None, "error", [], id="too-large"),
    pytest.param({"f.jsonl": f'{GOOD}\n{{"id": "bad", "text": \n{{"text": "After."}}\n'}, ["f.jsonl"], {},
                 "malformed JSON (Expecting value at column 23) — line skipped", 2, "error", ["good", "f-3"],
                 id="malformed-json"),
    pytest.param({"f.jsonl": f'[1, 2]\n{GOOD}\n'}, ["f.jsonl"], {}, "a JSON array, not an object", 1, "error",
                 ["good"], id="json-not-object"),
    pytest.param({"f.jsonl": '{"id": "x", "body": "Text?"}\n'}, ["f.jsonl"], {}, "no 'text' field", 1,
                 "error", [], id="json-without-text"),
    pytest.param({"f.jsonl": f'{{"id": "x", "text": " \\n "}}\n{GOOD}\n'}, ["f.jsonl"], {},
                 "empty text in 'x' — skipped", 1, "error", ["good"], id="json-empty-text"),
    pytest.param({"f.csv": "id,body\n1,Hello.\n"}, ["f.csv"], {}, "no 'text' column in the header (columns: "
                 "id, body)", 1, "error", [], id="csv-without-text-column"),
    pytest.param({"f.csv": "id,text\na,\nb,Hello.\n"}, ["f.csv"], {}, "empty text in 'a'", 2, "error", ["b"],
                 id="csv-empty-text"),
    pytest.param({"f.csv": "id,text\n"}, ["f.csv"], {}, "header only", None, "warning", [],
                 id="csv-header-only"),
    pytest.param({"f.jsonl": f"{GOOD}\n{GOOD}\n"}, ["f.jsonl"], {}, "duplicate id 'good'", 2, "error",
                 ["good"], id="duplicate-in-file"),
    pytest.param({"a/doc.txt": "One.", "b/doc.txt": "Two."}, ["a", "b"], {}, "duplicate id 'doc' (first read "
                 "from", None, "error", ["doc"], id="duplicate-across-files"),
    pytest.param({}, ["nowhere.txt"], {}, "no such file or folder — skipped", None, "error", [],
                 id="missing-path"),
    pytest.param({"a.pdf": "%PDF"}, ["a.pdf"], {}, "unknown file type '.pdf' — skipped", None, "error", [],
                 id="unknown-extension"),
    pytest.param({"empty/.hidden.txt": "Hidden."}, ["empty"], {}, "folder has no readable files", None,
                 "warning", [], id="empty-folder"),
    pytest.param({"f.jsonl": '{"id": "x", "text": "Fine.", "date": "someday"}\n'}, ["f.jsonl"], {},
                 "date 'someday' not understood — kept without it", 1, "warning", ["x"], id="bad-date"),
    pytest.param({"a.html": "<html><script>only()</script><nav>Menu</nav></html>"}, ["a.html"], {},
                 "empty text in 'a'", None, "error", [], id="html-without-text"),
    pytest.param({"a.sgm": "<LEWIS>nothing</LEWIS>"}, ["a.sgm"], {}, "no <REUTERS> elements", None, "error",
                 [], id="sgml-without-reuters"),
]


@pytest.mark.parametrize(("files", "paths", "options", "message", "line", "kind", "ids"), BAD_INPUTS)
def test_bad_input_is_reported_and_skipped(tmp_path, files, paths, options, message, line, kind, ids):
    write(tmp_path, files)
    docs, problems = read(*(tmp_path / p for p in paths), **options)
    assert [d.id for d in docs] == ids
    assert len(problems) == 1, problems
    [problem] = problems
    assert message in problem.message
    assert (problem.line, problem.kind, problem.fatal) == (line, kind, False)
    assert problem.path.startswith(str(tmp_path))
    assert str(problem).startswith(f"{problem.path}{'' if line is None else f':{line}'}: ")


@pytest.mark.parametrize(("files", "paths", "options", "message", "line", "kind", "ids"), BAD_INPUTS)
def test_strict_raises_on_the_first_problem(tmp_path, files, paths, options, message, line, kind, ids):
    write(tmp_path, files)
    with pytest.raises(InputError) as caught:
        list(read_documents([tmp_path / p for p in paths], strict=True, **options))
    assert message in str(caught.value)


# --- the Python API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-29", MAY_29),
        ("2025-05-29T10:15:00Z", MAY_29),
        ("2025-05-29T23:59:59-04:00", MAY_29),
        ("2025-05-29 10:15:00.123+0200", MAY_29),
        ("2025/05/29", MAY_29),
        ("May 29, 2025", MAY_29),
        ("may 29 2025", MAY_29),
        ("29 May 2025", MAY_29),
        ("29th of May, 2025", MAY_29),
        ("Thursday, May 29, 2025", MAY_29),
        ("Thu, 29 May 2025 10:15:00 GMT", MAY_29),
        ("29-MAY-2025 04:54:51.23", MAY_29),
        ("Sept. 3, 2025", dt.date(2025, 9, 3)),
        (MAY_29, MAY_29),
        (dt.datetime(2025, 5, 29, 22, 0), MAY_29),
    ],
)
def test_document_from_text_dates(value, expected):
    assert document_from_text("Text.", id="d", date=value).date == expected


@pytest.mark.parametrize("value", ["someday", "2025-13-01", "May 2025", "29/05/2025", "Mayday 29, 2025"])
def test_document_from_text_rejects_unknown_dates(value):
    with pytest.raises(InputError, match="not understood"):
        document_from_text("Text.", id="d", date=value)


def test_document_from_text():
    doc = document_from_text("Date: 2025-05-29\r\n  Cafe\u0301 talks.  ", id=" d1 ", title=" Talks ",
                             url="https://e.com")
    assert doc == Document(id="d1", text="Café talks.", title="Talks", date=MAY_29, url="https://e.com")


@pytest.mark.parametrize(
    ("text", "ident", "message"), [("Text.", "  ", "non-blank id"), (" \n", "d", "no text")]
)
def test_document_from_text_rejects_blank_input(text, ident, message):
    with pytest.raises(InputError, match=message):
        document_from_text(text, id=ident)
