"""Turn files, folders and strings into Documents: plain text, Markdown, JSONL, CSV/TSV, HTML, Reuters SGML.

Reading never stops at bad input unless asked to: every file or record that cannot become a document is
reported as a :class:`Problem` and skipped. Character offsets computed later refer to ``Document.text``,
which is the cleaned text (Markdown syntax, HTML markup and a leading date header removed).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import io
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from kg.errors import InputError
from kg.model import Document

log = logging.getLogger(__name__)

#: Files larger than this are skipped unless ``max_bytes`` says otherwise. The pipeline reads about
#: 10-40 KB of text a second on one core, so 10 MiB is minutes of work; a 50 MB file would be an hour.
MAX_BYTES = 10 * 1024 * 1024

#: How many leading bytes are checked for NUL to recognise a binary file.
_SNIFF_BYTES = 8192

# csv.field_size_limit takes a C long, which is 32 bits on Windows.
_CSV_FIELD_LIMIT_MAX = 2**31 - 1

# Byte order marks of the UTF encodings whose text has NUL bytes (UTF-32 LE starts like UTF-16 LE).
_UTF_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)

_Report = Callable[["Problem"], None]
_Records = Iterator[tuple["int | None", Document]]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """An input that could not be read as intended, and what was done about it."""

    path: str
    message: str  # what is wrong and what happened, e.g. "binary file, not text — skipped"
    line: int | None = None  # 1-based line in the file, when the problem is one record
    fatal: bool = False  # reading went on; strict mode raises InputError instead of reporting
    kind: Literal["error", "warning"] = "error"  # "warning": the document was still read

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    @property
    def reason(self) -> str:
        """What went wrong without the specifics of this file, to group problems ("malformed JSON")."""
        reason, before = self.message.split(" — ")[0], None
        while before != reason:  # details in brackets, innermost first
            before, reason = reason, re.sub(r"\s*\([^()]*\)", "", reason)
        reason = re.sub(r"\s+(?:in\s+)?(?:'[^']*'|\"[^\"]*\")$", "", reason)  # a trailing id or name
        return re.sub(r"^file is [\d.]+ MB, ", "file ", reason)  # "file over the 10.0 MB limit"


def read_documents(
    paths: Iterable[str | Path],
    *,
    on_problem: Callable[[Problem], None] | None = None,
    strict: bool = False,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Document]:
    """Stream the documents of files and folders, reporting unreadable input instead of raising."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # a lone path is not an iterable of one-character paths
    report = _reporter(on_problem, strict=strict)
    first_source: dict[str, str] = {}
    for given in paths:
        for path in _expand(Path(given), report):
            for line, doc in _read_file(path, report, max_bytes=max_bytes):
                if doc.id in first_source:
                    report(Problem(path=str(path), line=line,
                                   message=f"duplicate id {doc.id!r} (first read from "
                                           f"{first_source[doc.id]}) — skipped"))
                    continue
                first_source[doc.id] = str(path)
                yield doc


def document_from_text(
    text: str,
    *,
    id: str,
    title: str | None = None,
    date: dt.date | str | None = None,
    url: str | None = None,
) -> Document:
    """A Document from a string, cleaned like a ``.txt`` file; raises InputError on unusable input."""
    ident = id.strip()
    if not ident:
        raise InputError("a document needs a non-blank id")
    parsed = _as_date(date) if date is not None else None
    if date is not None and parsed is None:
        raise InputError(f"date {date!r} not understood: give a datetime.date or YYYY-MM-DD")
    warnings: list[Problem] = []
    doc = _build(
        text, report=warnings.append, path=f"<document {ident}>", line=None, id=ident, title=title,
        date=parsed, url=url, source=None, header=True,
    )
    if doc is None:
        raise InputError(f"document {ident!r} has no text")
    for warning in warnings:  # only a leading "Date:" line that is not a date; the document stands
        log.warning("%s", warning)
    return doc


# --- reporting ---------------------------------------------------------------------------------------


def _reporter(on_problem: Callable[[Problem], None] | None, *, strict: bool) -> _Report:
    """Send problems to the callback or the log; in strict mode raise on the first."""

    def report(problem: Problem) -> None:
        if strict:
            raise InputError(str(problem))
        if on_problem is None:
            log.warning("%s", problem)
        else:
            log.debug("%s", problem)
            on_problem(problem)

    return report


