"""Score a graph against gold annotations: precision, recall and F1 per relation and for entities.

The graph is read through the contract of ``../shared/eval/README.md``: kg's own terms by local name,
standard vocabularies by full IRI, types through ``rdfs:subClassOf`` (in the graph or in ``ontology/``).
Per document and relation, predicted facts with the same arguments form one group, and groups are paired
one to one with gold facts by a maximum-weight matching; optional gold facts and entities are neither
required nor penalized. The figures equal those of ``../shared/eval/score.py``.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .errors import KgError
from .model import COARSE_TYPES, RELATIONS
from .vocab import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, load_ontology

log = logging.getLogger(__name__)

#: Relations pooled into the headline "core F1".
CORE_RELATIONS = ("membership", "tariff", "court_ruling")

#: Attributes checked on matched facts, in the order they are reported.
ATTRIBUTES = ("role", "rate", "previous_rate")

# A node with several coarse types counts as the first of these.
_COARSE_PRECEDENCE = ("Person", "Country", "Organization", "Place")

_SCHEMA_ORGS = ("http://schema.org/", "https://schema.org/")
_NAME_PREDICATES = frozenset(
    [RDFS.label, SKOS.prefLabel, SKOS.altLabel, FOAF.name]
    + [URIRef(base + term) for base in _SCHEMA_ORGS for term in ("name", "alternateName")])
_MENTIONS = tuple(URIRef(base + "mentions") for base in _SCHEMA_ORGS)

# Which gold court actions a predicted action word may stand for.
_ACTION_FORMS = {
    "blocks": frozenset({"blocks", "block", "blocked", "blocking"}),
    "upholds": frozenset({"upholds", "uphold", "upheld", "upholding"}),
}

# Argument properties of a predicted fact, and the gold fields they answer, in key order.
_ARGUMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "membership": (("member", "person"), ("organization", "org")),
    "tariff": (("imposedBy", "imposer"), ("target", "target")),
    "restriction": (("imposedBy", "imposer"), ("target", "target")),
    "statement": (("speaker", "speaker"),),
    "urges": (("actor", "actor"), ("addressee", "addressee")),
    "court_ruling": (("court", "court"),),  # and the action, compared apart
}
_PARTY_RELATIONS = ("negotiation", "agreement")

_LOCAL_NAME = re.compile(r"[^#/:]*$")
_POSSESSIVE = re.compile(r"'s\b")
_PUNCTUATION = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"\s+")
_ARTICLE = re.compile(r"^(?:the|a|an) ")

Names = frozenset[str]
_T = TypeVar("_T")
_G = TypeVar("_G")


def normalize_name(name: object) -> str:
    """A name as compared: case, leading article, dots, possessive 's and punctuation removed."""
    text = unicodedata.normalize("NFKC", str(name)).lower().replace("\u2019", "'").replace(".", "")
    text = _PUNCTUATION.sub(" ", _POSSESSIVE.sub("", text))
    return _ARTICLE.sub("", _SPACES.sub(" ", text).strip())


def local_name(term: object) -> str:
    """The part of an IRI after its last ``#``, ``/`` or ``:``."""
    match = _LOCAL_NAME.search(str(term))
    return match[0] if match else ""


# --- results -----------------------------------------------------------------------------------------------


