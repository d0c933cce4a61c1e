"""The ``kg_restriction`` component: a state imposes a non-tariff measure on another party.

Measures are sanctions, bans, embargoes, export controls, blacklists and entity lists, quotas on
someone, visa and licence revocations, frozen assets, cut-off access and terrorist designations. The
imposer is a country, a government body, a legislature or an international organization; a person who
acts for a country (a membership fact in the document says so) is recorded as that country, so that
"Trump banned …" and "the U.S. banned …" name one imposer. The target is any party. How news states
it, and what each rule reads (the fact's confidence in brackets):
- a restricting verb and its object (0.8): "the U.S. sanctioned Iran's central bank", "Washington
  banned exports of chips to China", "X plans to revoke visas for Chinese students" (status Planned),
  "X was blacklisted by the Commerce Department", "added Huawei to its entity list"; with the imposer
  read further up the sentence (0.65): "Trump dealt a blow … by cutting off China's access to …";
- a measure noun (0.75): "the U.S. imposed sanctions on Iran", "U.S. sanctions on Iran", "the EU
  imposed new Russia sanctions", "sanctions levied against Japan by Washington"; its sufferer as the
  target (0.7): "Japan can avoid U.S. sanctions", "Syria is under U.S. sanctions";
- a banned party (0.6): "PKK is a banned militant organization in Turkey", "Hezbollah is banned in
  Germany";
- a terrorist designation (0.6): "Ankara designated the YPG as a terrorist organization".
Measures being lifted or eased, refused ("refused to ban") or denied give no fact; planned and
threatened ones keep four fifths of the confidence; one without a named target gives none. Attribute:
``measure``, a short phrase ("sanctions", "revoke visas for Chinese students").
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import (
    RawFact,
    acting_country,
    add_fact,
    coarse,
    ensure_extensions,
    fact_status,
    governing_verb,
    left_parties,
    mention_index,
    modal,
    noun_party,
    owner_party,
    party_key,
    phrase_parties,
    prep_parties,
    subject_parties,
    tokens_with,
)
from .statement import SPEECH_VERBS

NAME = "kg_restriction"

_NOUNS = {"sanction", "sanctions", "ban", "bans", "embargo", "embargoes", "blockade", "blacklist",
          "blacklisting", "quota", "quotas", "curb", "curbs", "restriction", "restrictions", "controls",
          "freeze"}
#: Nouns that restrict only with a word in front ("export controls", "an asset freeze").
_QUALIFIED = {"controls": {"export", "technology", "chip", "capital", "investment"},
              "freeze": {"asset", "assets"}}
#: Verbs that restrict whatever party their object names.
_VERBS = {"sanction", "ban", "bar", "embargo", "blacklist", "outlaw", "proscribe", "restrict", "curb"}
_PAPERS = {"visa", "visas", "license", "licenses", "licence", "licences", "permit", "permits"}
_FLOWS = {"exports", "imports", "shipments", "sales", "supplies"}
_OUTBOUND = _FLOWS - {"imports"}
#: Verbs that restrict only certain objects ("revoke visas", "cut off access", "freeze assets").
_OBJECT_VERBS = {"revoke": _PAPERS | {"status", "accreditation", "privileges"},
                 "suspend": _PAPERS | _FLOWS | {"flights"},
                 "cancel": _PAPERS,
                 "cut": _FLOWS | {"access", "supply", "aid", "trade"},
                 "block": _FLOWS | {"access"},
                 "halt": _FLOWS,
                 "freeze": {"assets", "funds", "accounts"}}
_DESIGNATE_VERBS = {"designate", "name", "list", "label", "brand", "classify", "declare"}
_TERROR_WORDS = {"terrorist", "terrorists", "terror", "terrorism"}
#: Participles of a banned party ("a banned militant organization", "X, outlawed in Y").
_BANNED = {"banned", "outlawed", "proscribed", "blacklisted"}
#: Verbs that end a measure named as their object ("lifted the sanctions").
_ENDING = {"lift", "ease", "remove", "end", "scrap", "drop", "waive", "relax", "withdraw", "repeal", "cancel",
           "suspend", "rescind", "revoke", "loosen", "unfreeze", "overturn"}
#: Quotas are a party's allocation ("Costa Rica's sugar quota") unless said to be on someone.
_ALLOCATIONS = {"quota", "quotas"}
#: Verbs whose subject imposes the measure they take as object ("the EU imposed new sanctions").
_IMPOSING = {"impose", "slap", "levy", "announce", "introduce", "adopt", "approve", "extend", "tighten",
             "expand", "widen", "broaden", "place", "put", "enforce", "maintain", "keep", "threaten", "plan",
             "propose", "consider", "agree", "order", "unveil", "issue", "add", "step", "renew", "reimpose",
             "apply", "hit", "weigh", "prepare", "pass", "enact", "institute", "set", "toughen", "intensify",
             "escalate", "implement", "retain", "unleash", "vote"}
#: Lists a party is put on ("added Huawei to its entity list"), and the words that make a list one.
_LISTS = {"list", "blacklist"}
_LIST_KINDS = {"entity", "sanctions", "black", "blacklist", "watch", "terror", "terrorist", "unverified"}
#: Verbs whose subject is the measure's target ("Japan can avoid U.S. sanctions").
_SUFFERING = {"avoid", "face", "escape", "evade", "fear", "risk", "circumvent", "violate", "survive", "dodge"}
_IMPOSER_ORGS = {"GovernmentBody", "Legislature", "InternationalOrganization"}
_TARGET_KINDS = ("Country", "Organization", "Person")
_TARGET_PREPS = ("on", "against", "to", "for", "from", "targeting", "of")
#: Words in front of a measure that say when or whether, not what ("pending sanctions").
_NOT_MEASURE = {"pending", "possible", "proposed", "planned", "threatened", "potential", "looming", "current",
                "existing", "such"}


def _imposer(span: Span | None) -> Span | None:
    """The state behind an imposer: a country or government body as named, a person as the country
    they act for (so "Trump banned …" and "the U.S. banned …" are one imposer); None for anyone else."""
    if span is None:
        return None
    if coarse(span) == "Country" or span.label_ in _IMPOSER_ORGS:
        return span
    return acting_country(span)


def _np_target(token: Token, index: dict[int, Span], exclude: set[str]) -> Span | None:
    """The first party named in a noun phrase: "Iran's oil sector", "imports of Japanese cars"."""
    queue = [token]
    while queue:
        t = queue.pop(0)
        m = index.get(t.i)
        if m is not None and coarse(m) in _TARGET_KINDS and party_key(m) not in exclude:
            return m
        queue.extend(c for c in t.children
                     if c.dep_ in ("poss", "compound", "amod", "nmod", "prep", "pobj", "appos", "conj"))
    return None


def _destination(heads: list[Token], index: dict[int, Span], exclude: set[str]) -> Span | None:
    """Where restricted exports were bound: "blocked exports of chipmaking tools to China"."""
    for head in heads:
        for obj in head.children:
            if obj.dep_ != "dobj" or obj.lower_ not in _OUTBOUND:
                continue
            for t in [*obj.subtree, *head.children]:
                if t.dep_ == "prep" and t.lower_ == "to":
                    for o in t.children:
                        m = _np_target(o, index, exclude) if o.dep_ == "pobj" else None
                        if m is not None:
                            return m
    return None


def _target(heads: list[Token], index: dict[int, Span], exclude: set[str], *, objects: bool) -> Span | None:
    """The first party named after "on", "against", "to", "for", "of" (or in the object) of ``heads``;
    for exports, the country they were bound for."""
    if objects:
        m = _destination(heads, index, exclude)
        if m is not None:
            return m
    for head in heads:
        for c in head.children:
            if objects and c.dep_ in ("dobj", "nsubjpass"):
                m = _np_target(c, index, exclude)
                if m is not None:
                    return m
            if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS or c.dep_ == "acl" and c.lemma_ == "target":
                for obj in c.children:
                    if obj.dep_ in ("pobj", "dobj"):
                        m = _np_target(obj, index, exclude)
                        if m is not None:
                            return m
    return None


def _phrase(tokens: list[Token]) -> str:
    """The text of tokens in order, up to the first comma or dash."""
    doc = tokens[0].doc
    ids = sorted(t.i for t in tokens)
    end = ids[0]
    for i in ids[1:]:
        if i != end + 1 or doc[i].text in (",", ";", "—", "–", "(") or doc[i].is_space:
            break
        end = i
    return " ".join(doc[ids[0]:end + 1].text.split())


def _verb_measure(verb: Token) -> str:
    """"revoke visas for Chinese students", "cut off China's access to key design software"."""
    parts = [verb.lemma_.lower()] + [c.lower_ for c in verb.children if c.dep_ == "prt"]
    words: list[Token] = []
    for c in verb.children:
        if c.dep_ == "dobj" or c.dep_ == "prep" and c.lower_ in ("for", "to") and words:
            words.extend(c.subtree)
    return " ".join(parts + ([_phrase(words)] if words else []))


def _noun_measure(noun: Token) -> str:
    """The measure noun with the words right in front of it that are not names: "trade sanctions"."""
    doc = noun.doc
    start = noun.i
    while start > 0:
        t = doc[start - 1]
        if t.dep_ not in ("compound", "amod") or t.ent_type_ or t.head.i not in range(start, noun.i + 1) \
                or t.lower_ in _NOT_MEASURE:
            break
        start -= 1
    return doc[start:noun.i + 1].text.lower()


def _emit(doc: Doc, sent: Span, imposer: Span, target: Span, measure: str, status: str | None,
          confidence: float) -> None:
    if status == "Denied" or party_key(imposer) == party_key(target):
        return
    add_fact(doc, RawFact(relation="restriction", args=[("imposedBy", imposer), ("target", target)],
                          sent=sent, extractor=NAME, attrs=[("measure", measure)] if measure else [],
                          **modal(status, confidence)))


def _verb_imposer(verb: Token, index: dict[int, Span]) -> tuple[Span | None, float]:
    """Who acts: the agent, the country "in" which a party is banned, the subject, or the owner above."""
    by = prep_parties(verb, index, ("by",))
    if by:
        return by[0], 0.8
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        within = prep_parties(verb, index, ("in",), kinds=("Country",))
        return (within[0], 0.6) if within else (None, 0.0)
    subjects = subject_parties(verb, index)
    if subjects:
        return subjects[0], 0.8
    if any(c.dep_ == "nsubj" for c in verb.children):
        return None, 0.0
    return owner_party(verb, index, speech_verbs=SPEECH_VERBS), 0.65


def _from_verb(doc: Doc, verb: Token, index: dict[int, Span]) -> None:
    lemma = verb.lemma_.lower()
    if lemma in _OBJECT_VERBS:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is None or obj.lower_ not in _OBJECT_VERBS[lemma]:
            return
        if lemma == "cut" and not any(c.dep_ == "prt" and c.lower_ == "off" for c in verb.children):
            return
    named, confidence = _verb_imposer(verb, index)
    imposer = _imposer(named)
    if imposer is None:
        return
    exclude = {party_key(imposer)} | ({party_key(named)} if named is not None else set())
    targets = []
    if lemma in _VERBS:
        for c in verb.children:
            if c.dep_ in ("dobj", "nsubjpass"):
                targets = [m for m in phrase_parties(c, index) if party_key(m) not in exclude]
    if not targets:
        t = _target([verb], index, exclude, objects=True)
        targets = [t] if t is not None else []
    status = fact_status(verb)
    for target in targets:
        _emit(doc, verb.sent, imposer, target, _verb_measure(verb), status, confidence)


def _from_designation(doc: Doc, verb: Token, index: dict[int, Span]) -> None:
    """"Ankara designated the YPG as a terrorist organization"."""
    as_terror = any((c.dep_ == "prep" and c.lower_ == "as" or c.dep_ in ("oprd", "xcomp"))
                    and any(t.lower_ in _TERROR_WORDS for t in c.subtree) for c in verb.children)
    if not as_terror:
        return
    imposer = _imposer(_verb_imposer(verb, index)[0])
    if imposer is None:
        return
    status = fact_status(verb)
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            for target in phrase_parties(c, index, kinds=_TARGET_KINDS):
                _emit(doc, verb.sent, imposer, target, "designation as terrorists", status, 0.6)


def _is_trigger_noun(token: Token, index: dict[int, Span]) -> bool:
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ not in _NOUNS or token.i in index:
        return False
    need = _QUALIFIED.get(token.lower_)
    if need is not None:
        return any(c.lower_ in need for c in token.children) or \
            token.lower_ == "controls" and any(c.dep_ == "prep" and c.lower_ == "on" for c in token.children)
    return True


def _from_noun(doc: Doc, noun: Token, index: dict[int, Span]) -> None:
    verb = governing_verb(noun)
    lemma = verb.lemma_.lower() if verb is not None else ""
    if lemma in _ENDING and noun.dep_ in ("dobj", "nsubjpass"):
        return  # "lifted the sanctions", "sanctions … should be lifted"
    front = [m for m in left_parties(noun, index) if m.label_ != "Company"]
    exclude = {party_key(m) for m in front}
    # "sanctions levied against Japan by the U.S.": the participle carries target and imposer
    participles = [c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_ in _IMPOSING]
    by = [m for head in [noun, *participles] for m in prep_parties(head, index, ("by",))]
    target = _target([noun, *participles], index, exclude | {party_key(m) for m in by}, objects=False)
    if noun.lower_ in _ALLOCATIONS:
        on_someone = any(c.dep_ == "prep" and c.lower_ in ("on", "against") for c in noun.children)
        if target is None or not on_someone:
            return
        front = []
    imposer: Span | None = by[0] if by else None
    confidence = 0.75
    under = noun.dep_ == "pobj" and noun.head.lower_ == "under" and noun.head.head == verb
    if verb is not None and (lemma in _SUFFERING and noun.dep_ == "dobj" or under):
        # "Japan can avoid U.S. sanctions", "Turkey is under EU sanctions": who avoids, faces or is
        # under them is the target
        subjects = subject_parties(verb, index)
        if front and subjects and target is None:
            imposer, target, confidence = front[0], subjects[0], 0.7
    elif imposer is None and verb is not None and lemma in _IMPOSING and (
            noun.head.i == verb.i or noun.head.lower_ == "with" and noun.head.head.i == verb.i):
        if target is None and noun.head.lower_ == "with":
            # "hit Russia with sanctions", "threatened Turkey with sanctions"
            target = _target([verb], index, exclude, objects=True)
        subjects = subject_parties(verb, index)
        if subjects:
            imposer = subjects[0]
            if target is None and front and party_key(front[0]) != party_key(imposer):
                target = front[0]  # "the EU imposed new Russia sanctions"
    if imposer is None and front and target is not None:
        imposer = front[0]  # "U.S. sanctions on Iran"
    if target is None and verb is not None and noun.head.i == verb.i:
        target = _target([verb], index, {party_key(imposer)} if imposer is not None else set(),
                         objects=False)
    imposer = _imposer(imposer)
    if imposer is None or target is None:
        return
    _emit(doc, noun.sent, imposer, target, _noun_measure(noun), fact_status(verb, trigger=noun), confidence)


def _from_banned(doc: Doc, adj: Token, index: dict[int, Span]) -> None:
    """"PKK is a banned militant organization in Turkey", "the PKK, outlawed in Turkey"."""
    noun = adj.head
    target = None
    if noun.dep_ == "attr":
        subj = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        target = noun_party(subj, index) if subj is not None else None
    elif adj.dep_ == "acl":
        target = index.get(noun.i)
    if target is None:
        return
    places = [adj, noun] + ([noun.head] if noun.dep_ == "attr" else [])
    imposers = prep_parties(adj, index, ("by",)) or [
        m for head in places for m in prep_parties(head, index, ("in",), kinds=("Country",))]
    imposer = _imposer(imposers[0]) if imposers else None
    if imposer is None:
        return
    status = fact_status(noun.head if noun.dep_ == "attr" else adj)
    _emit(doc, adj.sent, imposer, target, "ban", status, 0.6)


def _from_listing(doc: Doc, verb: Token, index: dict[int, Span]) -> None:
    """"Washington added Huawei to its entity list", "put five firms on a trade blacklist"."""
    listing = next((o for c in verb.children if c.dep_ == "prep" and c.lower_ in ("to", "on")
                    for o in c.children if o.dep_ == "pobj" and o.lower_ in _LISTS), None)
    if listing is None:
        return
    if listing.lower_ == "list" and not any(c.lower_ in _LIST_KINDS for c in listing.children):
        return
    named, confidence = _verb_imposer(verb, index)
    imposer = _imposer(named)
    if imposer is None:
        return
    status = fact_status(verb)
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            # "added Huawei and ZTE to …"; "added dozens of Chinese companies to …"
            found = phrase_parties(c, index)
            targets = found or [m for m in [_np_target(c, index, {party_key(imposer)})] if m is not None]
            for target in targets:
                _emit(doc, verb.sent, imposer, target, _noun_measure(listing), status, confidence)


@Language.component(NAME)
def find_restrictions(doc: Doc) -> Doc:
    """Add restriction facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    triggers = _BANNED | _VERBS | set(_OBJECT_VERBS) | _DESIGNATE_VERBS | {"add", "put", "place"} | _NOUNS
    for token in tokens_with(doc, triggers):
        lemma = token.lemma_.lower()
        if token.dep_ in ("amod", "acl") and token.lower_ in _BANNED:
            _from_banned(doc, token, index)
        elif token.pos_ == "VERB" and (lemma in _VERBS or lemma in _OBJECT_VERBS):
            _from_verb(doc, token, index)
        elif token.pos_ == "VERB" and lemma in _DESIGNATE_VERBS:
            _from_designation(doc, token, index)
        elif token.pos_ == "VERB" and lemma in ("add", "put", "place"):
            _from_listing(doc, token, index)
        elif _is_trigger_noun(token, index):
            _from_noun(doc, token, index)
    return doc
