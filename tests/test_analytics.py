"""kg.analytics and its commands: stats, centrality, components, communities and paths on hand-built graphs,
then ``kg stats`` and ``kg path`` on a real build of the seeds."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg.analytics import PathStep, find_paths, graph_stats, resolve_entity
from kg.cli import main
from kg.errors import KgError
from kg.graph import build_graph
from kg.model import Document, Entity, Extraction, Fact
from kg.view import graph_to_networkx

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

BESSENT = Entity("scott-bessent", "Scott Bessent", "Person", aliases=("Bessent", "Scott Bessent"))
TREASURY = Entity("us-treasury", "U.S. Department of the Treasury", "Organization", "GovernmentBody",
                  aliases=("Treasury",))
US = Entity("united-states", "United States", "Country", aliases=("U.S.", "Washington"))
CHINA = Entity("china", "China", "Country", aliases=("Beijing",))
FOX = Entity("fox-news", "Fox News", "Organization", "NewsOrganization")
GENEVA = Entity("geneva", "Geneva", "Place")
JOHN_SMITH = Entity("john-smith", "John Smith", "Person", aliases=("Smith",))
JANE = Entity("jane-roe", "Jane Roe", "Person", aliases=("Roe",))
ACME = Entity("acme", "Acme Corp", "Organization", "Company", aliases=("Acme",))
REUTERS = Entity("reuters", "Reuters", "Organization", "NewsOrganization")
ADAM_SMITH = Entity("adam-smith", "Adam Smith", "Person", aliases=("Smith",))
BOB = Entity("bob-lee", "Bob Lee", "Person")
MARS = Entity("mars", "Mars Inc", "Organization", "Company")


def fact(relation: str, *args: tuple[str, Entity], sentence: str, confidence: float = 0.8,
         status: str = "Asserted", **attrs: object) -> Fact:
    return Fact(relation=relation, args=tuple((name, e.key) for name, e in args), attrs=tuple(attrs.items()),
                sentence=sentence, start=0, end=len(sentence), extractor="test", confidence=confidence,
                status=status)


def trade_graph() -> rdflib.Graph:
    """Three clusters of facts in three documents, a fourth document naming Bessent and Roe together.

    trade:    Bessent -member of-> Treasury -urges-> United States -tariff 30%-> China (plus a planned
              tariff and a negotiation between the two countries); Bessent -spoke to-> Fox News;
              Geneva and John Smith are named but in no fact
    business: Jane Roe and Adam Smith -member of-> Acme Corp; Roe -spoke to-> Reuters
    candy:    Bob Lee -member of-> Mars Inc
    """
    trade = Extraction(
        Document("trade", "…", title="Trade talks", date=dt.date(2025, 5, 29)),
        entities=[BESSENT, TREASURY, US, CHINA, FOX, GENEVA, JOHN_SMITH],
        facts=[
            fact("membership", ("member", BESSENT), ("organization", TREASURY), role="Treasury Secretary",
                 sentence="Treasury Secretary Scott Bessent spoke."),
            fact("urges", ("actor", TREASURY), ("addressee", US), demand="act",
                 sentence="The Treasury urged Washington to act."),
            fact("tariff", ("imposedBy", US), ("target", CHINA), rate=30,
                 sentence="The U.S. cut tariffs on Chinese goods to 30%."),
            fact("tariff", ("imposedBy", US), ("target", CHINA), rate=50, status="Planned", confidence=0.48,
                 sentence="The U.S. may raise tariffs on China to 50%."),
            fact("negotiation", ("participant", US), ("participant", CHINA), confidence=0.7,
                 sentence="The U.S. and China met in Geneva."),
            fact("statement", ("speaker", BESSENT), ("medium", FOX), content="talks went well",
                 sentence="Bessent told Fox News talks went well."),
        ])
    business = Extraction(
        Document("business", "…", title="Acme news"),
        entities=[JANE, ACME, REUTERS, ADAM_SMITH],
        facts=[
            fact("membership", ("member", JANE), ("organization", ACME), role="chief executive",
                 sentence="Acme chief executive Jane Roe resigned."),
            fact("membership", ("member", ADAM_SMITH), ("organization", ACME), role="chairman",
                 sentence="Adam Smith, Acme's chairman, stays."),
            fact("statement", ("speaker", JANE), ("medium", REUTERS), sentence="Roe told Reuters."),
        ])
    candy = Extraction(Document("candy", "…"), entities=[BOB, MARS],
                       facts=[fact("membership", ("member", BOB), ("organization", MARS),
                                   sentence="Bob Lee of Mars.")])
    both = Extraction(Document("both", "…", title="Bessent meets Roe"), entities=[BESSENT, JANE])
    return build_graph([trade, business, candy, both])


def two_cliques() -> rdflib.Graph:
    """Four people who all negotiate with each other; three countries that all agree; nothing between."""
    people = [Entity(f"p{i}", f"Person {i}", "Person") for i in range(4)]
    countries = [Entity(f"c{i}", f"Country {i}", "Country") for i in range(3)]
    talks = fact("negotiation", *(("participant", p) for p in people), sentence="They all talked.")
    deal = fact("agreement", *(("participant", c) for c in countries), sentence="They all agreed.")
    extra = fact("negotiation", ("participant", people[0]), ("participant", people[1]),
                 sentence="Two met again.")
    return build_graph([Extraction(Document("a", "…"), entities=people, facts=[talks, extra]),
                        Extraction(Document("b", "…"), entities=countries, facts=[deal])])


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return trade_graph()


@pytest.fixture(scope="module")
def stats(graph):
    return graph_stats(graph, top=4)


@pytest.fixture(scope="module")
def ttl(graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analytics") / "graph.ttl"
    graph.serialize(path, format="turtle")
    return path


def kg(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def labels(path: list[PathStep]) -> list[str]:
    return [path[0].source, *(step.target for step in path)]


# --- stats ------------------------------------------------------------------------------------------------

def test_counts(stats):
    assert stats.documents == 4
    assert stats.entities == 13
    assert stats.entity_types == {"Person": 5, "Organization": 5, "Country": 2, "Place": 1}
    assert stats.fine_types == {"Person": 5, "Company": 2, "Country": 2, "NewsOrganization": 2,
                                "GovernmentBody": 1, "Place": 1}
    assert stats.facts == 10
    assert stats.relations == {"membership": 4, "tariff": 2, "statement": 2, "negotiation": 1, "urges": 1}
    assert stats.policies == 0


def test_centrality_by_degree(stats):
    # United States: urges, two tariffs, a negotiation; ties go to the most mentioned, then the label
    assert [(r.label, r.score) for r in stats.top_degree] == [
        ("United States", 4.0), ("China", 3.0), ("Jane Roe", 2.0), ("Scott Bessent", 2.0)]
    assert stats.top_degree[0].iri == "https://w3id.org/kgnews/id/united-states"
    assert stats.top_degree[0].type == "Country"


def test_centrality_by_pagerank(stats):
    # facts point into organizations: Acme Corp and Mars Inc outrank people with as many facts
    assert [r.label for r in stats.top_pagerank] == ["United States", "China", "Acme Corp", "Mars Inc"]
    assert all(a.score >= b.score for a, b in zip(stats.top_pagerank, stats.top_pagerank[1:], strict=False))


def test_components(stats):
    assert (stats.components, stats.component_sizes) == (3, [5, 4, 2])
    assert stats.isolated == 2  # Geneva and John Smith are named but in no fact


def test_top_limits_the_lists(graph):
    small = graph_stats(graph, top=1)
    assert len(small.top_degree) == len(small.top_pagerank) == len(small.component_sizes) == 1
    assert small.components == 3 and len(small.top_communities) == 1


def test_communities_of_two_disconnected_cliques():
    stats = graph_stats(two_cliques())
    assert (stats.components, stats.component_sizes, stats.isolated) == (2, [4, 3], 0)
    assert stats.communities == 2
    first, second = stats.top_communities
    assert (first.size, set(first.members)) == (4, {"Person 0", "Person 1", "Person 2", "Person 3"})
    assert first.name == "Person 0, Person 1, Person 2 (+1)"  # named by its best-connected members
    assert (second.size, second.name) == (3, "Country 0, Country 1, Country 2")


def test_communities_are_stable(graph):
    assert graph_stats(graph).top_communities == graph_stats(trade_graph()).top_communities


def test_empty_graph():
    stats = graph_stats(rdflib.Graph())
    assert (stats.documents, stats.entities, stats.facts) == (0, 0, 0)
    assert (stats.components, stats.communities) == (0, 0)
    assert stats.top_degree == stats.top_communities == []


def test_stats_as_json(stats):
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["top_degree"][0]["label"] == "United States"
    assert data["top_communities"][0]["members"]


# --- paths ------------------------------------------------------------------------------------------------

def test_path_through_facts_with_evidence(graph):
    [path] = find_paths(graph, "Scott Bessent", "China")
    assert labels(path) == ["Scott Bessent", "U.S. Department of the Treasury", "United States", "China"]
    member, urges, tariff = path
    assert (member.kind, member.relation, member.label, member.forward) == ("fact", "membership",
                                                                            "Treasury Secretary", True)
    assert member.sentence == "Treasury Secretary Scott Bessent spoke."
    assert (member.document, member.title) == ("trade", "Trade talks")
    assert (urges.relation, urges.label) == ("urges", "urges")
    # three facts join the two countries: the asserted, most confident one is shown
    assert (tariff.relation, tariff.label, tariff.more) == ("tariff", "30%", 2)
    assert tariff.sentence == "The U.S. cut tariffs on Chinese goods to 30%."


def test_path_against_the_direction_of_facts(graph):
    [path] = find_paths(graph, "china", "bessent")  # any case, aliases too
    assert labels(path) == ["China", "United States", "U.S. Department of the Treasury", "Scott Bessent"]
    assert [step.forward for step in path] == [False, False, False]


def test_symmetric_fact(graph):
    [[step]] = find_paths(graph, "Jane Roe", "Acme")
    assert step.forward and not step.symmetric
    two = find_paths(two_cliques(), "Person 0", "Person 1")
    assert [(s.relation, s.symmetric, s.more) for [s] in two] == [("negotiation", True, 1)]


def test_all_shortest_paths(graph):
    paths = find_paths(graph, "Jane Roe", "Adam Smith")
    assert [labels(p) for p in paths] == [["Jane Roe", "Acme Corp", "Adam Smith"]]
    assert [s.forward for s in paths[0]] == [True, False]


def test_path_by_iri(graph):
    [path] = find_paths(graph, "https://w3id.org/kgnews/id/fox-news", "Treasury")
    assert labels(path) == ["Fox News", "Scott Bessent", "U.S. Department of the Treasury"]


def test_co_mention_when_no_fact_connects(graph):
    [[step]] = find_paths(graph, "Scott Bessent", "Jane Roe")
    assert (step.kind, step.relation, step.label, step.sentence) == ("co-mention", None, "named with", None)
    assert (step.document, step.title) == ("both", "Bessent meets Roe")


def test_co_mention_paths_prefer_facts(graph):
    [path] = find_paths(graph, "Geneva", "Reuters")
    assert labels(path) == ["Geneva", "Scott Bessent", "Jane Roe", "Reuters"]
    assert [s.kind for s in path] == ["co-mention", "co-mention", "fact"]


def test_facts_only_never_falls_back(graph):
    assert find_paths(graph, "Scott Bessent", "Jane Roe", facts_only=True) == []


def test_max_hops(graph):
    assert find_paths(graph, "Scott Bessent", "China", max_hops=2, facts_only=True) == []
    [[step]] = find_paths(graph, "Scott Bessent", "China", max_hops=2)  # both named in "trade"
    assert step.kind == "co-mention" and step.document == "trade"


@pytest.mark.parametrize("facts_only", [True, False])
def test_no_path(graph, facts_only):
    assert find_paths(graph, "Scott Bessent", "Bob Lee", facts_only=facts_only) == []


def test_entities_in_no_fact(graph):
    assert find_paths(graph, "Geneva", "John Smith", facts_only=True) == []
    [[step]] = find_paths(graph, "Geneva", "John Smith")
    assert (step.kind, step.document) == ("co-mention", "trade")


def test_unknown_name(graph):
    with pytest.raises(KgError, match=r"no entity named 'Chna'.*did you mean 'China'"):
        find_paths(graph, "Chna", "Bessent")


def test_ambiguous_name_lists_candidates(graph):
    with pytest.raises(KgError, match=r"'Smith' names 2 entities: Adam Smith \(Person, .*adam-smith\); "
                                      r"John Smith \(Person, .*john-smith\)"):
        find_paths(graph, "Smith", "Bessent")


def test_a_label_beats_an_alias():
    g = graph_to_networkx(build_graph([Extraction(Document("d", "…"), entities=[
        Entity("georgia", "Georgia", "Country"), Entity("georgia-state", "State of Georgia", "Place",
                                                        aliases=("Georgia",))])]))
    assert resolve_entity(g, "georgia") == "https://w3id.org/kgnews/id/georgia"


def test_same_entity_twice(graph):
    with pytest.raises(KgError, match="same entity"):
        find_paths(graph, "Bessent", "scott bessent")


# --- the commands -----------------------------------------------------------------------------------------

def test_stats_command(ttl):
    result = kg("stats", ttl, "--top", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Documents:   4" in out
    assert "Entities:    13 (5 Person, 5 Organization, 2 Country, 1 Place)" in out
    assert "Facts:       10 (4 membership, 2 tariff, 2 statement, 1 negotiation, 1 urges)" in out
    assert "3 components of linked entities (largest: 5, 4, 2); 2 entities linked to no other" in out
    assert "Most connected (facts):\n   1. United States" in out
    assert "Most central (PageRank):\n   1. United States" in out
    assert ("Communities: 4 (Louvain, the 3 largest shown):\n"
            "   1. Acme Corp, Jane Roe, Adam Smith (+1)  (4 entities)") in out


def test_stats_json(ttl, stats):
    result = kg("stats", ttl, "--json", "--top", "4")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(stats.to_dict()))


def test_path_command_prints_the_chain_and_evidence(ttl):
    result = kg("path", ttl, "Scott Bessent", "Beijing")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1 shortest path of 3 hops:"
    assert lines[2] == (" 1. Scott Bessent —[member of: Treasury Secretary]→ U.S. Department of the Treasury "
                        "—[urges]→ United States —[tariff: 30%]→ China")
    assert lines[3] == "      member of: Treasury Secretary: “Treasury Secretary Scott Bessent spoke.” " \
                       "(“Trade talks”, trade)"
    assert lines[5].endswith("(“Trade talks”, trade) [+2 more facts between them]")


def test_path_command_reverse_arrows(ttl):
    result = kg("path", ttl, "China", "Treasury")
    chain = " 1. China ←[tariff: 30%]— United States ←[urges]— U.S. Department of the Treasury"
    assert chain in result.stdout


def test_path_command_marks_co_mentions(ttl):
    result = kg("path", ttl, "Bessent", "Roe")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No chain of facts joins them within 4 hops;")
    assert " 1. Scott Bessent —[named with]— Jane Roe" in result.stdout
    assert "Scott Bessent and Jane Roe: no fact, both named in document both (“Bessent meets Roe”)" \
        in result.stdout


@pytest.mark.parametrize("args, says", [
    (["Bessent", "Roe", "--facts-only"], "No chain of facts connects Bessent and Roe within 4 hops."),
    (["Bessent", "Bob Lee"], "No chain of facts or shared documents connects Bessent and Bob Lee within 4"),
    (["Bessent", "China", "--max-hops", "2", "--facts-only"], "within 2 hops"),
])
def test_path_command_without_a_path(ttl, args, says):
    result = kg("path", ttl, *args)
    assert result.exit_code == 0, result.output
    assert says in result.stdout


@pytest.mark.parametrize("args, mentioning", [
    (["path", "{ttl}", "Nobody", "China"], "Error: no entity named 'Nobody' in the graph"),
    (["path", "{ttl}", "Chna", "China"], "did you mean 'China'?"),
    (["path", "{ttl}", "Smith", "China"], "'Smith' names 2 entities: Adam Smith (Person"),
    (["path", "{ttl}", "China", "Beijing"], "the same entity"),
    (["path", "{missing}", "A", "B"], "does not exist"),
    (["stats", "{missing}"], "does not exist"),
])
def test_mistakes_are_one_error_line(ttl, tmp_path, args, mentioning):
    result = kg(*(a.format(ttl=ttl, missing=tmp_path / "nothing.ttl") for a in args))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and mentioning in line and "Traceback" not in result.stderr


def test_max_hops_must_be_positive(ttl):
    result = kg("path", ttl, "Bessent", "China", "--max-hops", "0")
    assert result.exit_code == 2 and "--max-hops" in result.stderr


# --- on a real build of the seeds -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory) -> tuple[Path, Path]:
    """One ``kg build seeds/`` into a folder and a store, for every command test below."""
    root = tmp_path_factory.mktemp("seeds")
    out, store = root / "out", root / "store"
    result = kg("build", SEEDS, "-o", out, "--store", store, "--no-view", "-q")
    assert result.exit_code == 0, result.output
    return out, store


def test_seeds_stats(seeds_build):
    out, _ = seeds_build
    result = kg("stats", out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 2
    assert data["entities"] >= 10 and data["facts"] >= 20
    assert {"membership", "tariff", "statement"} <= set(data["relations"])
    assert {r["label"] for r in data["top_degree"][:3]} & {"United States", "China"}
    assert data["components"] >= 1 and data["communities"] >= 1


def test_seeds_stats_of_the_store_match_the_folder(seeds_build):
    out, store = seeds_build
    from_folder, from_store = kg("stats", out, "--json"), kg("stats", store, "--json")
    assert from_store.exit_code == 0, from_store.output
    assert json.loads(from_store.stdout) == json.loads(from_folder.stdout)


def test_seeds_stats_text(seeds_build):
    out, _ = seeds_build
    result = kg("stats", out)
    assert result.exit_code == 0, result.output
    for heading in ("Documents:   2", "Entities:", "Facts:", "Connected:", "Most connected (facts):",
                    "Most central (PageRank):", "Communities:"):
        assert heading in result.stdout


@pytest.mark.parametrize("a, b", [("Scott Bessent", "China"), ("Xi Jinping", "Donald Trump")])
def test_seeds_path(seeds_build, a, b):
    _, store = seeds_build
    result = kg("path", store, a, b)
    assert result.exit_code == 0, result.output
    chains = [line for line in result.stdout.splitlines() if line.startswith(" 1. ")]
    assert chains and chains[0].startswith(f" 1. {a} ") and chains[0].endswith(f" {b}")
    assert "“" in result.stdout or "named in document" in result.stdout  # evidence under the chain