@dataclass
class Score:
    """One row of the table: true positives, false positives and misses, with what was missed or spurious."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0 when nothing was required."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pooled(scores: Iterable[Score]) -> Score:
    """One score of several rows: their counts added (micro average)."""
    total = Score()
    for s in scores:
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


@dataclass(frozen=True)
class EvalReport:
    """The scores of a graph against a gold folder."""

    rows: dict[str, Score]  # "entities" first when scored, then each scored relation
    relations: tuple[str, ...]
    attributes: dict[str, tuple[int, int]]  # attribute -> (right, checked), only those checked
    missing_documents: tuple[str, ...]  # gold documents the graph has no dcterms:identifier for

    @property
    def core_f1(self) -> float:
        """F1 of membership, tariff and court_ruling pooled (those scored)."""
        return pooled(self.rows[r] for r in CORE_RELATIONS if r in self.relations).f1

    @property
    def relations_f1(self) -> float:
        """F1 of all scored relations pooled."""
        return pooled(self.rows[r] for r in self.relations).f1

    @property
    def entities_f1(self) -> float | None:
        """F1 of the entities, None when they were not scored."""
        return self.rows["entities"].f1 if "entities" in self.rows else None

    def attribute_accuracy(self) -> dict[str, float]:
        """Share of matched facts whose attribute is right, per attribute checked at least once."""
        return {name: right / checked for name, (right, checked) in self.attributes.items()}

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        """The report in the JSON shape of ``score.py --json`` (figures rounded to 3 places)."""
        rows = {}
        for name, s in self.rows.items():
            row: dict[str, Any] = {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
                                   "tp": s.tp, "fp": s.fp, "fn": s.fn}
            if details:
                row.update(missed=list(s.missed), spurious=list(s.spurious))
            rows[name] = row
        entities_f1 = self.entities_f1
        return {
            "rows": rows,
            "core_f1": round(self.core_f1, 3),
            "relations_f1": round(self.relations_f1, 3),
            "entities_f1": None if entities_f1 is None else round(entities_f1, 3),
            "attributes": {k: round(v, 3) for k, v in self.attribute_accuracy().items()},
            "docs_missing_from_graph": list(self.missing_documents),
        }


def format_report(report: EvalReport, *, verbose: bool = False) -> str:
    """The report as the table ``score.py`` prints; ``verbose`` lists misses and false positives per row."""
    data = report.as_dict()
    lines = [f"{'':14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for name, row in data["rows"].items():
        lines.append(f"{name:14} {row['p']:6.3f} {row['r']:6.3f} {row['f1']:6.3f} "
                     f"{row['tp']:4} {row['fp']:4} {row['fn']:4}")
        if verbose:
            lines += [f"    missed: {x}" for x in report.rows[name].missed]
            lines += [f"    spurious: {x}" for x in report.rows[name].spurious]
    lines.append(f"attributes: {json.dumps(data['attributes'])}")
    if report.missing_documents:
        lines.append("documents not found in the graph (no dcterms:identifier): "
                     + ", ".join(report.missing_documents))
    entities = "" if data["entities_f1"] is None else f"  entities F1 {data['entities_f1']:.3f}"
    lines.append(f"core F1 {data['core_f1']:.3f}  all relations F1 {data['relations_f1']:.3f}{entities}")
    return "\n".join(lines)


# --- gold --------------------------------------------------------------------------------------------------


def load_gold(gold_dir: str | Path) -> list[dict[str, Any]]:
    """The gold annotations of a folder, one dict per ``*.json`` file, in file-name order."""
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise KgError(f"gold folder {folder} does not exist or is not a folder; give the folder of gold "
                      f"JSON files (e.g. ../shared/eval/dev/gold)")
    files = sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise KgError(f"gold folder {folder} has no .json files")
    golds = []
    for path in files:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise KgError(f"cannot read gold file {path}: {e}") from e
        if not isinstance(gold, dict) or not isinstance(gold.get("doc"), str):
            raise KgError(f"gold file {path} has no \"doc\" id; see ../shared/eval/README.md for the format")
        golds.append(gold)
    return golds


@dataclass(frozen=True)
class _GoldEntity:
    name: str
    names: Names
    type: str
    optional: bool


@dataclass(frozen=True)
class _GoldFact:
    """Gold facts of one document and relation that share their arguments."""

    key: tuple
    optional: bool  # only when every merged fact is
    facts: tuple[dict[str, Any], ...]


def _gold_entities(gold: dict[str, Any]) -> dict[str, _GoldEntity]:
    entities = {}
    for e in gold.get("entities", []):
        names = frozenset(normalize_name(n) for n in [e["name"], *e.get("aliases", [])])
        entities[e["name"]] = _GoldEntity(e["name"], names, e["type"], bool(e.get("optional")))
    return entities


def _gold_names(entities: dict[str, _GoldEntity], ref: object) -> Names | None:
    """Acceptable normalized names of a gold argument (a name or a list of names); None when left open."""
    if ref is None:
        return None
    names: set[str] = set()
    for r in ref if isinstance(ref, list) else [ref]:
        names |= entities[r].names if r in entities else {normalize_name(r)}
    return frozenset(names)


def _gold_key(relation: str, fact: dict[str, Any], entities: dict[str, _GoldEntity]) -> tuple:
    if relation in _PARTY_RELATIONS:
        parties = (_gold_names(entities, p) for p in fact.get("parties", []))
        return (tuple(p for p in parties if p is not None),)
    key = tuple(_gold_names(entities, fact.get(name)) for _, name in _ARGUMENTS[relation])
    if relation == "court_ruling":
        key += (normalize_name(fact.get("action", "")),)
    return key


def _gold_facts(relation: str, gold: dict[str, Any], entities: dict[str, _GoldEntity]) -> list[_GoldFact]:
    merged: dict[tuple, _GoldFact] = {}
    for fact in gold.get("facts", []):
        if fact.get("relation") != relation:
            continue
        key = _gold_key(relation, fact, entities)
        optional = bool(fact.get("optional"))
        if key in merged:
            before = merged[key]
            merged[key] = _GoldFact(key, before.optional and optional, (*before.facts, fact))
        else:
            merged[key] = _GoldFact(key, optional, (fact,))
    return list(merged.values())


# --- the graph, read through the contract ------------------------------------------------------------------


def _node_order(node: Node) -> tuple[str, str]:
    """A total order of nodes, so that scores and listings do not depend on how the store iterates."""
    return type(node).__name__, str(node)


class _GraphReader:
    """What the contract reads from a graph: documents, names, coarse types, facts and their arguments."""

    def __init__(self, graph: Graph, ontology: Graph) -> None:
        self.graph = graph
        self._parents: dict[Node, set[Node]] = {}
        for source in (graph, ontology):
            for cls, parent in source.subject_objects(RDFS.subClassOf):
                self._parents.setdefault(cls, set()).add(parent)
        self._class_names: dict[Node, frozenset[str]] = {}

    def class_names(self, cls: Node) -> frozenset[str]:
        """Local names of a class and all its superclasses."""
        if cls not in self._class_names:
            seen, todo = set(), [cls]
            while todo:
                c = todo.pop()
                if c not in seen:
                    seen.add(c)
                    todo.extend(self._parents.get(c, ()))
            self._class_names[cls] = frozenset(local_name(c) for c in seen)
        return self._class_names[cls]

    def type_names(self, node: Node) -> set[str]:
        """Local names of every type of a node, superclasses included."""
        names: set[str] = set()
        for cls in self.graph.objects(node, RDF.type):
            names |= self.class_names(cls)
        return names

    def coarse_type(self, node: Node) -> str | None:
        """Person, Country, Organization or Place (the first that applies), else None."""
        names = self.type_names(node)
        return next((t for t in _COARSE_PRECEDENCE if t in names), None)

    def names(self, node: Node) -> Names:
        """Normalized names of a node; a literal stands for itself."""
        found = frozenset(normalize_name(o) for p, o in self.graph.predicate_objects(node)
                          if p in _NAME_PREDICATES and isinstance(o, Literal))
        if not found and isinstance(node, Literal):
            return frozenset({normalize_name(node)})
        return found

    def values(self, node: Node, prop: str) -> list[Node]:
        """Objects of a node's properties whose local name is ``prop`` (any case)."""
        prop = prop.lower()
        return sorted((o for p, o in self.graph.predicate_objects(node) if local_name(p).lower() == prop),
                      key=_node_order)

    def argument_names(self, fact: Node, prop: str) -> Names:
        """All names of all values of one argument of a fact."""
        return frozenset(n for o in self.values(fact, prop) for n in self.names(o))

    def documents(self) -> dict[str, Node]:
        """Document nodes by their dcterms:identifier."""
        return {str(ident): node for node, ident in
                sorted(self.graph.subject_objects(DCTERMS.identifier), key=lambda pair: _node_order(pair[0]))}

    def mentioned(self, doc: Node) -> list[Node]:
        """The nodes a document mentions, each once."""
        found = (e for p in _MENTIONS for e in sorted(self.graph.objects(doc, p), key=_node_order))
        return list(dict.fromkeys(found))

    def facts(self, doc: Node, cls: str) -> list[Node]:
        """Nodes derived from a document whose type is ``cls`` (by local name) or a subclass of it."""
        derived = sorted(self.graph.subjects(PROV.wasDerivedFrom, doc), key=_node_order)
        return [f for f in derived if cls in self.type_names(f)]


