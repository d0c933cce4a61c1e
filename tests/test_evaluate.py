"""kg.evaluate and `kg eval`: the same figures as ../shared/eval/score.py, and the rules that make them."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.evaluate import format_report, normalize_name, score_graph
from kg.graph import build_graph
from kg.model import Document, Entity, Extraction, Fact
from kg.serialize import write_graph

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SCORER = EVAL / "score.py"
CONLL_OPTIONS = ["--relations", "membership", "--org-types", "Organization", "--no-entities"]

_ROW = re.compile(r"^(\w+)\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d+)\s+(\d+)\s+(\d+)$")
_SUMMARY = re.compile(r"^core F1 (\d\.\d{3})  all relations F1 (\d\.\d{3})(?:  entities F1 (\d\.\d{3}))?$")


def _built_graph(nlp, folder: Path, out: Path) -> Path:
    """Build the documents of an eval folder the way `kg build` does and write graph.ttl."""
    from kg.ingest import read_documents
    from kg.pipeline import extract

    if not (folder / "docs.jsonl").is_file() or not SCORER.is_file():
        pytest.skip(f"{folder}/docs.jsonl or {SCORER} is absent; the shared eval set is not checked out")
    graph = build_graph(extract(read_documents([folder / "docs.jsonl"]), nlp=nlp))
    return write_graph(graph, out / "graph.ttl")


@pytest.fixture(scope="module")
def dev_graph(nlp, tmp_path_factory) -> Path:
    return _built_graph(nlp, EVAL / "dev", tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="module")
def conll_graph(nlp, tmp_path_factory) -> Path:
    return _built_graph(nlp, EVAL / "conll04", tmp_path_factory.mktemp("conll04"))


def _reference(gold: Path, graph: Path, options: list[str]) -> dict:
    """What score.py says of the graph, as JSON."""
    run = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold), "--graph", str(graph),
                          "--ontology", str(ROOT / "ontology"), "--json", *options],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _table(output: str) -> dict:
    """The printed table of `kg eval` read back: rows, attributes and the summary line."""
    rows, summary, attributes = {}, None, None
    for line in output.splitlines():
        if match := _ROW.match(line):
            name, *figures = match.groups()
            rows[name] = dict(zip(["p", "r", "f1"], map(float, figures[:3]), strict=True)) | dict(
                zip(["tp", "fp", "fn"], map(int, figures[3:]), strict=True))
        elif line.startswith("attributes: "):
            attributes = json.loads(line.removeprefix("attributes: "))
        elif match := _SUMMARY.match(line):
            summary = [None if x is None else float(x) for x in match.groups()]
    return {"rows": rows, "attributes": attributes, "summary": summary}


def _agrees_with_reference(gold: Path, graph: Path, options: list[str]) -> str:
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--graph", str(graph), *options])
    assert result.exit_code == 0, result.output
    ours, reference = _table(result.stdout), _reference(gold, graph, options)
    assert list(ours["rows"]) == list(reference["rows"])
    for name, row in reference["rows"].items():
        assert ours["rows"][name] == row, name
    assert ours["attributes"] == reference["attributes"]
    assert ours["summary"] == [reference["core_f1"], reference["relations_f1"], reference["entities_f1"]]
    assert "documents not found" not in result.stdout and not reference["docs_missing_from_graph"]
    return result.stdout


def test_dev_figures_equal_the_reference_scorer(dev_graph):
    output = _agrees_with_reference(EVAL / "dev" / "gold", dev_graph, [])
    assert "entities" in _table(output)["rows"]


def test_conll04_figures_equal_the_reference_scorer(conll_graph):
    output = _agrees_with_reference(EVAL / "conll04" / "gold", conll_graph, CONLL_OPTIONS)
    assert list(_table(output)["rows"]) == ["membership"]


def test_json_has_the_shape_of_the_reference(dev_graph):
    gold, options = EVAL / "dev" / "gold", ["--relations", "membership,tariff"]
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--graph", str(dev_graph), "--json",
                                       *options])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == _reference(gold, dev_graph, options)


# --- hand-built graphs and gold ----------------------------------------------------------------------------

TEXT = "Treasury Secretary Scott Bessent said the U.S. cut its tariff on China to 30% from 145%."
ENTITIES = [
    Entity(key="bessent", label="Scott Bessent", type="Person", aliases=("Bessent",)),
    Entity(key="treasury", label="U.S. Department of the Treasury", type="Organization",
           subtype="GovernmentBody"),
    Entity(key="us", label="the U.S.", type="Country"),
    Entity(key="china", label="China", type="Country"),
    Entity(key="court", label="Court of International Trade", type="Organization", subtype="Court"),
]
GOLD_ENTITIES = [
    {"name": "Scott Bessent", "type": "Person", "aliases": ["Bessent"]},
    {"name": "U.S. Department of the Treasury", "type": "Organization", "aliases": ["Treasury"]},
    {"name": "United States", "type": "Country", "aliases": ["US"]},
    {"name": "China", "type": "Country"},
    {"name": "Court of International Trade", "type": "Organization", "optional": True},
]


def _fact(relation: str, *args: tuple[str, str], start: int = 0, **attrs: object) -> Fact:
    return Fact(relation=relation, args=args, attrs=tuple(attrs.items()), sentence=TEXT, start=start,
                end=start + len(TEXT), extractor="test", confidence=0.9)


MEMBERSHIP = _fact("membership", ("member", "bessent"), ("organization", "treasury"),
                   role="Treasury Secretary")
GOLD_MEMBERSHIP = {"relation": "membership", "person": "Scott Bessent", "role": "Treasury Secretary",
                   "org": ["U.S. Department of the Treasury", "United States"],
                   "evidence": "Treasury Secretary Scott Bessent"}


def _graph(facts: list[Fact]):
    document = Document(id="d1", text=TEXT)
    return build_graph([Extraction(document=document, entities=list(ENTITIES), facts=facts)])


def _gold(tmp_path: Path, gold_facts: list[dict], *, entities: list[dict] | None = None,
          doc: str = "d1") -> Path:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir(exist_ok=True)
    gold = {"doc": doc, "entities": GOLD_ENTITIES if entities is None else entities, "facts": gold_facts}
    (gold_dir / f"{doc}.json").write_text(json.dumps(gold), encoding="utf-8")
    return gold_dir


def _score(tmp_path: Path, facts: list[Fact], gold_facts: list[dict], *,
           gold_entities: list[dict] | None = None, **options):
    return score_graph(_graph(facts), _gold(tmp_path, gold_facts, entities=gold_entities), **options)


def _counts(report, row: str) -> tuple[int, int, int]:
    s = report.rows[row]
    return s.tp, s.fp, s.fn


@pytest.mark.parametrize(("name", "normalized"), [
    ("the U.S.", "us"), ("US", "us"), ("U.S", "us"), ("China's", "china"), ("China\u2019s", "china"),
    ("The White House", "white house"), ("A.B. Smith-Jones, Jr.", "ab smith-jones jr"),
    ("  Treasury   Secretary ", "treasury secretary"), ("Theresa May", "theresa may"),
])
def test_normalize_name(name, normalized):
    assert normalize_name(name) == normalized


def test_the_us_matches_us_and_optional_entities_count_for_nothing(tmp_path):
    report = _score(tmp_path, [], [])
    # "the U.S." finds "United States" by its alias "US"; the optional court, found, is neither tp nor fp
    assert _counts(report, "entities") == (4, 0, 0)
    report = _score(tmp_path, [], [], gold_entities=[*GOLD_ENTITIES, {"name": "Geneva", "type": "Place"}])
    assert _counts(report, "entities") == (4, 0, 1)
    assert report.rows["entities"].missed == ["d1: Geneva"]


def test_an_optional_fact_is_neither_tp_nor_fp_nor_fn(tmp_path):
    optional = {**GOLD_MEMBERSHIP, "optional": True}
    assert _counts(_score(tmp_path, [MEMBERSHIP], [optional]), "membership") == (0, 0, 0)
    assert _counts(_score(tmp_path, [], [optional]), "membership") == (0, 0, 0)


def test_a_fact_stated_twice_counts_once(tmp_path):
    again = _fact("membership", ("member", "bessent"), ("organization", "treasury"), start=200,
                  role="Secretary")
    report = _score(tmp_path, [MEMBERSHIP, again], [GOLD_MEMBERSHIP])
    assert _counts(report, "membership") == (1, 0, 0)


def test_a_wrong_argument_is_one_fp_and_one_fn(tmp_path):
    wrong = _fact("membership", ("member", "bessent"), ("organization", "china"), role="Treasury Secretary")
    report = _score(tmp_path, [wrong], [GOLD_MEMBERSHIP])
    assert _counts(report, "membership") == (0, 1, 1)
    assert report.rows["membership"].spurious == ["d1: scott bessent / china"]


@pytest.mark.parametrize(("role", "right"), [
    ("Treasury Secretary", True), ("Secretary", True), ("U.S. Treasury Secretary", True),
    ("Commerce Secretary", False), ("Ambassador", False),
])
def test_the_role_of_a_matched_membership(tmp_path, role, right):
    fact = _fact("membership", ("member", "bessent"), ("organization", "treasury"), role=role)
    report = _score(tmp_path, [fact], [GOLD_MEMBERSHIP])
    assert _counts(report, "membership") == (1, 0, 0)  # the role never decides the match
    assert report.attributes == {"role": (int(right), 1)}


def test_tariff_rates_court_actions_and_parties(tmp_path):
    facts = [
        _fact("tariff", ("imposedBy", "us"), ("target", "china"), rate=30, previousRate=145),
        _fact("court_ruling", ("court", "court"), action="Blocks"),
        _fact("negotiation", ("participant", "china"), ("participant", "us")),
        _fact("agreement", ("participant", "us")),
    ]
    gold = [
        {"relation": "tariff", "imposer": "United States", "target": "China", "rate": 30,
         "previous_rate": 125},
        {"relation": "court_ruling", "court": "Court of International Trade", "action": "blocks"},
        {"relation": "negotiation", "parties": ["United States", "China"]},
        {"relation": "agreement", "parties": ["United States", "China"]},
    ]
    report = _score(tmp_path, facts, gold)
    assert [_counts(report, r) for r in ("tariff", "court_ruling", "negotiation", "agreement")] == [
        (1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 1)]
    assert report.attribute_accuracy() == {"rate": 1.0, "previous_rate": 0.0}
    assert report.core_f1 == 1.0


def test_org_types_leave_out_memberships_in_other_kinds_of_organization(tmp_path):
    in_country = _fact("membership", ("member", "bessent"), ("organization", "us"))
    report = _score(tmp_path, [MEMBERSHIP, in_country], [GOLD_MEMBERSHIP], relations=["membership"],
                    entities=False, org_types=["Organization"])
    assert list(report.rows) == ["membership"]
    assert _counts(report, "membership") == (1, 0, 0)
    # without the filter, the second reading of the one gold fact is a false positive
    assert _counts(_score(tmp_path, [MEMBERSHIP, in_country], [GOLD_MEMBERSHIP]), "membership") == (1, 1, 0)
    assert report.entities_f1 is None


def test_a_document_missing_from_the_graph_is_all_misses(tmp_path):
    _gold(tmp_path, [GOLD_MEMBERSHIP])
    gold_dir = _gold(tmp_path, [GOLD_MEMBERSHIP], entities=GOLD_ENTITIES[:1], doc="d2")
    report = score_graph(_graph([MEMBERSHIP]), gold_dir)
    assert report.missing_documents == ("d2",)
    assert _counts(report, "membership") == (1, 0, 1)
    assert _counts(report, "entities") == (4, 0, 1)
    assert "documents not found in the graph (no dcterms:identifier): d2" in format_report(report)


# --- the command -------------------------------------------------------------------------------------------


def test_kg_eval_prints_the_table_and_the_summary(tmp_path):
    gold_dir = _gold(tmp_path, [GOLD_MEMBERSHIP])
    graph = write_graph(_graph([MEMBERSHIP]), tmp_path / "graph.ttl")
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold_dir), "--graph", str(graph)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["P", "R", "F1", "tp", "fp", "fn"]
    assert lines[1].split() == ["entities", "1.000", "1.000", "1.000", "4", "0", "0"]
    assert lines[2].split() == ["membership", "1.000", "1.000", "1.000", "1", "0", "0"]
    assert 'attributes: {"role": 1.0}' in lines
    assert lines[-1] == "core F1 1.000  all relations F1 1.000  entities F1 1.000"


def test_kg_eval_verbose_lists_misses_and_false_positives(tmp_path):
    gold_dir = _gold(tmp_path, [GOLD_MEMBERSHIP])
    wrong = _fact("membership", ("member", "bessent"), ("organization", "china"))
    graph = write_graph(_graph([wrong]), tmp_path / "graph.ttl")
    result = CliRunner().invoke(main, ["eval", "--gold", str(gold_dir), "--graph", str(graph), "-v",
                                       "--relations", "membership"])
    assert result.exit_code == 0, result.output
    row = result.stdout.splitlines().index(next(x for x in result.stdout.splitlines()
                                                 if x.startswith("membership")))
    assert result.stdout.splitlines()[row + 1:row + 3] == [
        "    missed: d1: Treasury Secretary Scott Bessent", "    spurious: d1: scott bessent / china"]


@pytest.mark.parametrize("args", [
    ["--gold", "no/such/folder", "--graph", "graph.ttl"],
    ["--gold", "no/such/folder", "docs.jsonl"],
])
def test_kg_eval_without_a_gold_folder_is_one_error_line(tmp_path, args):
    result = CliRunner().invoke(main, ["eval", *args])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("Error: gold folder no/such/folder")
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    ([], "Error: give documents to build (INPUT...) or --graph FILE to score"),
    (["docs.jsonl", "--graph", "graph.ttl"], "Error: give either documents to build"),
    (["--graph", "graph.ttl", "--relations", "membership,tarif"], "Error: unknown relation tarif"),
    (["--graph", "graph.ttl", "--org-types", "Company"], "Error: unknown organization type Company"),
])
def test_kg_eval_refuses_wrong_options(args, message):
    result = CliRunner().invoke(main, ["eval", "--gold", str(EVAL / "dev" / "gold"), *args])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
