"""The ``kg_court_ruling`` component: a court blocks or upholds a policy, law or action.

The court is the subject of a ruling verb (or the agent of its passive): "a federal court blocked
most of Trump's tariffs", "the tariffs were struck down by the Court of International Trade", "an
appeals court temporarily preserved Trump's tariffs", "the Supreme Court upheld the law". The policy is
the verb's object, and its owner the object's possessor ("Trump's tariffs") or a person or country
named in it. "ruled that X was unlawful" blocks X.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import RawFact, add_fact, coarse, ensure_extensions, mention_index, modality, tokens_with

NAME = "kg_court_ruling"

_BLOCKS = {"block", "halt", "enjoin", "invalidate", "overturn", "strike", "void", "annul", "suspend", "freeze",
           "reject", "quash", "vacate", "nullify", "stop", "bar", "overrule"}
_UPHOLDS = {"uphold", "preserve", "reinstate", "affirm", "validate", "approve", "restore", "allow", "back",
            "endorse", "confirm", "permit"}
_UNLAWFUL = re.compile(r"\b(unlawful|illegal|unconstitutional|invalid|void)\b", re.I)


def _is_court(m: Span | None) -> bool:
    return m is not None and (m.label_ == "Court" or bool(re.search(r"\b(court|tribunal)\b", m.text, re.I)))


def _action(verb: Token) -> str | None:
    lemma = verb.lemma_.lower()
    if lemma == "strike" and not any(c.lower_ == "down" for c in verb.children):
        return None
    if lemma in _BLOCKS:
        return "Blocks"
    if lemma in _UPHOLDS:
        return "Upholds"
    if lemma in ("rule", "find", "declare", "hold") and _UNLAWFUL.search(verb.sent.text):
        return "Blocks"
    if lemma == "grant" and any(c.lower_ == "stay" for c in verb.subtree):
        return "Upholds"
    return None


def _court_of(verb: Token, index: dict[int, Span]) -> Span | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            for t in c.subtree:
                if _is_court(index.get(t.i)):
                    return index[t.i]
        if c.dep_ == "agent":
            for t in c.subtree:
                if _is_court(index.get(t.i)):
                    return index[t.i]
    return None


def _policy(verb: Token, index: dict[int, Span]) -> tuple[str, Span | None]:
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if obj is None:
        ccomp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if ccomp is not None:
            obj = next((c for c in ccomp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if obj is None:
        return "", None
    # "most of Trump's tariffs": the policy is what "of" points to
    if obj.lower_ in ("most", "part", "parts", "portion", "much", "some", "all", "many") or obj.pos_ == "NUM":
        inner = next((g for c in obj.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"), None)
        if inner is not None:
            obj = inner
    owner = None
    for t in obj.subtree:
        m = index.get(t.i)
        if m is not None and coarse(m) in ("Person", "Country", "Organization") and not _is_court(m):
            owner = m
            break
    words = [t for t in obj.subtree if t.dep_ not in ("det", "poss", "case") and not t.is_punct
             and (owner is None or t.i not in range(owner.start, owner.end))]
    words = [t for t in words if t.i <= obj.i or t.dep_ in ("compound", "amod")] or [obj]
    policy = " ".join(t.text for t in words).strip()
    return policy or obj.text, owner


@Language.component(NAME)
def find_court_rulings(doc: Doc) -> Doc:
    """Add court ruling facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    for verb in tokens_with(doc, _BLOCKS | _UPHOLDS | {"strike", "rule", "find", "declare", "hold", "grant"}):
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        action = _action(verb)
        if action is None:
            continue
        court = _court_of(verb, index)
        if court is None:
            continue
        status = modality(verb)
        if status == "Denied":
            continue
        policy, owner = _policy(verb, index)
        attrs: list[tuple[str, object]] = [("action", action)]
        if policy:
            attrs.append(("policy", policy))
        args = [("court", court)]
        if owner is not None:
            args.append(("policyOwner", owner))
        add_fact(doc, RawFact(relation="court_ruling", args=args, sent=verb.sent, extractor=NAME, attrs=attrs,
                              confidence=0.8 if status is None else 0.5, status=status or "Asserted"))
    return doc