def _ontology() -> Graph:
    try:
        return load_ontology()
    except (KgError, OSError) as e:
        log.warning("reading types without the ontology files (%s)", e)
        return Graph()


def _predicted_key(reader: _GraphReader, relation: str, fact: Node) -> tuple:
    """A fact's arguments as name sets: the facts of one document with the same key are one prediction."""
    if relation in _PARTY_RELATIONS:
        parties = (reader.names(o) for o in reader.values(fact, "participant"))
        # sorted by a total order, so a fact stated twice groups whatever order its participants come in
        return (tuple(sorted((p for p in parties if p), key=sorted)),)
    key = tuple(reader.argument_names(fact, prop) for prop, _ in _ARGUMENTS[relation])
    if relation == "court_ruling":
        key += (frozenset(normalize_name(local_name(o)) for o in reader.values(fact, "action")),)
    return key


def _covers_parties(gold: tuple[Names, ...], predicted: tuple[Names, ...]) -> bool:
    """Whether each gold party matches its own predicted participant."""
    if not gold:
        return True
    g = nx.Graph()
    g.add_nodes_from(("gold", i) for i in range(len(gold)))
    g.add_edges_from((("gold", i), ("pred", j)) for i, names in enumerate(gold)
                     for j, found in enumerate(predicted) if names & found)
    matching = nx.bipartite.hopcroft_karp_matching(g, top_nodes=[("gold", i) for i in range(len(gold))])
    return all(("gold", i) in matching for i in range(len(gold)))


