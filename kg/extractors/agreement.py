"""The ``kg_agreement`` component: parties reach, sign or keep an agreement, deal, pact, truce or accord.

How news states it, and what each rule reads (the fact's confidence in brackets):
- an agreement noun that names both sides (0.8): "a bilateral pact between X and Y", "the 1986
  U.S.-Japanese semiconductor pact", "Japan's pact with the U.S.";
- the subjects of the verb that makes it, or of "agree" (0.75): "X and Y signed a trade agreement",
  "X struck a deal with Y", "both nations agreed to a temporary truce", "X agreed with Y to cut
  tariffs", "the treaty was signed by X and Y";
- one side after "with", the other the owner further up the sentence (0.65): "X announced it had
  entered into an agreement with the government of Y", "X said an agreement had been reached with Y";
- sides named elsewhere in the phrase or its clause (0.6): "resulted in a truce in the trade conflict
  between the two largest economies";
- a bilateral agreement of one named side, the other being the document's other main country (0.5):
  "Japan's alleged violation of a bilateral pact".
"Both sides" and "the two countries" are the last two countries named (else the document's two main
ones). An agreement one party makes alone ("Pelosi agreed to support …"), an opinion ("agreed with X
that …"), a list after "with" with nobody on the other side ("reached agreements with Chile, Venezuela
and Mexico") and a denied one ("could not reach an agreement", "talks ended without a deal", "failed to
strike a deal") give no fact; a planned one keeps four fifths of the confidence. Attributes:
``agreementName`` (the noun phrase, "temporary truce on reciprocal tariffs"), ``place`` ("in Geneva")
and the date of the sentence.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import (
    add_participants_fact,
    counterpart_pair,
    date_attrs,
    ensure_extensions,
    fact_status,
    governing_verb,
    left_parties,
    mention_index,
    owner_party,
    party_key,
    phrase_parties,
    prep_parties,
    subject_parties,
    tokens_with,
    unique_parties,
)
from .statement import SPEECH_VERBS

NAME = "kg_agreement"

_NOUNS = {"agreement", "agreements", "deal", "deals", "pact", "pacts", "truce", "accord", "accords", "treaty",
          "treaties", "ceasefire", "cease-fire", "armistice", "memorandum", "compact"}
#: Verbs whose subjects are the parties of the agreement they take as object. Approving or ratifying
#: is left out: "Congress approved the deal with Mexico" makes Congress no party.
_MAKE_VERBS = {"reach", "sign", "strike", "conclude", "seal", "clinch", "ink", "enter", "negotiate",
               "finalize", "finalise", "agree", "secure", "forge", "hammer", "make", "renew", "extend",
               "have", "keep"}
#: Adjectives that make "deal" no pact ("a raw deal", "no big deal"; "a great deal of" with "of").
_NOT_A_PACT = {"big", "raw", "square"}
_QUANTITY = {"great", "good"}
_NAME_CUT_PREPS = {"with", "between", "among", "in", "after", "since", "from", "at", "by", "during",
                   "following"}


def _is_trigger_noun(token: Token, index: dict[int, Span]) -> bool:
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ not in _NOUNS or token.i in index:
        return False
    if token.lower_ == "agreement" and token.head.lower_ == "in" \
            and not any(c.dep_ == "det" for c in token.children):
        return False  # "in agreement with"
    if token.lower_ == "deal" and any(c.lower_ in _NOT_A_PACT for c in token.children):
        return False
    if token.lower_ == "deal" and any(c.lower_ in _QUANTITY for c in token.children) \
            and any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
        return False  # "a great deal of uncertainty"
    if token.lower_ == "memorandum":
        return any(t.lower_ == "understanding" for t in token.subtree)
    return True


def _outside_name(child: Token) -> bool:
    """Whether a dependent of the agreement noun stays out of its name."""
    return (child.dep_ == "prep" and child.lower_ in _NAME_CUT_PREPS
            or child.dep_ in ("relcl", "appos", "conj", "cc", "punct")
            or child.dep_ == "acl" and child.tag_ == "VBN"  # "the agreement, reached on May 12, …"
            or child.dep_ in ("det", "poss") and child.pos_ in ("DET", "PRON"))


def _name(token: Token) -> str:
    """The agreement's noun phrase without articles, possessive pronouns, parties after "with", places,
    times and clauses."""
    doc = token.doc
    drop: set[int] = set()
    for c in token.children:
        if _outside_name(c):
            drop.update(t.i for t in c.subtree)
    kept = [t.i for t in token.subtree if t.i not in drop]
    if token.dep_ == "dobj" and kept and max(kept) == token.right_edge.i:
        # "signed a border truce on landmine clearance": the parser hangs the topic on the verb
        topic = next((c for c in token.head.children if c.dep_ == "prep" and c.lower_ in ("on", "over")
                      and c.i == token.right_edge.i + 1), None)
        if topic is not None:
            kept += [t.i for t in topic.subtree
                     if not any(a.dep_ == "prep" and a.lower_ in _NAME_CUT_PREPS for a in [t, *t.ancestors]
                                if a.i > topic.i)]
    start = min(i for i in kept if i <= token.i)
    end = max(kept)
    while end > token.i and (doc[end].is_punct or doc[end].dep_ in ("cc", "det")):
        end -= 1
    return " ".join(t.text for t in doc[start:end + 1] if t.i not in drop).replace(" - ", "-")


def _nested_between(token: Token, verb: Token | None, index: dict[int, Span]) -> list[Span]:
    """Sides named elsewhere in the phrase or its clause: "a truce in the conflict between the two
    largest economies", "resulted in a truce in the trade war between X and Y"."""
    scopes = [token] + [c for c in (verb.children if verb is not None else ()) if c.dep_ == "prep"]
    for scope in scopes:
        for t in scope.subtree:
            if t.dep_ == "prep" and t.lower_ == "between" and t.head is not token:
                for obj in t.children:
                    if obj.dep_ == "pobj":
                        parties = phrase_parties(obj, index)
                        if len(parties) >= 2:
                            return parties
    return []


