"""What extractors share: the raw fact they put on the Doc and small parse helpers."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

MENTIONS_KEY = "kg_mentions"

#: Coarse type of every fine mention label.
COARSE_OF = {
    "Person": "Person",
    "Country": "Country",
    "Place": "Place",
    "Organization": "Organization",
    "GovernmentBody": "Organization",
    "Court": "Organization",
    "Legislature": "Organization",
    "NewsOrganization": "Organization",
    "PoliticalParty": "Organization",
    "Company": "Organization",
    "InternationalOrganization": "Organization",
    "ArmedGroup": "Organization",
    "EducationalInstitution": "Organization",
}


@dataclass
class RawFact:
    """A fact as an extractor finds it: argument mentions as spans, attributes as values."""

    relation: str
    args: list[tuple[str, Span]]
    sent: Span
    extractor: str
    attrs: list[tuple[str, object]] = field(default_factory=list)
    confidence: float = 0.7
    status: str = "Asserted"


def ensure_extensions() -> None:
    """Register the Doc extension that carries facts (idempotent)."""
    if not Doc.has_extension("kg_facts"):
        Doc.set_extension("kg_facts", default=None)


def add_fact(doc: Doc, fact: RawFact) -> None:
    """Append a fact to the document's list."""
    if doc._.kg_facts is None:
        doc._.kg_facts = []
    doc._.kg_facts.append(fact)


def mentions(doc: Doc) -> list[Span]:
    """The kg mentions of a document, in order."""
    return list(doc.spans[MENTIONS_KEY]) if MENTIONS_KEY in doc.spans else []


def mention_index(doc: Doc) -> dict[int, Span]:
    """Token index → the mention covering it."""
    out: dict[int, Span] = {}
    for span in mentions(doc):
        for i in range(span.start, span.end):
            out[i] = span
    return out


def coarse(span: Span) -> str:
    """Coarse type of a mention span."""
    return COARSE_OF.get(span.label_, span.label_)


def mention_of(token: Token, index: dict[int, Span]) -> Span | None:
    """The mention a token belongs to, if any."""
    return index.get(token.i)


def mentions_in(tokens: Iterable[Token], index: dict[int, Span]) -> list[Span]:
    """Distinct mentions touched by tokens, in text order."""
    seen: dict[int, Span] = {}
    for t in tokens:
        span = index.get(t.i)
        if span is not None:
            seen.setdefault(span.start, span)
    return [seen[k] for k in sorted(seen)]


def ancestors_until_verb(token: Token) -> Iterator[Token]:
    """The token's ancestors up to and including the first verb."""
    for a in token.ancestors:
        yield a
        if a.pos_ in ("VERB", "AUX"):
            return


NEGATIONS = {"not", "n't", "never", "no"}
PLAN_WORDS = {"plan", "plans", "planned", "planning", "propose", "proposed", "proposes", "consider",
              "considering", "considers", "weigh", "weighs", "weighing", "intend", "intends", "expected",
              "seek", "seeks", "prepare", "prepares", "preparing", "may", "might", "could", "would", "will",
              "should", "possible", "likely"}
THREAT_WORDS = {"threaten", "threatened", "threatens", "threatening", "warn", "warned", "warns", "vow",
                "vowed", "vows"}


def modality(verb: Token) -> str | None:
    """'Denied', 'Threatened', 'Planned' or None (asserted) for the clause around ``verb``."""
    chain = [verb, *list(verb.ancestors)[:2]]
    for v in chain:
        for c in v.children:
            if c.dep_ == "neg" or c.lower_ in NEGATIONS and c.dep_ in ("neg", "advmod", "det"):
                return "Denied"
        if v is not verb and v.pos_ not in ("VERB", "AUX"):
            break
    for v in chain:
        if v.lemma_.lower() in THREAT_WORDS or v.lower_ in THREAT_WORDS:
            return "Threatened"
        if v.lower_ in PLAN_WORDS or v.lemma_.lower() in PLAN_WORDS:
            return "Planned"
        for c in v.children:
            if c.dep_ == "aux" and c.lower_ in PLAN_WORDS:
                return "Planned"
    return None


_PRONOUN_TYPES = {"he": ("Person",), "she": ("Person",), "it": ("Organization", "Country"),
                  "they": ("Organization", "Country")}


def antecedent(token: Token, index: dict[int, Span]) -> Span | None:
    """The mention a subject pronoun stands for: the nearest earlier mention of a fitting type.

    Only mentions that were themselves subjects count for "it"/"they", since objects are rarely picked
    up again by a pronoun in news prose; "he"/"she" take the nearest person.
    """
    kinds = _PRONOUN_TYPES.get(token.lower_)
    if kinds is None:
        return None
    doc = token.doc
    quoted = _quoted_tokens(doc)
    best = fallback = None
    for span in mentions(doc):
        if span.start >= token.i:
            break
        if coarse(span) not in kinds or span.start in quoted:
            continue
        fallback = span
        if _is_subject(span):
            best = span
    if token.lower_ in ("it", "they"):
        fallback = None
        # "it" reaches back one sentence at most
        if best is not None and best.sent.start < _previous_sentence_start(token):
            best = None
    best = best or fallback
    if best is not None and token.i - best.start > 400:
        return None
    return best


def _is_subject(span: Span) -> bool:
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    # "Treasury Secretary, Scott Bessent, said": an appositive of the subject
    return root.dep_ in ("appos", "compound") and root.head.dep_ in ("nsubj", "nsubjpass")


def _previous_sentence_start(token: Token) -> int:
    sent = token.sent
    if sent.start == 0:
        return 0
    return token.doc[sent.start - 1].sent.start


def _quoted_tokens(doc: Doc) -> set[int]:
    """Token indices inside quotation marks (cached on the Doc)."""
    cached = doc.user_data.get("kg_quoted")
    if cached is not None:
        return cached
    inside = False
    out: set[int] = set()
    for t in doc:
        if t.text in ("\u201c", "\u201d", '"', "``", "''"):
            inside = t.text != "\u201d" and not inside
            continue
        if inside:
            out.add(t.i)
    doc.user_data["kg_quoted"] = out
    return out


def subject_mention(verb: Token, index: dict[int, Span], *, kinds: tuple[str, ...] = ("Person", "Organization",
                                                                                      "Country")) -> Span | None:
    """The mention that is the subject of ``verb`` (through a pronoun or a conjoined verb)."""
    v = verb
    for _ in range(3):
        for c in v.children:
            if c.dep_ in ("nsubj",):
                m = index.get(c.i)
                if m is None:
                    m = next((index[t.i] for t in c.subtree if t.i in index and index[t.i].root == t
                              and t.head == c or t.i in index and index[t.i].root == c), None)
                if m is None and c.pos_ == "PRON":
                    m = antecedent(c, index)
                if m is not None and coarse(m) in kinds:
                    return m
                return None
        if v.dep_ in ("conj", "xcomp", "advcl") and v.head is not v:
            v = v.head
        else:
            return None
    return None