def _fits(relation: str, predicted: tuple, gold: tuple) -> bool:
    """Whether a predicted key matches a gold key: every argument the gold states shares a name."""
    if relation in _PARTY_RELATIONS:
        return _covers_parties(gold[0], predicted[0])
    if relation == "court_ruling":
        *predicted, actions = predicted
        *gold, action = gold
        if not actions & _ACTION_FORMS.get(action, frozenset({action})):
            return False
    return all(want is None or bool(found & want) for found, want in zip(predicted, gold, strict=True))


def _match(predicted: Sequence[_T], golds: Sequence[_G], fits: Callable[[_T, _G], bool],
           optional: Callable[[_G], bool]) -> dict[int, int]:
    """Pair predictions with gold items one to one: {prediction index: gold index}.

    A required gold item weighs 2 (a match removes a miss and a false positive), an optional one 1 (it
    only saves a false positive). Every maximum-weight matching then has the same counts.
    """
    g = nx.Graph()
    for i, p in enumerate(predicted):
        for j, gold in enumerate(golds):
            if fits(p, gold):
                g.add_edge(("pred", i), ("gold", j), weight=1 if optional(gold) else 2)
    pairs = {}
    for a, b in nx.max_weight_matching(g):
        (_, i), (_, j) = (a, b) if a[0] == "pred" else (b, a)
        pairs[i] = j
    return pairs


def _count(score: Score, pairs: dict[int, int], predicted: Sequence[_T], golds: Sequence[_G],
           optional: Callable[[_G], bool], describe_predicted: Callable[[_T], str],
           describe_gold: Callable[[_G], str]) -> None:
    matched = set(pairs.values())
    for j, gold in enumerate(golds):
        if optional(gold):
            continue
        if j in matched:
            score.tp += 1
        else:
            score.fn += 1
            score.missed.append(describe_gold(gold))
    for i, p in enumerate(predicted):
        if i not in pairs:
            score.fp += 1
            score.spurious.append(describe_predicted(p))


def _first(names: Names) -> str:
    """The fullest of a node's names, for listings."""
    return min(names, key=lambda n: (-len(n), n)) if names else "?"


def _describe_key(relation: str, key: tuple) -> str:
    if relation in _PARTY_RELATIONS:
        return " + ".join(_first(p) for p in key[0]) or "?"
    return " / ".join(_first(a) if a is not None else "?" for a in key)


def _role_fits(reader: _GraphReader, fact: Node, role: str) -> bool:
    """Whether a fact's role title shares its words with the gold role (one word set within the other)."""
    want = set(normalize_name(role).split())
    for o in reader.values(fact, "role"):
        for label in reader.names(o) or {normalize_name(o)}:
            words = set(label.split())
            if label and (want <= words or words <= want):
                return True
    return False


def _number_fits(reader: _GraphReader, fact: Node, prop: str, want: object) -> bool:
    for o in reader.values(fact, prop):
        try:
            if abs(float(o) - float(want)) < 1e-6:  # type: ignore[arg-type]
                return True
        except (TypeError, ValueError):
            continue
    return False


def _check_attributes(reader: _GraphReader, relation: str, facts: list[Node], gold: _GoldFact,
                      checks: dict[str, list[bool]]) -> None:
    """Attributes of a matched prediction: right when they fit any gold fact merged under its key."""
    if relation == "membership":
        roles = [f["role"] for f in gold.facts if f.get("role")]
        if roles:
            checks["role"].append(any(_role_fits(reader, n, r) for n in facts for r in roles))
    elif relation == "tariff":
        for prop, name in (("rate", "rate"), ("previousRate", "previous_rate")):
            wants = [f[name] for f in gold.facts if f.get(name) is not None]
            if wants:
                checks[name].append(any(_number_fits(reader, n, prop, w) for n in facts for w in wants))