def _from_noun(token: Token, index: dict[int, Span]) -> tuple[list[Span], float]:
    front = left_parties(token, index)
    between = prep_parties(token, index, ("between", "among"))
    withs = prep_parties(token, index, ("with",))
    verb = governing_verb(token)
    if front and not withs and verb is not None and token.head == verb:
        withs = prep_parties(verb, index, ("with",))  # "broke its fisheries accord with South Korea"
    if len(front) >= 2 or len(between) >= 2 or front and withs:
        return unique_parties(front + between + withs), 0.8
    nested = _nested_between(token, verb, index)
    if nested:
        return nested, 0.6
    if between:
        return [], 0.0  # one side of "between" is no named party
    ongoing = verb is not None and verb.lemma_ == "negotiate" and verb.tag_ in ("VBG", "VBZ", "VBP", "VB")
    if ongoing:
        return [], 0.0  # "are negotiating a trade deal": none is reached yet
    if verb is not None and verb.lemma_.lower() in _MAKE_VERBS:
        # "the treaty was signed by Shultz and Halefoglu": the agents of a passive sign it
        subjects = subject_parties(verb, index) or [
            m for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"
            for m in phrase_parties(o, index)]
        withs = withs or prep_parties(verb, index, ("with",))
        if subjects and withs or len(subjects) >= 2 and not front:
            return unique_parties(subjects + withs), 0.75
    if withs:
        # "X entered into an agreement with Y": the other side is the owner; a list after "with"
        # alone ("reaching agreements with Chile, Venezuela and Mexico") is no agreement among them
        owner = owner_party(token, index, exclude={party_key(p) for p in withs},
                            speech_verbs=SPEECH_VERBS)
        return (unique_parties([owner, *withs]), 0.65) if owner is not None else ([], 0.0)
    if any(c.lower_ == "bilateral" for c in token.children):
        one = front[0] if front else owner_party(token, index)
        if one is not None:
            return counterpart_pair(one), 0.5
    return [], 0.0


def _from_agree(verb: Token, index: dict[int, Span]) -> tuple[list[Span], float, str]:
    """"X and Y agreed to …", "both nations agreed …", "X agreed with Y on …"."""
    if any(t.dep_ == "pobj" and _is_trigger_noun(t, index) for c in verb.children for t in c.children):
        return [], 0.0, ""  # "agreed to a truce": the noun's rule reads it, with its name
    # "agreed to cut tariffs", "agreed on a ceasefire"; "agreed that …" and a bare "agreed with X" are
    # opinions, not agreements
    what = next((c for c in verb.children if c.dep_ == "xcomp"), None)
    if what is None:
        prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "to", "upon")),
                    None)
        what = next((o for o in prep.children if o.dep_ == "pobj"), None) if prep is not None else None
    if what is None:
        return [], 0.0, ""
    parties = unique_parties(subject_parties(verb, index) + prep_parties(verb, index, ("with",)))
    if len(parties) < 2:
        return [], 0.0, ""
    name = " ".join(t.text for t in what.subtree if not (t.dep_ == "aux" and t.lower_ == "to"))
    return parties, 0.75, name


@Language.component(NAME)
def find_agreements(doc: Doc) -> Doc:
    """Add agreement facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    ref = doc.user_data.get("kg_date")
    for token in tokens_with(doc, _NOUNS | {"agree"}):
        if _is_trigger_noun(token, index):
            parties, confidence = _from_noun(token, index)
            verb = governing_verb(token)
            status = fact_status(verb, trigger=token)
            name = _name(token)
            heads = [token] + ([verb] if verb is not None else [])
        elif token.pos_ == "VERB" and token.lemma_.lower() == "agree":
            parties, confidence, name = _from_agree(token, index)
            status = fact_status(token)
            heads = [token]
        else:
            continue
        if len(parties) < 2 or status == "Denied":
            continue
        attrs: list[tuple[str, object]] = [("agreementName", name)] if name else []
        attrs += date_attrs(token.sent, ref)
        add_participants_fact(doc, "agreement", NAME, token, parties, heads, index, attrs, status, confidence)
    return doc