# --- files and folders -------------------------------------------------------------------------------


def _expand(path: Path, report: _Report) -> Iterator[Path]:
    """The readable files a path names: itself, or its folder's files recursively in sorted order."""
    if path.is_dir():
        found = False
        for file in _walk(path, report, seen=set()):
            found = True
            yield file
        if not found:
            known = ", ".join(sorted(_READERS))
            report(Problem(path=str(path), kind="warning",
                           message=f"folder has no readable files ({known}) — nothing read"))
    elif path.is_file():
        if path.suffix.lower() in _READERS:
            yield path
        else:
            suffix = path.suffix or "(none)"
            report(Problem(path=str(path), message=f"unknown file type {suffix!r} — skipped "
                                                   f"(readable: {', '.join(sorted(_READERS))})"))
    elif path.exists():
        report(Problem(path=str(path), message="not a regular file or folder — skipped"))
    else:
        report(Problem(path=str(path), message="no such file or folder — skipped"))


def _walk(folder: Path, report: _Report, *, seen: set[Path]) -> Iterator[Path]:
    """Readable files under a folder, depth first by name, skipping hidden entries and symlink loops."""
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as e:
        report(Problem(path=str(folder), message=f"cannot list folder ({e.strerror or e}) — skipped"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, report, seen=seen)
        elif entry.is_file() and entry.suffix.lower() in _READERS:
            yield entry


def _read_file(path: Path, report: _Report, *, max_bytes: int) -> _Records:
    """Documents of one file, each with the line it starts on (None for whole-file formats)."""
    text = _read_text(path, report, max_bytes=max_bytes)
    if text is None:
        return
    if not text.strip():
        report(Problem(path=str(path), message="no text, only whitespace — skipped"))
        return
    yield from _READERS[path.suffix.lower()](text, path, report)


def _read_text(path: Path, report: _Report, *, max_bytes: int) -> str | None:
    """The decoded text of a file with newlines normalized, or None after reporting why not."""
    try:
        size = path.stat().st_size
        data = b""
        if size <= max_bytes:
            with path.open("rb") as f:
                data = f.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as e:
        report(Problem(path=str(path), message=f"cannot read ({e.strerror or e}) — skipped"))
        return None
    if size > max_bytes or len(data) > max_bytes:
        size = max(size, len(data))
        message = f"file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit — skipped"
        report(Problem(path=str(path), message=message))
        return None
    if not data:
        report(Problem(path=str(path), message="empty file — skipped"))
        return None
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith(_UTF_BOMS):
        report(Problem(path=str(path), message="binary file, not text — skipped"))
        return None
    declared = _declared_charset(data) if path.suffix.lower() in (".html", ".htm") else None
    text, fallback = _decode(data, declared=declared)
    if fallback:
        report(Problem(path=str(path), kind="warning",
                       message=f"not valid UTF-8; read as {fallback}, check accented characters"))
    return _normalize_newlines(text)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _decode(data: bytes, *, declared: str | None = None) -> tuple[str, str | None]:
    """Text of bytes: UTF by BOM, UTF-8, a declared charset, then cp1252 or latin-1 (the fallback named)."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, codec in boms:
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), None
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- building one document ---------------------------------------------------------------------------


def _build(
    text: str,
    *,
    report: _Report,
    path: str,
    line: int | None,
    id: object,
    title: object = None,
    date: object = None,
    url: object = None,
    source: str | None,
    header: bool,
) -> Document | None:
    """A Document from raw fields, or None after reporting why not; warnings leave it usable."""
    ident = str(id).strip() if id is not None else ""
    if not ident:
        report(Problem(path=path, line=line, message="empty id — skipped"))
        return None
    text = unicodedata.normalize("NFC", _normalize_newlines(text))
    header_date = None
    if header:
        text, header_date = _split_date_header(text)
    text = text.strip()
    if not text:
        report(Problem(path=path, line=line, message=f"empty text in {ident!r} — skipped"))
        return None
    parsed = None
    for value in (date, header_date):
        if value is None or parsed is not None:
            continue
        parsed = _as_date(value)
        if parsed is None:
            report(Problem(path=path, line=line, kind="warning",
                           message=f"date {str(value).strip()!r} not understood — kept without it"))
    return Document(
        id=ident,
        text=text,
        title=_one_line(title),
        date=parsed,
        url=_one_line(url),
        source=source,
    )


def _one_line(value: object) -> str | None:
    """A metadata string with its whitespace collapsed, or None when blank."""
    if value is None:
        return None
    collapsed = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return collapsed or None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse_date(str(value))


# --- dates -------------------------------------------------------------------------------------------

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (r"(?:(?:t|\s+|,\s*|\s+at\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[ap]\.?m\.?)?"
         r"(?:\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?|[a-z]{1,2}[sd]t))?)?")
_DATE_FORMS = tuple(
    re.compile(rf"\s*{_WEEKDAY}{form}{_TIME}\s*", re.IGNORECASE)
    for form in (
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",  # 2025-05-29, 2025/05/29
        r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})",  # May 29, 2025
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-)(?P<mon>[a-z]{3,9})\.?,?(?:\s+|-)(?P<y>\d{4})",
    )
)


def _parse_date(value: str) -> dt.date | None:
    """The calendar date of an ISO date or datetime, "May 29, 2025", "29 May 2025" or "17-APR-1987"."""
    for form in _DATE_FORMS:
        match = form.fullmatch(value)
        if match is None:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _month_number(parts["mon"])
        if month is None:
            continue
        try:
            return dt.date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            return None
    return None


def _month_number(word: str) -> int | None:
    word = word.lower()
    if len(word) < 3:
        return None
    return next((i for i, name in enumerate(_MONTH_NAMES, 1) if name.startswith(word)), None)


# A header on a line of its own ("Date: May 29, 2025"), or an ISO date run into the first sentence
# ("date 2025-05-29 Trade negotiations ..."), as in one of the seed articles.
_HEADER_LINE = re.compile(r"\s*date(?:[ \t]*(?P<colon>:)[ \t]*|[ \t]+)(?P<value>[^\n]*?)[ \t]*(?:\n|\Z)",
                          re.IGNORECASE)
_HEADER_INLINE = re.compile(r"\s*date[ \t]*:?[ \t]*(?P<value>\d{4}-\d{2}-\d{2})(?=\s)", re.IGNORECASE)


def _split_date_header(text: str) -> tuple[str, str | None]:
    """Text without a leading date header, and the header's value (None when there is no header)."""
    line = _HEADER_LINE.match(text)
    if line and _parse_date(line["value"]):
        return text[line.end():].lstrip(), line["value"]
    inline = _HEADER_INLINE.match(text)
    if inline:
        return text[inline.end():].lstrip(), inline["value"]
    if line and line["colon"]:  # "Date: ..." is metadata even when its value is not a date
        return text[line.end():].lstrip(), line["value"]
    return text, None


# --- plain text and Markdown -------------------------------------------------------------------------


def _read_plain(text: str, path: Path, report: _Report) -> _Records:
    doc = _build(text, report=report, path=str(path), line=None, id=path.stem, source=str(path), header=True)
    if doc is not None:
        yield None, doc


def _read_markdown(text: str, path: Path, report: _Report) -> _Records:
    meta, body = _front_matter(text)
    prose, heading = _markdown_to_text(body)
    doc = _build(
        prose, report=report, path=str(path), line=None, id=path.stem, title=meta.get("title") or heading,
        date=meta.get("date"), url=meta.get("url"), source=str(path), header=True,
    )
    if doc is not None:
        yield None, doc


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<block>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.MULTILINE)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` pairs of a YAML front matter block, and the text after it."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    meta = {
        m["key"].lower(): m["value"].strip("\"'")
        for m in _FRONT_FIELD.finditer(match["block"])
        if m["value"]
    }
    return meta, text[match.end():]


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r" {0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT_H1 = re.compile(r" {0,3}=+[ \t]*")
_RULE = re.compile(r" {0,3}(?:-+|(?:[-*_][ \t]*){3,})[ \t]*")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S+.*")
_QUOTE_MARKER = re.compile(r" {0,3}(?:>[ \t]?)+")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_LINK_TARGET = r"""\(\s*(?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)"""
_INLINE_RULES = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(rf"!\[[^\[\]]*\](?:{_LINK_TARGET}|\[[^\[\]]*\])"), ""),  # images
    (re.compile(rf"\[([^\[\]]*)\]{_LINK_TARGET}"), r"\1"),  # [text](url "title")
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>"), r"\1"),  # <https://autolink>
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # `code`
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _emphasis_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # ~~strike~~
    (re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"), lambda m: html.unescape(m[0])),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])"), r"\1"),  # backslash escapes
)


def _markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """The prose of Markdown with its paragraph breaks, and the first level-1 heading."""
    lines: list[str] = []
    title: str | None = None
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:  # code is not prose: drop the block with its fences
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening[1]
            continue
        heading = _ATX_HEADING.fullmatch(line)
        if heading:
            lines.append(heading["text"] or "")
            if title is None and len(heading["level"]) == 1:
                title = heading["text"]
            continue
        if _SETEXT_H1.fullmatch(line) and lines and lines[-1].strip():
            title = title or lines[-1].strip()
            continue
        if _RULE.fullmatch(line) or _LINK_DEFINITION.fullmatch(line):
            continue
        line = _QUOTE_MARKER.sub("", line, count=1) if _QUOTE_MARKER.match(line) else line
        lines.append(_LIST_MARKER.sub("", line, count=1) if _LIST_MARKER.match(line) else line)
    title = _markdown_inline(title) if title else None
    return _tidy_paragraphs(_markdown_inline("\n".join(lines))), title


def _markdown_inline(text: str) -> str:
    """Text with Markdown's inline syntax removed: links become their text, images go."""
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return text


def _tidy_paragraphs(text: str) -> str:
    """Lines stripped of edge spaces, at most one blank line between paragraphs."""
    lines = (line.strip(" \t") for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- JSON lines and CSV ------------------------------------------------------------------------------


def _read_jsonl(text: str, path: Path, report: _Report) -> _Records:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        record, reason = _parse_json(line)
        if reason is not None:
            report(Problem(path=str(path), line=number, message=f"malformed JSON ({reason}) — line skipped"))
        elif not isinstance(record, dict):
            kind = _JSON_KINDS.get(type(record), type(record).__name__)
            report(Problem(path=str(path), line=number,
                           message=f"a JSON {kind}, not an object — line skipped"))
        else:
            doc = _from_record(record, path=path, line=number, report=report)
            if doc is not None:
                yield number, doc


_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def _parse_json(line: str) -> tuple[object, str | None]:
    """The value of one JSON line, or None and the reason it is malformed."""
    try:
        return json.loads(line), None
    except json.JSONDecodeError as e:
        return None, f"{e.msg} at column {e.colno}"
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as e:  # e.g. an integer longer than Python converts
        return None, str(e)


def _read_csv(text: str, path: Path, report: _Report) -> _Records:
    """Rows of a CSV (or, for ``.tsv``, tab-separated) file with a header naming a ``text`` column."""
    # No field can be longer than the file, so the file's size is a safe limit for this read.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, _CSV_FIELD_LIMIT_MAX)))
    dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error) as e:
        report(Problem(path=str(path), line=1, message=f"no header row ({e or 'empty'}) — skipped"))
        return
    if "text" not in header:
        report(Problem(path=str(path), line=1, message=f"no 'text' column in the header (columns: "
                                                       f"{', '.join(header)}) — skipped"))
        return
    rows = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            report(Problem(path=str(path), line=start, message=f"malformed CSV ({e}) — rest of file skipped"))
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        doc = _from_record(dict(zip(header, row, strict=False)), path=path, line=start, report=report)
        if doc is not None:
            yield start, doc
    if rows == 0:
        report(Problem(path=str(path), kind="warning", message="header only, no records — nothing read"))


def _from_record(record: dict[str, object], *, path: Path, line: int, report: _Report) -> Document | None:
    """A Document from a JSON object or CSV row; the id defaults to ``<file stem>-<line>``."""
    text = record.get("text")
    if not isinstance(text, str):
        problem = "no 'text' field" if text is None else f"'text' is a {type(text).__name__}, not a string"
        report(Problem(path=str(path), line=line, message=f"{problem} — record skipped"))
        return None
    ident = record.get("id")
    if ident is None or not str(ident).strip():
        ident = f"{path.stem}-{line}"
    date = record.get("date")
    return _build(
        text, report=report, path=str(path), line=line, id=ident, title=record.get("title"),
        date=date if date is not None and str(date).strip() else None, url=record.get("url"),
        source=str(path), header=True,
    )


# --- HTML --------------------------------------------------------------------------------------------

_SKIPPED_TAGS = frozenset({
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template",
    "iframe", "button", "select", "textarea", "canvas", "object",
})
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tr", "ul",
})
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                        "source", "track", "wbr"})
_CREDIT = re.compile(
    r"^\W*(?:(?:file )?(?:photo|image|picture|video|illustration|graphic)s?\s*(?::|by\b|credit|courtesy)"
    r"|credits?\b|courtesy\b)"
    r"|©|\(c\)|getty images|shutterstock|ap photo|\b(?:reuters|afp|epa|ap|xinhua)\s*/", re.IGNORECASE)
_CREDIT_NAME = re.compile(r"(?<![a-z])credits?(?![a-z])", re.IGNORECASE)  # "photo-credit", not "incredible"
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "dc.date", "dcterms.date", "parsely-pub-date")


class _ArticleParser(HTMLParser):
    """Collects a page's visible text, the chunk ranges of its <article> and <main>, and its metadata.

    Text goes to ``chunks``; block elements add paragraph breaks. Metadata (title, first heading, dates,
    canonical URL) is noted even inside dropped elements such as <header>, where pages often keep it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.containers: list[tuple[str, int, int]] = []  # (tag, first chunk, end chunk)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.page_title: list[str] | None = None
        self.h1s: list[tuple[int, str]] = []  # (chunk index, text)
        self.times: list[tuple[int, str]] = []  # (chunk index, datetime attribute)
        self._open_containers: list[tuple[str, int]] = []
        self._skip: tuple[str, int] | None = None  # outermost dropped element and its nesting depth
        self._in_title = False
        self._h1: list[str] | None = None
        self._captions: list[int] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._note_metadata(tag, values)
        if self._skip is not None:
            if tag == self._skip[0]:
                self._skip = (tag, self._skip[1] + 1)
            return
        if tag not in _VOID_TAGS and (tag in _SKIPPED_TAGS or _is_hidden_or_credit(values)):
            self._skip = (tag, 1)
            return
        if tag in ("article", "main"):
            self._open_containers.append((tag, len(self.chunks)))
        elif tag == "figcaption":
            self._captions.append(len(self.chunks))
        elif tag == "pre":
            self._pre += 1
        if tag == "br":
            self.chunks.append("\n")
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1 is not None:
            self.h1s.append((len(self.chunks), " ".join("".join(self._h1).split())))
            self._h1 = None
        if self._skip is not None:
            if tag == self._skip[0]:
                depth = self._skip[1] - 1
                self._skip = (tag, depth) if depth else None
            return
        if tag in ("article", "main"):
            opened = [i for i, (name, _) in enumerate(self._open_containers) if name == tag]
            if opened:
                name, start = self._open_containers.pop(opened[-1])
                self.containers.append((name, start, len(self.chunks)))
        elif tag == "figcaption" and self._captions:
            start = self._captions.pop()
            if _CREDIT.search("".join(self.chunks[start:]).strip()):
                del self.chunks[start:]
        elif tag == "pre" and self._pre:
            self._pre -= 1
        if tag in ("td", "th"):
            self.chunks.append(" ")
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title and self.page_title is not None:
            self.page_title.append(data)
            return
        if self._h1 is not None:
            self._h1.append(data)
        if self._skip is None:
            self.chunks.append(data if self._pre else re.sub(r"[ \t\n\r\f]+", " ", data))

    def close(self) -> None:
        super().close()
        for name, start in self._open_containers:  # unclosed elements end with the page
            self.containers.append((name, start, len(self.chunks)))
        self._open_containers.clear()

    def _note_metadata(self, tag: str, values: dict[str, str]) -> None:
        in_svg = self._skip is not None and self._skip[0] == "svg"  # an SVG <title> names a picture
        if tag == "title" and self.page_title is None and not in_svg:
            self.page_title = []
            self._in_title = True
        elif tag == "h1":
            self._h1 = []
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href") or None
        if tag == "time" and values.get("datetime"):
            self.times.append((len(self.chunks), values["datetime"]))
        if values.get("itemprop", "").lower() == "datepublished" and tag != "meta":
            value = values.get("datetime") or values.get("content")
            if value:
                self.meta.setdefault("datepublished", value)


def _is_hidden_or_credit(values: dict[str, str]) -> bool:
    if "hidden" in values or values.get("aria-hidden", "").lower() == "true":
        return True
    return bool(_CREDIT_NAME.search(f"{values.get('class', '')} {values.get('id', '')}"))



def _read_html(text: str, path: Path, report: _Report) -> _Records:
    """The article of an HTML page: the longest <article>, else <main>, else the page's visible text."""
    parser = _ArticleParser()
    parser.feed(text)
    parser.close()
    container = _main_container(parser)
    start, end = container or (0, len(parser.chunks))
    headline = next((t for i, t in parser.h1s if container and start <= i <= end and t), None)
    page_title = "".join(parser.page_title or ())
    title = headline or parser.meta.get("og:title") or page_title.strip() or next(
        (t for _, t in parser.h1s if t), None)
    date = next((parser.meta[key] for key in _DATE_META if key in parser.meta), None)
    date = date or next((t for i, t in parser.times if start <= i <= end), None)
    doc = _build(
        _tidy_paragraphs("".join(parser.chunks[start:end])), report=report, path=str(path), line=None,
        id=path.stem, title=title, date=date, url=parser.canonical or parser.meta.get("og:url"),
        source=str(path), header=False,
    )
    if doc is not None:
        yield None, doc


def _main_container(parser: _ArticleParser) -> tuple[int, int] | None:
    """Chunk range of the longest non-empty <article>, else <main>; None when there is neither."""
    for tag in ("article", "main"):
        sized = [
            (len("".join(parser.chunks[start:end]).strip()), (start, end))
            for name, start, end in parser.containers
            if name == tag
        ]
        size, best = max(sized, default=(0, (0, 0)))
        if size:
            return best
    return None


# --- Reuters-21578 SGML ------------------------------------------------------------------------------

_REUTERS = re.compile(r"<REUTERS\b(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.DOTALL | re.IGNORECASE)
_NEWID = re.compile(r"""\bNEWID\s*=\s*["']?(\d+)""", re.IGNORECASE)
_REUTERS_DATE = re.compile(r"\s*(\d{1,2}-[A-Za-z]{3}-\d{4}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?)")
_SIGN_OFF = re.compile(r"(?:\s*\bReuter\b)*\s*&#3;\s*\Z|\n\s*Reuter\s*\Z", re.IGNORECASE)


def _sgml_element(name: str, text: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", text, re.DOTALL | re.IGNORECASE)
    return match.group(1) if match else None


def _read_reuters(text: str, path: Path, report: _Report) -> _Records:
    """One document per ``<REUTERS>`` element with a ``<BODY>``; the others are skipped silently."""
    count, line, counted_to = 0, 1, 0
    for match in _REUTERS.finditer(text):
        count += 1
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        newid = _NEWID.search(match["attrs"])
        body = _sgml_element("BODY", match["body"])
        if body is None:
            continue
        if newid is None:
            report(Problem(path=str(path), line=line, message="<REUTERS> without NEWID — skipped"))
            continue
        title = _sgml_element("TITLE", match["body"])
        date = _sgml_element("DATE", match["body"])
        if date is not None:  # some dates carry wire-service control codes after the time
            stamp = _REUTERS_DATE.match(date)
            date = stamp[1] if stamp else date.strip()
        doc = _build(
            html.unescape(_SIGN_OFF.sub("", body)), report=report, path=str(path), line=line,
            id=f"reuters-{newid[1]}", title=html.unescape(title) if title else None,
            date=date, url=None, source=str(path), header=False,
        )
        if doc is not None:
            yield line, doc
    if count == 0:
        report(Problem(path=str(path), message="no <REUTERS> elements — skipped"))


_READERS: dict[str, Callable[[str, Path, _Report], _Records]] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".html": _read_html,
    ".htm": _read_html,
    ".sgm": _read_reuters,
}