# --- scoring -----------------------------------------------------------------------------------------------


def check_options(*, relations: Sequence[str] | None = None, org_types: Iterable[str] | None = None
                  ) -> tuple[tuple[str, ...], frozenset[str]]:
    """The relations (all eight by default) and organization types to score; a KgError for unknown ones."""
    chosen = tuple(dict.fromkeys(relations)) if relations is not None else tuple(RELATIONS)
    unknown = [r for r in chosen if r not in RELATIONS]
    if unknown or not chosen:
        raise KgError(f"unknown relation {', '.join(unknown) or '(none given)'}; "
                      f"choose among {', '.join(RELATIONS)}")
    types = frozenset(org_types or ())
    wrong = sorted(types - set(COARSE_TYPES))
    if wrong:
        raise KgError(f"unknown organization type {', '.join(wrong)}; choose among {', '.join(COARSE_TYPES)}")
    return chosen, types


def _score_entities(reader: _GraphReader, doc: Node | None, doc_id: str, entities: dict[str, _GoldEntity],
                    score: Score) -> None:
    predicted = []
    for node in reader.mentioned(doc) if doc is not None else []:
        kind = reader.coarse_type(node)
        if kind:
            predicted.append((reader.names(node), kind, node))
    golds = list(entities.values())
    pairs = _match(predicted, golds, lambda p, g: p[1] == g.type and bool(p[0] & g.names),
                   lambda g: g.optional)
    _count(score, pairs, predicted, golds, lambda g: g.optional,
           lambda p: f"{doc_id}: {_first(p[0]) if p[0] else p[2]}", lambda g: f"{doc_id}: {g.name}")


def _score_relation(reader: _GraphReader, doc: Node | None, relation: str, gold: dict[str, Any],
                    entities: dict[str, _GoldEntity], org_types: frozenset[str], score: Score,
                    checks: dict[str, list[bool]]) -> None:
    groups: dict[tuple, list[Node]] = {}
    for fact in reader.facts(doc, RELATIONS[relation]) if doc is not None else []:
        if relation == "membership" and org_types and not any(
                reader.coarse_type(o) in org_types for o in reader.values(fact, "organization")):
            continue
        groups.setdefault(_predicted_key(reader, relation, fact), []).append(fact)
    predicted = list(groups.items())
    golds = _gold_facts(relation, gold, entities)
    pairs = _match(predicted, golds, lambda p, g: _fits(relation, p[0], g.key), lambda g: g.optional)
    doc_id = gold["doc"]
    _count(score, pairs, predicted, golds, lambda g: g.optional,
           lambda p: f"{doc_id}: {_describe_key(relation, p[0])}",
           lambda g: f"{doc_id}: {g.facts[0].get('evidence', '')[:90] or _describe_key(relation, g.key)}")
    for i, j in pairs.items():
        _check_attributes(reader, relation, predicted[i][1], golds[j], checks)


def score_graph(graph: Graph, gold_dir: str | Path, *, relations: Sequence[str] | None = None,
                entities: bool = True, org_types: Iterable[str] | None = None) -> EvalReport:
    """Score ``graph`` against the gold files of ``gold_dir`` (all eight relations unless ``relations``).

    ``entities=False`` leaves entities out (for sets whose entities are all optional); ``org_types``
    scores only memberships whose organization has one of these coarse types.
    """
    chosen, types = check_options(relations=relations, org_types=org_types)
    golds = load_gold(gold_dir)
    reader = _GraphReader(graph, _ontology())
    documents = reader.documents()
    rows: dict[str, Score] = {"entities": Score()} if entities else {}
    rows.update((r, Score()) for r in chosen)
    checks: dict[str, list[bool]] = {name: [] for name in ATTRIBUTES}
    missing = []
    for gold in golds:
        doc = documents.get(gold["doc"])
        if doc is None:
            missing.append(gold["doc"])
        known = _gold_entities(gold)
        if entities:
            _score_entities(reader, doc, gold["doc"], known, rows["entities"])
        for relation in chosen:
            _score_relation(reader, doc, relation, gold, known, types, rows[relation], checks)
    attributes = {name: (sum(v), len(v)) for name, v in checks.items() if v}
    return EvalReport(rows=rows, relations=chosen, attributes=attributes, missing_documents=tuple(missing))

