"""The ``kg`` command as a user meets it: help, build, query, view, and one clear line for every mistake."""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.namespace import DCTERMS

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
README = ROOT / "README.md"
KG = Namespace("https://w3id.org/kgnews/ontology#")

PERSONS = "SELECT ?person ?label WHERE { ?person a kg:Person ; rdfs:label ?label } ORDER BY ?label"


def kg(*args: str | Path):
    """Run ``kg ARGS`` in-process; stdout and stderr stay apart."""
    return CliRunner().invoke(main, [str(a) for a in args])


def kg_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``kg ARGS`` as a real process (``python -m kg.cli``), the way a shell runs it."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def assert_one_error_line(stderr: str, *, mentioning: str = "") -> str:
    """The user's mistake is one line starting with "Error:" and never a traceback."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert mentioning in errors[0]
    return errors[0]


def assert_clean_failure(result, *, mentioning: str = "") -> str:
    """An in-process run that failed on purpose: exit 1 by SystemExit, one error line, nothing on stdout."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    return assert_one_error_line(result.stderr, mentioning=mentioning)


# --- help ------------------------------------------------------------------------------------------

def test_main_help_lists_every_command():
    result = kg("--help")
    assert result.exit_code == 0
    assert {"build", "query", "view"} <= set(main.commands)
    for name in main.commands:
        assert re.search(rf"^\s+{name}\s", result.stdout, re.MULTILINE), f"kg --help does not list {name}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_command_help_lists_its_options(command):
    result = kg(command, "--help")
    assert result.exit_code == 0, result.output
    assert f" {command} [OPTIONS]" in result.stdout.splitlines()[0]
    options = [p for p in main.commands[command].params if isinstance(p, click.Option) and not p.hidden]
    assert options
    for option in options:
        for flag in option.opts + option.secondary_opts:
            assert flag in result.stdout, f"kg {command} --help does not show {flag}"


def test_help_in_a_real_process():
    proc = kg_process("--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage:")
    for name in ("build", "query", "view"):
        assert re.search(rf"^\s+{name}\s", proc.stdout, re.MULTILINE)
    assert proc.stderr == ""


# --- build -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build of the seeds (the spaCy model runs), shared by the tests that read its outputs."""
    out = tmp_path_factory.mktemp("build") / "out"
    result = kg("build", SEEDS, "-o", out)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result, out


@pytest.fixture(scope="module")
def graph_file(built) -> Path:
    return built[1] / "graph.ttl"


@pytest.fixture(scope="module")
def graph(graph_file) -> Graph:
    return Graph().parse(graph_file, format="turtle")


def test_build_writes_graph_and_view(built, graph):
    _, out = built
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["graph.html", "graph.ttl"]
    assert len(set(graph.objects(None, DCTERMS.identifier))) == len(list(SEEDS.glob("*.txt"))) == 2
    assert set(graph.subjects(RDF.type, KG.Person))
    assert set(graph.subjects(RDF.type, KG.Membership))
    assert "<html" in (out / "graph.html").read_text(encoding="utf-8").lower()


def test_build_prints_a_summary(built, graph):
    result, out = built
    lines = result.stdout.splitlines()
    assert re.match(r"Built a graph of 2 documents in [\d.]+ s", lines[0]), lines[0]
    for head in ("Entities:", "Facts:", "Graph:", "View:", "Try:"):
        assert [line for line in lines if line.startswith(head)], f"no {head} line in\n{result.stdout}"
    (graph_line,) = [line for line in lines if line.startswith("Graph:")]
    assert str(out / "graph.ttl") in graph_line
    assert f"({len(graph)} triples)" in graph_line
    (facts_line,) = [line for line in lines if line.startswith("Facts:")]
    assert "membership" in facts_line
    (view_line,) = [line for line in lines if line.startswith("View:")]
    assert str(out / "graph.html") in view_line
    assert "Traceback" not in result.stderr


def test_the_printed_try_query_runs_and_returns_rows(built):
    result, _ = built
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("Try:")]
    command = shlex.split(line.removeprefix("Try:"))
    assert command[:2] == ["kg", "query"]
    proc = kg_process(*command[1:])  # as a user pastes it into a shell
    assert proc.returncode == 0, proc.stderr
    rows = re.search(r"^\((\d+) rows?\)$", proc.stdout, re.MULTILINE)
    assert rows and int(rows[1]) > 0, proc.stdout
    assert "Scott Bessent" in proc.stdout


def test_quiet_build_prints_nothing(tmp_path):
    result = kg("build", SEEDS / "000_11312911529d2842.txt", "-o", tmp_path, "-q", "--no-view")
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")
    assert (tmp_path / "graph.ttl").stat().st_size > 0
    assert not (tmp_path / "graph.html").exists()


def _binary_file(folder: Path) -> Path:
    path = folder / "photo.txt"
    path.write_bytes(bytes(range(256)) * 8)
    return path


def _empty_folder(folder: Path) -> Path:
    (folder / "empty").mkdir()
    return folder / "empty"


def _missing_file(folder: Path) -> Path:
    return folder / "no-such-file.txt"


@pytest.mark.parametrize("make_input", [_empty_folder, _binary_file, _missing_file],
                         ids=["empty folder", "binary file", "missing file"])
def test_build_without_documents_fails_and_keeps_the_old_graph(tmp_path, make_input, graph_file):
    out = tmp_path / "out"
    out.mkdir()
    before = graph_file.read_bytes()
    (out / "graph.ttl").write_bytes(before)
    (out / "graph.html").write_text("old view", encoding="utf-8")
    bad = make_input(tmp_path)
    result = kg("build", bad, "-o", out)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert_one_error_line(result.stderr)
    assert str(bad) in result.stderr  # the user learns which input was unusable
    assert result.stdout == ""
    assert (out / "graph.ttl").read_bytes() == before
    assert (out / "graph.html").read_text(encoding="utf-8") == "old view"
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]


