"""The ``kg_negotiation`` component: parties negotiate, hold talks, meet or speak on the phone.

How news states it, and what each rule reads (the fact's confidence in brackets):
- a talks noun that names both sides (0.8): "trade talks between the United States and China",
  "U.S.-China negotiations", "a phone call between Trump and Xi", "China's talks with the U.S.";
- a verb with coordinated subjects, or a subject and an object (0.75): "X and Y held talks", "X
  negotiated with Y", "X met Y", "X and Y spoke by phone", "X discussed trade with Y";
- a talks noun with one side after "with" and the other its owner further up the sentence (0.65):
  "Taiwan announced … before trade talks with Washington", "a Taiwan delegation … for talks with U.S.
  officials", "the United States confirmed that discussions with China stalled";
- one side only, in a document plainly about it and one other country, each named three times or more
  (0.5): "Japanese representatives … coming to discuss the issue", "negotiations led by Bessent" (the
  country the person acts for, read from the membership facts).
"Both sides" and "the two countries" are the last two countries named (else the document's two main
ones). Meeting, calling and speaking count only when one side acts for a state ("met future bandmate
Jerry Garcia" is no negotiation); a forum in front of "meeting" or "summit" is no side ("the IMF
meeting"); a news outlet spoken to is no side. Denied talks give no fact; planned ones ("will hold
talks") are kept with status Planned and four fifths of the confidence. Attributes: ``topic`` ("trade
talks" → "trade", "talks on tariffs" → "tariffs"), ``place`` ("in Geneva") and the date of the sentence.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import (
    acting_country,
    add_participants_fact,
    coarse,
    counterpart_pair,
    date_attrs,
    ensure_extensions,
    fact_status,
    governing_verb,
    is_official,
    left_parties,
    mention_index,
    noun_party,
    owner_party,
    party_key,
    prep_parties,
    subject_parties,
    tokens_with,
    unique_parties,
)
from .statement import SPEECH_VERBS

NAME = "kg_negotiation"

_NOUNS = {"talks", "negotiation", "negotiations", "discussion", "discussions", "dialogue", "meeting",
          "meetings", "summit", "consultations", "call", "conversation"}
#: Nouns that name talks only with a phone word in front ("a phone call between …").
_PHONE_NOUNS = {"call", "conversation"}
_PHONE = {"phone", "telephone", "video", "virtual"}
#: Talks a country can hold with the document's other main country without naming it.
_BILATERAL_NOUNS = {"talks", "negotiation", "negotiations", "discussions"}
#: Gatherings named after their host or forum ("the IMF meeting", "the Tokyo summit").
_FORUM_NOUNS = {"meeting", "meetings", "summit"}
_VERBS = {"negotiate", "meet", "discuss", "talk", "speak", "confer"}
#: Verbs whose subject holds the talks named by their object ("X and Y held two days of talks").
_HOLD_VERBS = {"hold", "have", "conduct", "begin", "start", "resume", "open", "launch", "continue",
               "conclude", "wrap", "finish", "enter", "join", "attend", "complete", "schedule", "plan",
               "host", "restart", "lead"}
_NOT_PARTIES = {"NewsOrganization"}
#: Prepositions that set a clause beside talks ("agreed … after talks", "met during the summit").
_AROUND = {"after", "following", "during", "at", "in", "before"}


def _is_trigger_noun(token: Token, index: dict[int, Span]) -> bool:
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ not in _NOUNS or token.i in index:
        return False
    if token.lower_ in _PHONE_NOUNS:
        return any(c.lower_ in _PHONE for c in token.children)
    if token.lower_ == "talks":
        return token.tag_ in ("NNS", "NNPS") or token.pos_ == "NOUN"
    return True


def _text_without_parties(token: Token) -> str:
    """A phrase without the parties it names after "with" or "between"."""
    drop = {t.i for c in token.subtree if c.dep_ == "prep" and c.lower_ in ("with", "between", "among")
            for t in c.subtree}
    text = "".join(t.text_with_ws for t in token.subtree if t.i not in drop)
    return " ".join(text.split()).rstrip(" ,")


def _topic(head: Token, index: dict[int, Span]) -> str:
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "about", "over", "regarding"):
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is not None and obj.ent_type_ not in ("DATE", "TIME") and obj.lower_ not in _PHONE:
                return _text_without_parties(obj)
        if c.dep_ == "dobj" and head.pos_ == "VERB" and head.lemma_ == "discuss" and c.i not in index:
            return _text_without_parties(c)
    words = [c.lower_ for c in head.children
             if c.dep_ in ("compound", "amod") and c.i not in index and c.pos_ in ("NOUN", "PROPN")
             and c.lower_ not in _PHONE and c.ent_type_ not in ("DATE", "TIME", "CARDINAL")]
    return " ".join(words)


def _usable(parties: list[Span]) -> list[Span]:
    return unique_parties(p for p in parties if p.label_ not in _NOT_PARTIES)


def _one_sided(party: Span) -> tuple[list[Span], float]:
    """A country (or its officials) in talks with nobody named: the document's other main country, when
    the document is plainly about the two (each named three times or more)."""
    if coarse(party) != "Country":
        return [], 0.0
    return counterpart_pair(party, least=3), 0.5


def _stated_counterpart(token: Token) -> bool:
    """Whether "with"/"between" names someone, party or not ("negotiating with New York bankers")."""
    return any(c.dep_ == "prep" and c.lower_ in ("with", "between", "among") for c in token.children)


def _from_noun(token: Token, index: dict[int, Span]) -> tuple[list[Span], float]:
    front = left_parties(token, index)
    if token.lower_ in _FORUM_NOUNS:
        # "the IMF meeting", "the Tokyo summit": an organization or city in front is the forum
        front = [m for m in front if coarse(m) == "Person"]
    front = _usable(front)
    between = _usable(prep_parties(token, index, ("between", "among")))
    withs = _usable(prep_parties(token, index, ("with",)))
    if len(front) >= 2 or len(between) >= 2 or front and withs:
        return unique_parties(front + between + withs), 0.8
    if between:
        return [], 0.0  # "between mining companies and the union": the other side is no party
    verb = governing_verb(token)
    single: list[Span] = []
    if not withs and verb is not None and verb.lemma_.lower() in _HOLD_VERBS:
        subjects = _usable(subject_parties(verb, index))
        others = _usable(prep_parties(verb, index, ("with",)))
        if subjects and others or len(subjects) >= 2:
            return unique_parties(subjects + others), 0.75
        single = subjects
    outer = token
    while outer.head.lower_ == "of" and outer.head.head.pos_ == "NOUN":
        outer = outer.head.head  # "two days of talks", "a new round of talks"
    if not withs and verb is not None and outer.head.dep_ == "prep" and outer.head.lower_ in _AROUND \
            and outer.head.head == verb:
        # "X and Y agreed … after two days of talks": coordinated subjects are the sides
        subjects = _usable(subject_parties(verb, index))
        if len(subjects) >= 2:
            return subjects, 0.65
    if withs:
        # "X … before trade talks with Y": the other side is the owner; a list after "with" alone
        # ("talks with the U.S., Japan and the EC") says nothing of who talks with them
        owner = owner_party(token, index, exclude={party_key(p) for p in withs},
                            speech_verbs=SPEECH_VERBS)
        if owner is not None and owner.label_ not in _NOT_PARTIES:
            return unique_parties([owner, *withs]), 0.65
        return [], 0.0
    # "negotiations led by Bessent": the country the person acts for, and the other main country
    for c in token.children:
        if c.dep_ == "acl" and c.lemma_ in ("lead", "head", "conduct"):
            for leader in prep_parties(c, index, ("by",)):
                country = acting_country(leader)
                pair = counterpart_pair(country) if country is not None else []
                if pair:
                    return pair, 0.5
    if len(single) == 1 and token.lower_ in _BILATERAL_NOUNS and not _stated_counterpart(token) \
            and not (verb is not None and _stated_counterpart(verb)):
        return _one_sided(single[0])
    return [], 0.0


def _from_verb(verb: Token, index: dict[int, Span]) -> tuple[list[Span], float]:
    lemma = verb.lemma_.lower()
    subjects = _usable(subject_parties(verb, index))
    preps = ("with", "to") if lemma in ("talk", "speak") else ("with",)
    objects: list[Span] = _usable(prep_parties(verb, index, preps))
    if lemma == "meet":
        for c in verb.children:
            if c.dep_ == "dobj":
                m = noun_party(c, index)
                if m is not None:
                    objects.append(m)
    if lemma in ("talk", "speak"):
        phone = any(t.lower_ in _PHONE for t in verb.subtree)
        objects = [o for o in objects if coarse(o) in ("Person", "Country") or o.label_ == "GovernmentBody"]
        if not phone and not objects:
            return [], 0.0
    parties = unique_parties(subjects + objects)
    if len(parties) >= 2:
        # "met future bandmate Jerry Garcia", "spoke to the victim's family": no state, no talks
        return (parties, 0.75) if any(is_official(p) for p in parties) else ([], 0.0)
    if len(parties) == 1 and lemma in ("discuss", "negotiate") and not _stated_counterpart(verb):
        return _one_sided(parties[0])
    return [], 0.0


@Language.component(NAME)
def find_negotiations(doc: Doc) -> Doc:
    """Add negotiation facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    ref = doc.user_data.get("kg_date")
    for token in tokens_with(doc, _NOUNS | _VERBS):
        if _is_trigger_noun(token, index):
            parties, confidence = _from_noun(token, index)
            verb = governing_verb(token)
            status = fact_status(verb, trigger=token)
            heads = [token] + ([verb] if verb is not None else [])
        elif token.pos_ == "VERB" and token.lemma_.lower() in _VERBS:
            parties, confidence = _from_verb(token, index)
            status = fact_status(token)
            heads = [token]
        else:
            continue
        if len(parties) < 2 or status == "Denied":
            continue
        if token.lower_ in _FORUM_NOUNS | _PHONE_NOUNS and not any(is_official(p) for p in parties):
            continue
        attrs: list[tuple[str, object]] = []
        topic = _topic(token, index)
        if topic:
            attrs.append(("topic", topic))
        attrs += date_attrs(token.sent, ref)
        add_participants_fact(doc, "negotiation", NAME, token, parties, heads, index, attrs, status, confidence)
    return doc
