"""The ``kg_tariff`` component: a country imposes, raises, cuts or keeps a tariff on another's goods.

The trigger is a tariff noun (tariff, duty, levy, import tax). The imposer is who acts on it: the
subject of the verb that governs the noun ("Washington slashed its tariff", "Reagan imposed 100 pct
tariffs", "Beijing responded by lowering its own import duties"), a country written in front of it
("U.S. tariffs"), a possessor ("Trump's tariffs") or the agent of "by" ("the imposition of tariffs by
both countries"). The target is the country whose goods are taxed ("on Chinese goods", "against Japan",
"on its semiconductor products" with "its" taken back to the country it stands for). Rates come from
"from 145 percent to 30 percent", "to 10 pct from 25 pct", "a 25% tariff", "100 pct tariffs".
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..dates import resolve_date
from .base import (
    RawFact,
    add_fact,
    antecedent,
    coarse,
    ensure_extensions,
    mention_index,
    mentions,
    modality,
    tokens_with,
)

NAME = "kg_tariff"

_TRIGGERS = {"tariff", "tariffs", "duty", "duties", "levy", "levies", "surcharge", "surcharges"}
_SET_VERBS = {"impose", "slap", "levy", "raise", "hike", "increase", "cut", "lower", "slash", "reduce", "set",
              "suspend", "keep", "maintain", "announce", "introduce", "extend", "lift", "remove", "scrap",
              "eliminate", "double", "triple", "apply", "put", "place", "threaten", "plan", "roll", "drop",
              "waive", "reinstate", "restore", "expand", "adopt", "approve", "implement", "enact", "unveil",
              "decide", "agree", "pause", "delay", "boost", "trim", "halve", "ease", "propose", "order",
              "charge", "collect", "retain", "end", "abolish", "axe", "declare", "finalize", "revise"}
_NUM = r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent|pct|percentage points?)"
_FROM_TO = re.compile(rf"from\s+{_NUM}\s+to\s+{_NUM}", re.I)
_TO_FROM = re.compile(rf"to\s+{_NUM}\s+from\s+{_NUM}", re.I)
_RATE = re.compile(_NUM, re.I)
_DURATION = re.compile(r"(\d+)[- ](day|week|month|year)s?\b", re.I)
_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_BOTH = re.compile(r"\b(both|the two)\s+(countries|nations|sides|governments|economies)\b", re.I)


def _is_trigger(token: Token) -> bool:
    if token.lower_ in _TRIGGERS and token.pos_ in ("NOUN", "PROPN"):
        # "duty" in "on duty", "duty to protect" is no tax
        if token.lower_ in ("duty", "duties") and not any(
                c.lower_ in ("import", "export", "customs", "anti-dumping", "countervailing", "punitive")
                or c.lower_ in ("on",) for c in token.children) and token.head.lower_ != "import":
            return False
        return True
    return token.lower_ == "tax" and any(c.lower_ in ("import", "export") for c in token.children)


def _country_like(m: Span | None) -> bool:
    return m is not None and coarse(m) in ("Country", "Person", "Organization")


def _governing_verb(trigger: Token) -> Token | None:
    """The verb that acts on the tariff noun, climbing through "cuts on", "round of", "by lowering"."""
    t = trigger
    for _ in range(6):
        head = t.head
        if head is t:
            return None
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in _SET_VERBS:
            return head
        if head.pos_ == "NOUN" and head.lemma_.lower() in ("imposition", "increase", "cut", "hike", "reduction",
                                                           "round", "plan", "introduction", "suspension"):
            t = head
            continue
        if t.dep_ == "relcl" or head.pos_ in ("VERB", "AUX"):
            return head if head.lemma_.lower() in _SET_VERBS else None
        t = head
    return None


def _subject(verb: Token, index: dict[int, Span]) -> Span | None:
    """Who does ``verb``: its subject, or the subject of the verbs it hangs from."""
    v: Token | None = verb
    for _ in range(4):
        if v is None:
            return None
        for c in v.children:
            if c.dep_ == "nsubj":
                m = _mention_for(c, index)
                if m is None and c.pos_ == "PRON":
                    m = antecedent(c, index)  # "the EU said it would suspend its tariffs"
                if m is not None:
                    return m
            if c.dep_ == "agent":
                for obj in c.children:
                    m = _mention_for(obj, index)
                    if m is not None:
                        return m
        # a reported clause ("X said the tariffs would be lifted") has its own subject: do not climb out
        if v.dep_ in ("xcomp", "pcomp", "advcl", "conj", "relcl") or v.head.dep_ == "prep":
            v = v.head if v.head is not v else None
            if v is not None and v.pos_ == "ADP":
                v = v.head
        else:
            # "saw Washington slash": the subject of a bare infinitive is the governing verb's object
            if v.head is v or v.head.lemma_.lower() not in ("see", "let", "make", "have", "watch", "help", "get"):
                return None
            for c in v.head.children:
                if c.dep_ in ("dobj", "nsubj") and c.i < v.i:
                    m = _mention_for(c, index)
                    if m is not None:
                        return m
            return None
    return None


def _mention_for(token: Token, index: dict[int, Span]) -> Span | None:
    m = index.get(token.i)
    if m is not None and coarse(m) in ("Country", "Person", "Organization"):
        return m
    for t in token.subtree:
        m = index.get(t.i)
        if m is not None and coarse(m) in ("Country", "Person", "Organization") and t.head.i == token.i:
            return m
    return None


def _recent_country(doc: Doc, before: int, exclude: set[str]) -> Span | None:
    """The nearest country mention before a token ("its" → the country it stands for)."""
    for m in reversed(mentions(doc)):
        if m.start < before and coarse(m) == "Country" and (m.kb_id_ or m.text) not in exclude:
            return m
    return None


def _two_countries(doc: Doc) -> list[Span]:
    counts: dict[str, list[Span]] = {}
    for m in mentions(doc):
        if coarse(m) == "Country":
            counts.setdefault(m.kb_id_ or m.text, []).append(m)
    top = sorted(counts.values(), key=len, reverse=True)[:2]
    return [ms[0] for ms in top] if len(top) == 2 else []


def _clause(trigger: Token, verb: Token | None) -> Span:
    """The words that belong to this tariff: the verb's subtree without other clauses."""
    doc = trigger.doc
    root = verb or trigger
    if verb is None and trigger.dep_ in ("nsubj", "nsubjpass") and trigger.head.pos_ in ("VERB", "AUX"):
        root = trigger.head  # "Canada's tariffs remain at 270 percent"
    tokens = [t for t in root.subtree if not (t.dep_ in ("advcl", "conj", "ccomp") and t.head is root
                                             and t.i > trigger.i and t is not trigger)]
    sub = set()
    for t in root.children:
        if t.dep_ in ("advcl", "conj", "ccomp") and t.i > trigger.i:
            sub.update(x.i for x in t.subtree)
    ids = [t.i for t in tokens if t.i not in sub]
    return doc[min(ids):max(ids) + 1]


