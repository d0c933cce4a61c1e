"""The ``kg_demand`` component (relation "urges"): an actor urges, calls on, asks or presses another to act.

How news states it, and what each rule reads (the fact's confidence in brackets):
- a demand verb with the addressee as object and the demand as an infinitive (0.8): "China urged the
  U.S. to revoke tariffs", "the EU called on Beijing to …", "Canada asked the WTO to rule", "I count on
  Turkey to act with restraint" ("I"/"we" in a quote is its speaker);
- the addressee as subject of the demanded clause (0.8): "called for the U.S. to withdraw these
  measures", "Germany demanded that Russia release …", "U.S. calls for Taiwan to open its market";
- the passive (0.75): "Mexico was urged by Washington to …", "items asked by Washington";
- a participle whose clause names the addressee (0.65): "brought the case before the ECJ, asking for
  clarifications of EU law";
- a demand without an addressee in its clause (0.5): the party the actor has a deficit, dispute or talks
  with in the same or the previous sentence ("Washington … pressed for more reductions as a way of
  cutting its trade deficit with Taipei"); with no such party, no fact;
- "must", "should", "need to" in reported speech, with the speaker and the one obliged both named (0.55):
  "the court said Facebook must remove the posts"; a pronoun ("They need to stand by us", "he said Japan
  must …") gives no fact.
A question ("asked whether …", "asked about …"), a speech verb without a demand, a demand of one's own
country and a denied demand ("did not urge") give no fact. Attribute: ``demand``, the infinitive clause
("revoke unilateral tariffs") or the object demanded ("more reductions").
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import (
    PARTY_KINDS,
    RawFact,
    acting_country,
    add_fact,
    coarse,
    ensure_extensions,
    fact_status,
    left_parties,
    mention_index,
    modal,
    noun_party,
    owner_party,
    party_key,
    prep_parties,
    speaker_of,
    subject_parties,
    tokens_with,
)
from .statement import SPEECH_VERBS

NAME = "kg_demand"

_VERBS = {"urge", "call", "ask", "demand", "press", "push", "count", "implore", "appeal", "request",
          "lobby", "order", "tell", "pressure", "pressurize", "exhort", "beg", "rely"}
#: Verbs whose direct object is the one urged ("urged the U.S. to …").
_OBJECT_VERBS = {"urge", "ask", "press", "push", "implore", "request", "lobby", "order", "tell", "pressure",
                 "pressurize", "exhort", "beg", "demand"}
#: Verbs that need an infinitive or "that" clause to be a demand ("told reporters" is none).
_CLAUSE_ONLY = {"tell", "order", "count", "rely", "beg"}
#: Prepositions introducing the one urged, per verb ("call on", "count on", "appeal to").
_ADDRESSEE_PREPS = {"call": ("on", "upon"), "count": ("on", "upon"), "rely": ("on", "upon"),
                    "appeal": ("to",), "demand": ("from", "of"), "request": ("from", "of"), "ask": ("of",)}
#: Verbs whose object, when it is no party, is what they demand ("demanded an apology").
_THING_VERBS = {"demand", "request", "urge"}
#: Verbs that take what they want after "for" ("pressed for more reductions").
_FOR_VERBS = {"call", "ask", "press", "push", "appeal", "lobby", "pressure"}
#: Verbs whose addressee may be read from the scene when the clause names none.
_SCENE_VERBS = {"press", "push", "ask", "call", "lobby", "pressure"}
_SPEECH = {"say", "insist", "argue", "stress", "write", "declare", "add", "warn", "tell"}
_NOUNS = {"call", "calls", "demand", "demands", "request", "requests", "appeal", "appeals", "plea", "pleas"}
#: Nouns that name who a party has a quarrel or business with ("its trade deficit with Taipei").
_RELATION_NOUNS = {"deficit", "surplus", "dispute", "imbalance", "conflict", "row", "feud", "talks",
                   "negotiations", "standoff", "war", "tensions", "friction"}
_QUESTION_WORDS = {"if", "whether", "what", "why", "how", "when", "where", "who", "which"}
_OBLIGATION = {"must", "should"}
_TRAILING_PREPS = {"after", "before", "since", "because", "amid", "despite", "following", "during"}
_FIRST_PERSON = {"i", "we"}


def _party(token: Token, index: dict[int, Span]) -> Span | None:
    """The party a subject or object names; "I"/"we" is the speaker, other pronouns are too uncertain."""
    if token.lower_ in _FIRST_PERSON:
        return speaker_of(token.sent)
    if token.pos_ == "PRON":
        return None
    return noun_party(token, index)


def _actor(verb: Token, index: dict[int, Span]) -> Span | None:
    """Who urges: the agent of a passive, the speaker for "I"/"we", else the subject."""
    for c in verb.children:
        if c.dep_ == "agent":
            for m in prep_parties(c.head, index, ("by",)):
                return m
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.dep_ == "nsubj" and subj.lower_ in _FIRST_PERSON:
        return speaker_of(verb.sent)
    if subj is not None and (subj.dep_ == "nsubjpass" or subj.lower_ in ("they", "them")):
        return None  # a passive's subject is the one urged; "they" is too often a crowd
    found = subject_parties(verb, index)
    return found[0] if found else None


def _clause(verb: Token) -> Token | None:
    """The demanded clause: an infinitive or "that"/"for" clause hanging on the verb."""
    for c in verb.children:
        if c.dep_ in ("xcomp", "advcl", "ccomp") and c.pos_ in ("VERB", "AUX"):
            marks = {x.lower_ for x in c.children if x.dep_ in ("aux", "mark")}
            if marks & _QUESTION_WORDS or any(x.tag_ in ("WRB", "WP") and x.i < c.i for x in c.children):
                return None
            if verb.lemma_ == "tell" and "to" not in marks:
                return None  # "told reporters that …" reports; "told Japan to …" demands
            if marks & {"to", "that", "for"} or c.dep_ == "ccomp" and verb.lemma_ == "demand":
                return c
    return None


def _clause_text(clause: Token) -> str:
    """The demanded action: the clause without its subject, "to", and trailing time or reason clauses."""
    doc = clause.doc
    contrast = any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in clause.children)
    skip = {t.i for c in clause.children
            if c.dep_ in ("nsubj", "mark", "aux") and c.i < clause.i or c.dep_ == "advcl" and c.i > clause.i
            or c.dep_ == "prep" and c.lower_ in _TRAILING_PREPS or c.dep_ == "conj" and contrast
            for t in c.subtree}
    ids = [t.i for t in clause.subtree if t.i not in skip and t.i >= clause.i - 3]
    start = min(i for i in ids if i <= clause.i)
    end = clause.i
    for i in sorted(ids):
        if i > end and i == end + 1:
            end = i
    while end > clause.i and (doc[end].is_punct or doc[end].is_space or doc[end].dep_ == "cc"):
        end -= 1
    return " ".join(doc[start:end + 1].text.split())


def _marked(clause: Token, words: tuple[str, ...]) -> bool:
    """Whether a clause opens with one of ``words`` ("for China to lift", "that Russia release")."""
    return any(x.dep_ in ("mark", "aux") and x.lower_ in words for x in clause.children)


def _np_text(token: Token) -> str:
    doc = token.doc
    return doc[token.left_edge.i:token.right_edge.i + 1].text


def _addressee_and_demand(verb: Token, index: dict[int, Span]) -> tuple[Span | None, str]:
    """Who is urged (None when the sentence does not say) and what: ("", …) when it is no demand."""
    lemma = verb.lemma_.lower()
    addressee: Span | None = None
    demand = ""
    clause = _clause(verb)
    passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if passive is not None:
        addressee = _party(passive, index)
    for c in verb.children:
        if addressee is None and c.dep_ in ("dobj", "dative") and lemma in _OBJECT_VERBS:
            m = _party(c, index)
            if m is not None:
                addressee = m
            elif lemma in _THING_VERBS and not demand:
                demand = _np_text(c)
        if c.dep_ == "prep":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if addressee is None and c.lower_ in _ADDRESSEE_PREPS.get(lemma, ()):
                addressee = next((m for o in objs if (m := _party(o, index)) is not None), None)
            elif c.lower_ == "for" and lemma in _FOR_VERBS:
                for o in objs:
                    m = _party(o, index)
                    # "called for the U.S. to …": the party with an infinitive on it, or on the verb,
                    # is the one urged
                    inf = next((x for x in o.children if x.dep_ in ("acl", "relcl") and
                                any(a.lower_ == "to" for a in x.children)), None)
                    if m is not None and inf is not None and addressee is None:
                        addressee, demand = m, _clause_text(inf)
                    elif m is not None and clause is not None and addressee is None:
                        addressee = m
                    elif m is None and not demand:
                        demand = _np_text(o)
    if clause is not None and clause.dep_ == "advcl" and demand and addressee is None \
            and not any(x.dep_ == "mark" and x.lower_ in ("for", "that") for x in clause.children):
        clause = None  # "pressed for deeper cuts to narrow its deficit": the infinitive is a purpose
    if clause is not None and any(c.dep_ in ("auxpass", "nsubjpass") for c in clause.children):
        return None, ""  # "urged for the Guard to be brought in": nobody named is asked to act
    if clause is not None:
        subj = next((c for c in clause.children if c.dep_ == "nsubj" and c.i < clause.i), None)
        if subj is not None:
            m = _party(subj, index)
            if m is None:
                return None, ""  # "asked that the budget be cut": no party is urged
            addressee = addressee or m
        demand = _clause_text(clause)
    elif lemma in _CLAUSE_ONLY:
        return None, ""
    return addressee, demand


def _scene_addressee(verb: Token, actor: Span, index: dict[int, Span]) -> Span | None:
    """The party the actor has a deficit, dispute or talks with, in this sentence or the one before."""
    doc = verb.doc
    sent = verb.sent
    previous = doc[sent.start - 1].sent if sent.start > 0 else None
    own = {party_key(actor)}
    country = acting_country(actor) if coarse(actor) == "Person" else None
    if country is not None:
        own.add(party_key(country))
    for scope in (sent, previous):
        if scope is None:
            continue
        for t in scope:
            if t.lemma_.lower() not in _RELATION_NOUNS and t.lower_ not in _RELATION_NOUNS:
                continue
            for m in prep_parties(t, index, ("with", "against")):
                if party_key(m) not in own:
                    return m
                owner = owner_party(t, index, exclude=own, speech_verbs=SPEECH_VERBS)
                if owner is not None and coarse(owner) == "Country":
                    return owner
    return None


def _emit(doc: Doc, verb: Token, actor: Span, addressee: Span, demand: str, confidence: float) -> None:
    status = fact_status(verb)
    if status == "Denied" or party_key(actor) == party_key(addressee):
        return
    country = acting_country(actor) if coarse(actor) == "Person" else None
    if country is not None and party_key(country) == party_key(addressee):
        return  # an official asking his own country is no demand between parties
    attrs: list[tuple[str, object]] = [("demand", demand)] if demand else []
    add_fact(doc, RawFact(relation="urges", args=[("actor", actor), ("addressee", addressee)],
                          sent=verb.sent, extractor=NAME, attrs=attrs,
                          **modal(status, confidence)))


def _from_verb(doc: Doc, verb: Token, index: dict[int, Span]) -> None:
    lemma = verb.lemma_.lower()
    if lemma == "call" and not any(c.lower_ in ("on", "upon", "for") for c in verb.children) \
            and not any(x.dep_ == "mark" and x.lower_ == "for" for c in verb.children for x in c.children):
        return  # "called it a mistake", "called the talks productive"
    actor = _actor(verb, index)
    if actor is None:
        return
    addressee, demand = _addressee_and_demand(verb, index)
    if not demand and verb.dep_ == "acl" and lemma in ("ask", "demand", "request") \
            and any(c.dep_ == "agent" for c in verb.children):
        # "60 items asked by Washington": what was asked for is the noun the participle describes
        demand = doc[verb.head.left_edge.i:verb.head.i + 1].text
    if not demand:
        return
    confidence = 0.8 if not any(c.dep_ == "nsubjpass" for c in verb.children) else 0.75
    if addressee is None and verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj"):
        # "brought the case before the ECJ, asking for clarifications"
        addressee = next(iter(prep_parties(verb.head, index, ("before", "to"))), None)
        confidence = 0.65
    if addressee is None and lemma in _SCENE_VERBS:
        addressee = _scene_addressee(verb, actor, index)
        confidence = 0.5
    if addressee is None:
        return
    # "called on Italy and Egypt to join": each one named is urged
    others = [index[c.i] for c in addressee.root.conjuncts
              if c.i in index and coarse(index[c.i]) in PARTY_KINDS]
    for one in [addressee, *others]:
        _emit(doc, verb, actor, one, demand, confidence)


def _from_noun(doc: Doc, noun: Token, index: dict[int, Span]) -> None:
    """"U.S. calls for Taiwan to open its market", "China's demand that Washington lift tariffs"."""
    actors = left_parties(noun, index) or prep_parties(noun, index, ("by", "from"))
    if not actors:
        return
    clause = next((c for c in noun.children if c.dep_ in ("advcl", "acl", "ccomp", "relcl")
                   and _marked(c, ("for", "that", "to"))), None)
    if clause is None:
        # "renewed its calls for China to lift …": the parser hangs the clause on the verb
        clause = next((c for c in noun.head.children if c.dep_ in ("advcl", "ccomp")
                       and c.left_edge.i == noun.i + 1 and _marked(c, ("for", "that"))), None)
    if clause is None:
        return
    subj = next((c for c in clause.children if c.dep_ == "nsubj" and c.i < clause.i), None)
    addressee = noun_party(subj, index) if subj is not None else None
    if addressee is None:
        addressee = next(iter(prep_parties(noun, index, ("for", "on"))), None)
    if addressee is not None:
        _emit(doc, clause, actors[0], addressee, _clause_text(clause), 0.7)


def _obligation(doc: Doc, verb: Token, index: dict[int, Span]) -> None:
    """"The court said Facebook must remove the posts": a speaker's "must" on a named party."""
    for clause in verb.children:
        if clause.dep_ != "ccomp" or clause.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.pos_ == "PRON" or subj.i not in index:
            continue
        # "should" before its subject is a condition ("Should Citicorp place the loans …")
        must = any(c.dep_ == "aux" and c.lower_ in _OBLIGATION and c.i > subj.i for c in clause.children)
        need = clause.lemma_ == "need" and any(c.dep_ == "xcomp" for c in clause.children)
        if not (must or need) or any(c.dep_ == "neg" for c in clause.children):
            continue
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if speaker is None or speaker.pos_ == "PRON":
            continue  # a "must" is weak evidence; only a named speaker carries it
        actor = _actor(verb, index)
        addressee = index[subj.i]
        if actor is None or coarse(addressee) not in PARTY_KINDS:
            continue
        target = next((c for c in clause.children if c.dep_ == "xcomp"), clause) if need else clause
        _emit(doc, verb, actor, addressee, _clause_text(target), 0.55)


@Language.component(NAME)
def find_demands(doc: Doc) -> Doc:
    """Add "urges" facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    for token in tokens_with(doc, _VERBS | _NOUNS | _SPEECH):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in _VERBS:
            _from_verb(doc, token, index)
        elif token.pos_ in ("NOUN", "PROPN") and token.lower_ in _NOUNS and token.i not in index:
            _from_noun(doc, token, index)
        if token.pos_ == "VERB" and lemma in _SPEECH:
            _obligation(doc, token, index)
    return doc