def test_missing_model_is_one_clear_line(tmp_path):
    result = kg("build", SEEDS, "-o", tmp_path / "out", "--model", "no_such_model")
    assert_clean_failure(result, mentioning="no_such_model")
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_missing_model_in_a_real_process(tmp_path):
    proc = kg_process("build", SEEDS, "-o", tmp_path / "out", "--model", "no_such_model")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert_one_error_line(proc.stderr, mentioning="no_such_model")
    assert len(proc.stderr.strip().splitlines()) == 1


# --- query -----------------------------------------------------------------------------------------

def _person_labels(graph: Graph) -> list[str]:
    return sorted(str(o) for s in graph.subjects(RDF.type, KG.Person) for o in graph.objects(s, RDFS.label))


def test_query_table(graph_file, graph):
    result = kg("query", graph_file, PERSONS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["person", "label"]
    assert set(lines[1]) <= {"-", " "}
    labels = _person_labels(graph)
    assert lines[-1] == f"({len(labels)} rows)"
    for label in labels:
        assert label in result.stdout


def test_query_csv_parses(graph_file, graph):
    result = kg("query", graph_file, PERSONS, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["person", "label"]
    assert sorted(r[1] for r in rows[1:]) == _person_labels(graph)


def test_query_tsv(graph_file, graph):
    result = kg("query", graph_file, PERSONS, "--format", "tsv")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["person", "label"]
    assert all(len(r) == 2 for r in rows)
    assert sorted(r[1] for r in rows[1:]) == _person_labels(graph)


def test_query_json_is_sparql_results_json(graph_file, graph):
    result = kg("query", graph_file, PERSONS, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["person", "label"]
    bindings = data["results"]["bindings"]
    assert sorted(b["label"]["value"] for b in bindings) == _person_labels(graph)
    assert all(b["person"]["type"] == "uri" for b in bindings)


def test_query_ask_json(graph_file):
    result = kg("query", graph_file, "ASK { ?m a kg:Membership }", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["boolean"] is True


def test_query_from_a_file(graph_file, tmp_path):
    rq = tmp_path / "persons.rq"
    rq.write_text(PERSONS + "\n", encoding="utf-8")
    from_file = kg("query", graph_file, "-f", rq, "--format", "csv")
    inline = kg("query", graph_file, PERSONS, "--format", "csv")
    assert from_file.exit_code == 0, from_file.output
    assert from_file.stdout == inline.stdout
    assert len(from_file.stdout.splitlines()) > 1


def test_query_file_that_is_not_utf8_is_one_error_line(graph_file, tmp_path):
    rq = tmp_path / "latin1.rq"
    rq.write_bytes('SELECT ?x WHERE { ?x rdfs:label "Zürich" }'.encode("latin-1"))  # saved by an old editor
    assert_clean_failure(kg("query", graph_file, "-f", rq), mentioning=str(rq))


def test_query_a_build_folder(built, graph_file):
    assert kg("query", built[1], PERSONS).stdout == kg("query", graph_file, PERSONS).stdout


@pytest.mark.parametrize("sparql", ["SELEC ?x WHERE { ?x ?p ?o }", "SELECT * WHERE { ?s nope:p ?o }",
                                    "SELECT ?x WHERE { ?x a kg:Person "])
def test_broken_query_is_one_error_line(graph_file, sparql):
    assert_clean_failure(kg("query", graph_file, sparql))


def test_broken_query_in_a_real_process(graph_file):
    proc = kg_process("query", graph_file, "SELEC ?x WHERE { ?x ?p ?o }")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert_one_error_line(proc.stderr)


def test_query_without_a_query(graph_file):
    assert_clean_failure(kg("query", graph_file))


@pytest.mark.parametrize("command", ["query", "view"])
def test_missing_graph_file_is_one_error_line(tmp_path, command):
    missing = tmp_path / "nowhere" / "graph.ttl"
    args = [missing, PERSONS] if command == "query" else [missing, "-o", tmp_path / "v.html"]
    assert_clean_failure(kg(command, *args), mentioning=str(missing))
    assert not (tmp_path / "v.html").exists()


def test_graph_file_that_is_not_rdf_is_one_error_line(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text("this is not turtle <<<", encoding="utf-8")
    assert_clean_failure(kg("query", bad, PERSONS))


# --- view ------------------------------------------------------------------------------------------

def test_view_writes_the_entity_labels(graph_file, graph, tmp_path):
    page = tmp_path / "people.html"
    result = kg("view", graph_file, "-o", page)
    assert result.exit_code == 0, result.output
    assert str(page) in result.stdout
    html = page.read_text(encoding="utf-8")
    labels = _person_labels(graph)
    assert labels
    for label in labels:
        assert label in html


# --- docs ------------------------------------------------------------------------------------------

def _long_options(command: str) -> list[str]:
    text = kg(command, "--help").stdout
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)) - {"--help"})


def test_readme_names_every_command():
    readme = README.read_text(encoding="utf-8")
    missing = [name for name in main.commands if f"kg {name}" not in readme]
    assert not missing, f"README.md does not show these commands: {missing}"


@pytest.mark.parametrize("command", ["build", "query", "view"])
def test_readme_documents_every_long_option(command):
    readme = README.read_text(encoding="utf-8")
    missing = [option for option in _long_options(command) if option not in readme]
    assert not missing, f"README.md does not document these options of kg {command}: {missing}"