@Language.component(NAME)
def find_tariffs(doc: Doc) -> Doc:
    """Add tariff facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    ref = doc.user_data.get("kg_date")
    done: set[int] = set()
    for trigger in tokens_with(doc, _TRIGGERS | {"tax"}):
        if not _is_trigger(trigger) or trigger.i in done:
            continue
        verb = _governing_verb(trigger)
        clause = _clause(trigger, verb)
        status = modality(verb) if verb is not None else None
        if status == "Denied":
            continue
        imposers: list[Span] = []
        # a country or person in front of the noun: "U.S. tariffs", "Trump's tariffs"
        for c in trigger.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i in index and _country_like(index[c.i]):
                imposers.append(index[c.i])
        if not imposers and verb is not None:
            m = _subject(verb, index)
            if m is not None:
                imposers.append(m)
        # "the imposition of tariffs by both countries"
        by_both = _BOTH.search(doc[trigger.i:min(len(doc), trigger.i + 6)].text)
        if not imposers and by_both:
            both = _two_countries(doc)
            if both:
                for a, b in ((both[0], both[1]), (both[1], both[0])):
                    _emit(doc, trigger, [a], [b], clause, verb, status, ref, confidence=0.5)
                continue
        if not imposers:
            for c in trigger.children:
                if c.dep_ == "prep" and c.lower_ == "by":
                    for obj in c.children:
                        m = _mention_for(obj, index)
                        if m is not None:
                            imposers.append(m)
        if not imposers:
            continue
        targets = _targets(trigger, verb, index, imposers)
        _emit(doc, trigger, imposers, targets, clause, verb, status, ref, confidence=0.8 if verb else 0.65)
        done.add(trigger.i)
    return doc


def _noun_chain(trigger: Token) -> list[Token]:
    """The tariff noun and the nouns it hangs from ("imposition of tariffs", "round of cuts")."""
    chain = [trigger]
    t = trigger
    for _ in range(3):
        if t.dep_ == "pobj" and t.head.head.pos_ == "NOUN":
            t = t.head.head
        elif t.dep_ == "compound" and t.head.pos_ == "NOUN":
            t = t.head
        else:
            break
        chain.append(t)
    return chain


def _targets(trigger: Token, verb: Token | None, index: dict[int, Span], imposers: list[Span]) -> list[Span]:
    exclude = {m.kb_id_ or m.text for m in imposers}
    heads = _noun_chain(trigger) + ([verb] if verb is not None else [])
    for h in heads:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "against", "for", "from"):
                for obj in c.children:
                    if obj.dep_ != "pobj":
                        continue
                    for t in obj.subtree:
                        m = index.get(t.i)
                        if m is not None and coarse(m) == "Country" and (m.kb_id_ or m.text) not in exclude:
                            return [m]
                        if t.lower_ == "its" and t.dep_ == "poss":
                            m = _recent_country(trigger.doc, t.i, exclude)
                            if m is not None:
                                return [m]
    # "tariffs of 10 percent on Brazilian coffee": the "on" may hang deeper in the tariff's phrase
    for t in trigger.subtree:
        if t.dep_ == "prep" and t.lower_ in ("on", "against") and t.head.i != trigger.i:
            for x in t.subtree:
                m = index.get(x.i)
                if m is not None and coarse(m) == "Country" and (m.kb_id_ or m.text) not in exclude:
                    return [m]
    return []


def _emit(doc: Doc, trigger: Token, imposers: list[Span], targets: list[Span], clause: Span,
          verb: Token | None, status: str | None, ref, *, confidence: float) -> None:
    text = clause.text
    attrs: list[tuple[str, object]] = []
    m = _FROM_TO.search(text)
    if m:
        attrs += [("previousRate", float(m[1])), ("rate", float(m[2]))]
    elif (m := _TO_FROM.search(text)):
        attrs += [("rate", float(m[1])), ("previousRate", float(m[2]))]
    else:
        # "a 25% tariff", "100 pct tariffs", "tariffs of 25 percent" — not "by 5 percent"
        for r in _RATE.finditer(text):
            before = text[max(0, r.start() - 4):r.start()].lower()
            if "by" not in before:
                attrs.append(("rate", float(r[1])))
                break
    d = _DURATION.search(text)
    if d and re.search(r"\b(for|over|during)\b", text[max(0, d.start() - 12):d.start()], re.I):
        attrs.append(("durationDays", int(d[1]) * _DAYS[d[2].lower()]))
    goods = _goods(trigger, verb)
    if goods:
        attrs.append(("goods", goods))
    for ent in trigger.sent.ents:  # the date nearest the clause
        if ent.label_ == "DATE" and ent.start >= clause.start - 8 and ent.end <= clause.end + 8:
            attrs.append(("dateText", ent.text))
            when = resolve_date(ent.text, ref)
            if when is not None:
                attrs.append(("date", when))
            break
    for imposer in imposers:
        args = [("imposedBy", imposer)] + [("target", t) for t in targets]
        add_fact(doc, RawFact(relation="tariff", args=args, sent=trigger.sent, extractor=NAME, attrs=list(attrs),
                              confidence=confidence if status is None else confidence * 0.6,
                              status=status or "Asserted"))


def _goods(trigger: Token, verb: Token | None) -> str:
    for h in _noun_chain(trigger) + ([verb] if verb is not None else []):
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ == "on":
                obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                if obj is not None:
                    span = trigger.doc[obj.left_edge.i:obj.right_edge.i + 1]
                    text = re.sub(r"\s+", " ", span.text)
                    text = re.split(r"\s+from\s+\d", text)[0]
                    return text.strip()
    return ""
