"""The ``kg_statement`` component: a person or organization is quoted or reported as saying something.

The speaker is the subject of a speech verb ("Bessent said", "he noted", "the White House said it",
"Facebook released a statement", "Trump described the talks as…") or the source after "according to";
a pronoun is taken back to the nearest fitting name. The content is the quotation in the sentence, or
else the reported clause. The medium is a news organization the words were said to or on ("told Fox
News", "speaking to the BBC", "in an interview with CNN").
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..dates import resolve_date
from .base import RawFact, add_fact, antecedent, coarse, ensure_extensions, mention_index, modality, tokens_with

NAME = "kg_statement"

SPEECH_VERBS = {"say", "tell", "state", "add", "note", "describe", "mention", "acknowledge", "emphasize",
                "emphasise", "disclose", "announce", "claim", "write", "stress", "explain", "insist", "warn",
                "argue", "confirm", "indicate", "declare", "comment", "reply", "respond", "remark", "predict",
                "deny", "admit", "assert", "contend", "maintain", "suggest", "reiterate", "caution", "complain",
                "criticize", "criticise", "testify", "tweet", "post", "urge", "call", "ask", "demand", "report",
                "observe", "concede", "vow", "pledge", "promise", "threaten", "accuse", "praise", "express",
                "release", "issue", "speak"}
_NEEDS_OBJECT = {"release": ("statement", "comment", "comments", "remarks"),
                 "issue": ("statement", "statements", "warning", "comment"),
                 "express": ("hope", "concern", "confidence", "doubt", "support", "regret", "optimism")}
_QUOTE = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]{3,})[\"\u201c\u201d]")


def _medium(verb: Token, index: dict[int, Span], speaker: Span) -> Span | None:
    for t in verb.subtree:
        m = index.get(t.i)
        if m is None or m is speaker or m.label_ != "NewsOrganization":
            continue
        if t.head.i == verb.i and t.dep_ in ("dobj", "dative") or t.head.lower_ in ("to", "on", "with", "told"):
            return m
        if t.head.head.lower_ in ("interview", "to", "on") or t.head.lower_ in ("interview",):
            return m
    # "during a live interview on Fox News"
    sent = verb.sent
    for t in sent:
        m = index.get(t.i)
        if m is not None and m is not speaker and m.label_ == "NewsOrganization" and t.i > verb.i - 1:
            window = sent.doc[max(sent.start, t.i - 5):t.i].text.lower()
            if re.search(r"\b(interview|told|to|on|with)\b", window):
                return m
    return None


def _content(verb: Token) -> str:
    sent = verb.sent
    quotes = _QUOTE.findall(sent.text)
    if quotes:
        return " … ".join(q.strip() for q in quotes)
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "dobj")), None)
    if comp is not None:
        return sent.doc[comp.left_edge.i:comp.right_edge.i + 1].text.strip()
    return sent.text.strip()


@Language.component(NAME)
def find_statements(doc: Doc) -> Doc:
    """Add statement facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    ref = doc.user_data.get("kg_date")
    for verb in tokens_with(doc, SPEECH_VERBS):
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB",) or lemma not in SPEECH_VERBS:
            continue
        if lemma in _NEEDS_OBJECT and not any(c.lower_ in _NEEDS_OBJECT[lemma] for c in verb.children):
            continue
        if lemma == "call" and not any(c.lower_ in ("for", "on") or any(
                g.dep_ == "mark" and g.lower_ == "for" for g in c.children) for c in verb.children):
            continue
        if lemma in ("respond", "reply", "report", "post", "issue", "release", "add") and not (
                _QUOTE.search(verb.sent.text) or any(c.dep_ == "ccomp" for c in verb.children)
                or lemma in ("issue", "release")):
            continue  # "Beijing responded by lowering its duties" is an action, not words
        speaker = _speaker(verb, index)
        if speaker is None:
            continue
        status = modality(verb)
        if status == "Denied":
            continue
        attrs: list[tuple[str, object]] = [("content", _content(verb))]
        for ent in verb.sent.ents:
            if ent.label_ == "DATE":
                when = resolve_date(ent.text, ref)
                attrs.append(("dateText", ent.text))
                if when is not None:
                    attrs.append(("date", when))
                break
        args = [("speaker", speaker)]
        medium = _medium(verb, index, speaker)
        if medium is not None:
            args.append(("medium", medium))
        add_fact(doc, RawFact(relation="statement", args=args, sent=verb.sent, extractor=NAME, attrs=attrs,
                              confidence=0.8 if status is None else 0.5, status=status or "Asserted"))
    _according_to(doc, index)
    return doc


_SPOKESPEOPLE = {"official", "officials", "spokesman", "spokeswoman", "spokesperson", "government", "ministry",
                 "sources", "authorities", "diplomats", "diplomat", "lawmakers", "negotiators", "leaders", "media",
                 "statement", "administration", "office", "embassy", "army", "military", "police", "secretary",
                 "minister", "president", "chairman", "chief", "representative", "ambassador", "director"}


def _speaker(verb: Token, index: dict[int, Span]) -> Span | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            m = index.get(c.i)
            if m is None:
                # "Treasury Secretary, Scott Bessent, said": the person in apposition speaks
                m = next((index[t.i] for t in c.subtree if t.i in index and coarse(index[t.i]) == "Person"
                          and t.head.i == c.i and t.dep_ in ("appos", "compound")), None)
            if m is None and c.lower_ in _SPOKESPEOPLE:
                # "U.S. officials said", "China's commerce ministry said": they speak for the named body
                m = next((index[t.i] for t in c.subtree if t.i in index and t.head.i == c.i
                          and t.dep_ in ("compound", "poss", "nmod", "amod")), None)
            if m is None and c.pos_ == "PRON" and c.lower_ in ("he", "she", "it"):
                m = antecedent(c, index)
            if m is not None and coarse(m) in ("Person", "Organization", "Country"):
                return m
            return None
    # "…, reported Reuters": the subject follows the verb
    for c in verb.children:
        if c.dep_ in ("nsubj", "dobj", "npadvmod") and c.i > verb.i and c.i in index \
                and index[c.i].label_ == "NewsOrganization" and verb.lemma_ == "report":
            return index[c.i]
    # "Speaking on …, Bessent acknowledged …" is handled by the main verb; a conjoined verb shares it
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        return _speaker(verb.head, index) if verb.head.lemma_.lower() in SPEECH_VERBS else None
    return None


def _according_to(doc: Doc, index: dict[int, Span]) -> None:
    """"according to the BBC", "according to Turkey": the source is a speaker."""
    for t in tokens_with(doc, ("according",)):
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            prep = doc[t.i + 1]
            for obj in prep.children:
                m = index.get(obj.i) or next((index[x.i] for x in obj.subtree if x.i in index), None)
                if m is not None and coarse(m) in ("Person", "Organization", "Country"):
                    add_fact(doc, RawFact(relation="statement", args=[("speaker", m)], sent=t.sent, extractor=NAME,
                                          attrs=[("content", t.sent.text.strip())], confidence=0.6))
