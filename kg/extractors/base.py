"""What extractors share: the raw fact they put on the Doc and small parse helpers."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, LOWER, POS
from spacy.parts_of_speech import NAMES as _POS_NAMES
from spacy.tokens import Doc, Span, Token

MENTIONS_KEY = "kg_mentions"
#: Where ``kg_mentions`` leaves ``doc.text`` for later components (``Doc.text`` walks every token).
TEXT_KEY = "kg_text"

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


#: Lower-case strings of the lemma and word hashes seen, so a Doc's table is built without Tokens.
_LOWERED: dict[int, str] = {}
_TABLE_KEY = "kg_token_table"


def token_table(doc: Doc) -> dict[str, list[int]]:
    """Indices of a Doc's tokens by lower-case form, by lower-case lemma, and by ``#POS`` (``"#PROPN"``),
    made once per Doc from its arrays. Extractors look their trigger words up here instead of making a
    Token of every word of the text in every component (which was most of their time)."""
    table = doc.user_data.get(_TABLE_KEY)
    if table is not None:
        return table
    if len(_LOWERED) > 500_000:  # a long build meets many words; the cache stays bounded
        _LOWERED.clear()
    strings = doc.vocab.strings
    table = {}
    for i, (lower, lemma, pos) in enumerate(doc.to_array([LOWER, LEMMA, POS]).tolist()):
        low = _LOWERED.get(lower)
        if low is None:
            low = _LOWERED[lower] = strings[lower].lower()
        table.setdefault(low, []).append(i)
        lem = _LOWERED.get(lemma)
        if lem is None:
            lem = _LOWERED[lemma] = strings[lemma].lower() if lemma else ""
        if lem != low and lem:
            table.setdefault(lem, []).append(i)
        table.setdefault("#" + _POS_NAMES.get(pos, ""), []).append(i)
    doc.user_data[_TABLE_KEY] = table
    return table


def tokens_with(doc: Doc, words: Iterable[str]) -> list[Token]:
    """The tokens, in order, whose lower-case form or lemma is one of ``words`` (or whose part of speech
    is, for a word written ``#PROPN``): every token an extractor's trigger test could accept."""
    table = token_table(doc)
    hits: set[int] = set()
    for word in words:
        hits.update(table.get(word, ()))
    return [doc[i] for i in sorted(hits)]


def _mention_cache(doc: Doc) -> tuple[list[Span], dict[int, Span]]:
    cached = doc.user_data.get("kg_mention_cache")
    if cached is None:
        spans = list(doc.spans[MENTIONS_KEY]) if MENTIONS_KEY in doc.spans else []
        index: dict[int, Span] = {}
        for span in spans:
            for i in range(span.start, span.end):
                index[i] = span
        cached = (spans, index)
        doc.user_data["kg_mention_cache"] = cached
    return cached


def mentions(doc: Doc) -> list[Span]:
    """The kg mentions of a document, in order (computed once per Doc)."""
    return _mention_cache(doc)[0]


def mention_index(doc: Doc) -> dict[int, Span]:
    """Token index → the mention covering it (computed once per Doc)."""
    return _mention_cache(doc)[1]


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
    # a conjunct does not share its head's negation: "was not satisfied … and pressed for more"
    chain = [verb, *list(verb.ancestors)[:2]]
    for v in chain[:1] if verb.dep_ == "conj" else chain:
        for c in v.children:
            if c.dep_ == "neg" or c.lower_ in NEGATIONS and c.dep_ in ("neg", "advmod", "det"):
                return "Denied"
        if v is not verb and v.lemma_.lower() in ("refuse", "fail", "decline", "reject"):
            return "Denied"  # "refused to impose", "failed to reach"
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


_QUOTES = ("\u201c", "\u201d", '"', "``", "''")


def _quoted_tokens(doc: Doc) -> set[int]:
    """Token indices inside quotation marks (cached on the Doc)."""
    cached = doc.user_data.get("kg_quoted")
    if cached is not None:
        return cached
    inside = False
    out: set[int] = set()
    marks = [t.i for t in tokens_with(doc, _QUOTES) if t.text in _QUOTES]
    for k, i in enumerate(marks):
        inside = doc[i].text != "\u201d" and not inside
        if inside:
            out.update(range(i + 1, marks[k + 1] if k + 1 < len(marks) else len(doc)))
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


# Helpers shared by the negotiation, agreement, demand and restriction extractors.

PARTY_KINDS = ("Person", "Organization", "Country")

#: Nouns for people or bodies acting for a party: "U.S. officials", "a Taiwan delegation", "the
#: government of Syria". A party is read through them, never through an arbitrary noun ("China's demands").
GROUP_HEADS = {
    "official", "officials", "delegation", "delegations", "representative", "representatives", "negotiator",
    "negotiators", "government", "governments", "administration", "authorities", "leader", "leaders",
    "leadership", "counterpart", "counterparts", "envoy", "envoys", "team", "side", "minister", "ministers",
    "diplomat", "diplomats", "president", "ministry", "regime", "cabinet", "spokesman", "spokeswoman",
    "spokesperson",
}

#: Verbs whose object does what the infinitive after it says ("urged China to ban …").
_OBJECT_CONTROL = {"urge", "ask", "call", "press", "push", "tell", "order", "force", "persuade",
                   "encourage", "invite", "pressure", "lobby", "appeal", "count", "rely", "want", "expect",
                   "require", "implore", "instruct", "direct", "authorize", "allow", "permit", "compel",
                   "convince", "prompt"}
#: Passive verbs whose subject is the subject of the infinitive after them ("X is expected to sign").
_RAISING = {"expect", "set", "schedule", "due", "slate", "say", "believe", "report", "suppose", "poise",
            "likely"}
_REFUSALS = {"refuse", "decline", "reject", "fail", "deny", "oppose", "resist", "abandon", "scrap"}
_PLAN_ADJECTIVES = {"proposed", "planned", "possible", "potential", "prospective", "future", "pending",
                    "looming"}
_PAIR_NOUNS = {"side", "sides", "country", "countries", "nation", "nations", "government", "governments",
               "economy", "economies", "power", "powers", "leader", "leaders", "capitals", "neighbours",
               "neighbors"}
_POSSESSIVE_PRONOUNS = {"its": ("Organization", "Country"), "their": ("Organization", "Country"),
                        "his": ("Person",), "her": ("Person",)}


def _plan_or_threat(chain: list[Token]) -> str | None:
    for v in chain:
        if v.lemma_.lower() in THREAT_WORDS or v.lower_ in THREAT_WORDS:
            return "Threatened"
        if v.lower_ in PLAN_WORDS or v.lemma_.lower() in PLAN_WORDS:
            return "Planned"
        if any(c.dep_ == "aux" and c.lower_ in PLAN_WORDS for c in v.children):
            return "Planned"
    return None


def governing_verb(token: Token) -> Token | None:
    """The nearest verb (or auxiliary) above ``token`` in the parse."""
    for a in token.ancestors:
        if a.pos_ in ("VERB", "AUX"):
            return a
    return None


#: A fact stated as planned or threatened (a ``fact_status``) keeps this share of its confidence.
MODAL_SHARE = 0.8


def modal(status: str | None, confidence: float) -> dict[str, object]:
    """``RawFact``'s status and confidence for a fact whose ``fact_status`` is ``status``: asserted at
    its confidence, or planned/threatened at ``MODAL_SHARE`` of it."""
    return {"status": status or "Asserted",
            "confidence": confidence if status is None else round(confidence * MODAL_SHARE, 3)}


def fact_status(verb: Token | None, *, trigger: Token | None = None) -> str | None:
    """``modality`` for a fact read from ``verb`` and/or a trigger noun, with three refinements.

    A coordinated verb keeps its own polarity ("was not satisfied and pressed for more"); refusal and
    failure deny ("refused to ban", "failed to reach a deal"); a trigger noun is denied by "no"/"without"
    ("no agreement was reached") and planned or threatened by its adjective ("proposed sanctions").
    """
    if trigger is not None:
        if any(c.dep_ in ("det", "neg") and c.lower_ in ("no", "not") for c in trigger.children) \
                or trigger.head.lower_ == "without":
            return "Denied"
        for c in trigger.children:
            if c.dep_ == "amod" and (c.lower_ in THREAT_WORDS or c.lemma_.lower() in THREAT_WORDS):
                return "Threatened"
            if c.dep_ == "amod" and c.lower_ in _PLAN_ADJECTIVES:
                return "Planned"
    if verb is None:
        return None
    if verb.lemma_.lower() in _REFUSALS or \
            verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_.lower() in _REFUSALS:
        return "Denied"
    if verb.dep_ == "conj":
        if any(c.dep_ == "neg" or c.lower_ in NEGATIONS and c.dep_ == "advmod" for c in verb.children):
            return "Denied"
        status = modality(verb)
        if status == "Denied":
            # the negation belongs to the coordinated head, not to this verb
            return _plan_or_threat([verb, *list(verb.ancestors)[:2]])
        return status
    return modality(verb)


def pronoun_party(token: Token) -> Span | None:
    """The mention a possessive or subject pronoun stands for ("its market", "their talks", "he")."""
    kinds = _POSSESSIVE_PRONOUNS.get(token.lower_) or _PRONOUN_TYPES.get(token.lower_)
    if kinds is None:
        return None
    best = None
    for span in mentions(token.doc):
        if span.start >= token.i:
            break
        if coarse(span) in kinds and (kinds == ("Person",) or span.root.dep_ in ("nsubj", "nsubjpass")):
            best = span
    return best if best is not None and token.i - best.start <= 400 else None


def party_of(token: Token, index: dict[int, Span], *, kinds: tuple[str, ...] = PARTY_KINDS,
             groups_only: bool = True) -> Span | None:
    """The party a noun phrase names: the name itself, a name in front of a group noun ("U.S. officials",
    "China's commerce ministry", "Japanese government representatives"), or "the government of Syria".

    With ``groups_only`` the head must be a name or a group noun (``GROUP_HEADS``), so "China's demands"
    names no party; without it any head will do ("China's access").
    """
    m = index.get(token.i)
    if m is not None:
        return m if coarse(m) in kinds else None
    if token.lower_ in _POSSESSIVE_PRONOUNS or token.lower_ in _PRONOUN_TYPES:
        m = pronoun_party(token)
        return m if m is not None and coarse(m) in kinds else None
    if groups_only and token.lower_ not in GROUP_HEADS:
        return None
    todo = [c for c in token.children
            if c.dep_ in ("compound", "amod", "poss", "nmod", "npadvmod") and c.i < token.i]
    pronouns = []
    for c in todo:
        m = index.get(c.i)
        if m is None and c.lower_ in _POSSESSIVE_PRONOUNS and c.dep_ == "poss":
            pronouns.append(c)  # a name in front wins over "their" ("their American counterparts")
        if m is not None and coarse(m) in kinds:
            return m
        # "Japanese government representatives": the name sits on a noun in front of the head
        if c.pos_ in ("NOUN", "PROPN"):
            todo.extend(x for x in c.children if x.dep_ in ("compound", "amod", "poss"))
    for c in pronouns:
        m = pronoun_party(c)
        if m is not None and coarse(m) in kinds:
            return m
    if token.lower_ in GROUP_HEADS:
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from", "for"):  # "a spokesman for the ministry"
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        return party_of(obj, index, kinds=kinds)
    return None


def conjuncts(token: Token) -> list[Token]:
    """A token and the tokens coordinated with it ("the United States and China")."""
    return [token, *token.conjuncts]


def is_pair_phrase(token: Token) -> bool:
    """"both sides", "the two countries", "the two largest global economies"."""
    if token.lower_ not in _PAIR_NOUNS:
        return False
    return any(c.lower_ == "both" and c.dep_ in ("det", "predet", "preconj", "amod") or
               c.lower_ in ("two", "2") and c.dep_ == "nummod" for c in token.children)


def main_countries(doc: Doc, *, least: int = 2) -> list[Span]:
    """The two countries a document mentions most (their first mentions), when both are mentioned at
    least ``least`` times; else []. "Both sides" and "the two countries" refer to them."""
    counts: dict[str, list[Span]] = {}
    for m in mentions(doc):
        if coarse(m) == "Country":
            counts.setdefault(m.kb_id_ or m.text, []).append(m)
    top = sorted(counts.values(), key=lambda ms: (-len(ms), ms[0].start))[:2]
    if len(top) < 2 or len(top[1]) < least:
        return []
    return [top[0][0], top[1][0]]


def pair_referents(token: Token) -> list[Span]:
    """What "both sides" or "the two countries" refers to: the last two countries named before it (in
    its sentence and the two before), else the document's two main countries."""
    doc = token.doc
    start = token.sent.start
    for _ in range(2):
        if start > 0:
            start = doc[start - 1].sent.start
    seen: dict[str, Span] = {}
    for m in reversed(mentions(doc)):
        if start <= m.start < token.i and coarse(m) == "Country":
            seen.setdefault(party_key(m), m)
            if len(seen) == 2:
                return sorted(seen.values(), key=lambda x: x.start)
    return main_countries(doc)


def party_key(span: Span) -> str:
    """What makes two mentions the same party within a document ("Xuto" is "Manaspas Xuto of Thailand")."""
    if span.kb_id_:
        return span.kb_id_
    if coarse(span) == "Person":
        surname = span[-1].lower_
        for t in span:
            if t.is_lower:  # "Manaspas Xuto of Thailand": the name ends before "of"
                break
            if t.is_alpha:
                surname = t.lower_
        return "person:" + surname
    return span.text.lower()


def date_attrs(span: Span, ref) -> list[tuple[str, object]]:
    """``dateText`` and ``date`` from the first date phrase of ``span`` (resolved against ``ref``)."""
    from ..dates import resolve_date

    for ent in span.ents:
        if ent.label_ == "DATE":
            when = resolve_date(ent.text, ref)
            return [("dateText", ent.text)] + ([("date", when)] if when is not None else [])
    return []


def speaker_of(sent: Span) -> Span | None:
    """Who the statement extractor found speaking in ``sent`` (for "I"/"we" inside a quote)."""
    for fact in sent.doc._.kg_facts or []:
        if fact.relation == "statement" and fact.sent.start == sent.start:
            return next((span for name, span in fact.args if name == "speaker"), None)
    return None


_STATE_BODIES = ("GovernmentBody", "Legislature", "InternationalOrganization")


def is_official(span: Span) -> bool:
    """Whether a party acts for a state: a country, a government body, legislature or international
    organization, or a person the membership facts place in one."""
    if coarse(span) == "Country" or span.label_ in _STATE_BODIES:
        return True
    return coarse(span) == "Person" and acting_country(span) is not None


def acting_country(person: Span) -> Span | None:
    """The country a person acts for, from the document's membership facts: a country named as the
    organization, or the country of a government body in the gazetteer. Returns a mention of it."""
    from .. import gazetteer

    doc = person.doc
    surname = person[-1].lower_
    for fact in doc._.kg_facts or []:
        if fact.relation != "membership":
            continue
        member = next((s for n, s in fact.args if n == "member"), None)
        org = next((s for n, s in fact.args if n == "organization"), None)
        if member is None or org is None or member[-1].lower_ != surname:
            continue
        if coarse(org) == "Country":
            return org
        record = gazetteer.lookup_org(org.kb_id_ or org.text)
        country = gazetteer.country_by_iso(record.country) if record is not None and record.country else None
        if country is not None:
            return next((m for m in mentions(doc) if m.kb_id_ == country.name), None)
    return None


def noun_party(token: Token, index: dict[int, Span], *,
               kinds: tuple[str, ...] = PARTY_KINDS) -> Span | None:
    """The party a subject or object token names: itself, its appositive name ("Vice Premier He
    Lifeng"), a relative pronoun's antecedent ("representatives who …"), or a group noun's party."""
    m = index.get(token.i)
    if m is not None:
        return m if coarse(m) in kinds else None
    for c in token.children:
        if c.dep_ == "appos" and c.i in index and coarse(index[c.i]) in kinds:
            return index[c.i]
    if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        return noun_party(token.head.head, index, kinds=kinds)
    if token.pos_ == "PRON":
        m = pronoun_party(token)
        return m if m is not None and coarse(m) in kinds else None
    return party_of(token, index, kinds=kinds)


def phrase_parties(token: Token, index: dict[int, Span], *,
                   kinds: tuple[str, ...] = PARTY_KINDS) -> list[Span]:
    """The parties a (coordinated) noun phrase names; "both sides" and "the two countries" are the
    document's two main countries."""
    out: list[Span] = []
    for t in conjuncts(token):
        if is_pair_phrase(t):
            out.extend(pair_referents(t))
            continue
        if t.i not in index and t.lower_ in GROUP_HEADS:
            # "Japanese and American officials", "officials from Japan and South Korea"
            group = left_parties(t, index, kinds=kinds) or prep_parties(t, index, ("of", "from"), kinds=kinds)
            if group:
                out.extend(group)
                continue
        m = noun_party(t, index, kinds=kinds)
        if m is not None:
            out.append(m)
        # "Vice Premier He Lifeng and U.S. Treasury Secretary Scott Bessent": the "and" hangs on the name
        for c in t.children:
            if c.dep_ == "appos":
                found = (noun_party(y, index, kinds=kinds) for y in c.conjuncts)
                out.extend(x for x in found if x is not None)
    if len(unique_parties(out)) < 2 and "Person" in kinds and any(t.dep_ == "cc" for t in token.subtree):
        # titles tangle the parse of "US President Donald Trump and Turkish President Recep Tayyip
        # Erdoğan"; the people named in a coordinated phrase are its parties
        people = unique_parties(index[t.i] for t in token.subtree
                                if t.i in index and coarse(index[t.i]) == "Person")
        if len(people) >= 2:
            return people
    return unique_parties(out)


def unique_parties(spans: Iterable[Span]) -> list[Span]:
    """Mentions with one per party, in order."""
    seen: dict[str, Span] = {}
    for s in spans:
        seen.setdefault(party_key(s), s)
    return list(seen.values())


def subject_parties(verb: Token, index: dict[int, Span], *,
                    kinds: tuple[str, ...] = PARTY_KINDS) -> list[Span]:
    """The parties that are the subject of ``verb``, coordinated ones included; a verb without its own
    subject (conjoined, infinitive, participle) takes its head's."""
    v = verb
    for _ in range(4):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            # a passive's subject is no agent, except that of a raising verb: "X and Y are expected to sign"
            if subj.dep_ == "nsubjpass" and (v is verb or v.lemma_.lower() not in _RAISING):
                return []
            return phrase_parties(subj, index, kinds=kinds)
        if v.dep_ in ("xcomp", "advcl") and v.head.lemma_.lower() in _OBJECT_CONTROL \
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
            # "urged China to ban …", "called on Japan to open …": the one asked is who acts
            for c in v.head.children:
                if c.dep_ == "dobj" or c.dep_ == "prep" and c.lower_ in ("on", "upon"):
                    obj = c if c.dep_ == "dobj" else next((o for o in c.children if o.dep_ == "pobj"), None)
                    found = phrase_parties(obj, index, kinds=kinds) if obj is not None and obj.i < v.i else []
                    if found:
                        return found
        if v.dep_ in ("conj", "xcomp", "advcl") and v.head is not v and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
        elif v.dep_ in ("acl", "relcl") and v.head is not v:
            m = noun_party(v.head, index, kinds=kinds)
            return [m] if m is not None else []
        else:
            return []
    return []


def left_parties(token: Token, index: dict[int, Span], *,
                 kinds: tuple[str, ...] = PARTY_KINDS) -> list[Span]:
    """Parties named in front of a noun: "U.S.-China talks", "the 1986 U.S.-Japanese pact", "China's deal"."""
    out: list[Span] = []
    pronouns: list[Span] = []
    todo = [c for c in token.children if c.i < token.i]
    while todo:
        t = todo.pop(0)
        if t.dep_ not in ("compound", "amod", "poss", "nmod", "npadvmod", "punct", "cc", "conj", "nummod"):
            continue
        if is_pair_phrase(t):
            out.extend(pair_referents(t))
        elif t.i in index and coarse(index[t.i]) in kinds:
            out.append(index[t.i])
        elif t.lower_ in _POSSESSIVE_PRONOUNS and t.dep_ == "poss":
            m = pronoun_party(t)
            if m is not None and coarse(m) in kinds:
                pronouns.append(m)
        todo.extend(c for c in t.children)
    # a name in front wins over a pronoun ("their American counterparts")
    return unique_parties(sorted(out or pronouns, key=lambda s: s.start))


def prep_parties(token: Token, index: dict[int, Span], preps: tuple[str, ...], *,
                 kinds: tuple[str, ...] = PARTY_KINDS) -> list[Span]:
    """Parties in the objects of the token's prepositions ("talks with Washington", "between X and Y")."""
    out: list[Span] = []
    for prep in token.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in preps:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    out.extend(phrase_parties(obj, index, kinds=kinds))
    return unique_parties(out)


def owner_party(token: Token, index: dict[int, Span], *, exclude: Iterable[str] = (),
                kinds: tuple[str, ...] = PARTY_KINDS, speech_verbs: Iterable[str] = ()) -> Span | None:
    """The party a noun phrase belongs to when the text names it further up: a name in front of a noun
    it hangs from ("a Taiwan delegation … for trade talks with U.S. officials"), or the subject of the
    clause it sits in ("Taiwan announced plans … before trade talks with Washington"), climbing through
    clauses whose subject is the phrase itself ("X confirmed that talks with Y stalled"). A speaker
    found through a speech verb counts only when it is a country or an organization.
    """
    skip = set(exclude)
    speech = set(speech_verbs)
    t = token
    through_speech = False
    for _ in range(10):
        h = t.head
        if h is t:
            return None
        if h.pos_ in ("NOUN", "PROPN"):
            m = index.get(h.i)
            if m is not None and coarse(m) in kinds and party_key(m) not in skip:
                return m
            for m in left_parties(h, index, kinds=kinds):
                if party_key(m) not in skip:
                    return m
        elif h.pos_ in ("VERB", "AUX"):
            through_speech = through_speech or h.lemma_.lower() in speech
            subj = next((c for c in h.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.i not in {x.i for x in t.subtree}:
                if subj.dep_ == "nsubjpass" or subj.lower_ == "it" and h.lemma_ == "be":
                    return None  # a passive, or "it would be premature to …"
                for m in phrase_parties(subj, index, kinds=kinds):
                    if party_key(m) in skip:
                        continue
                    if through_speech and coarse(m) == "Person":
                        # a spokesman reporting talks is no party; the country he speaks for is
                        m = acting_country(m)
                        return m if m is not None and party_key(m) not in skip else None
                    return m
                return None
        t = h
    return None


def place_of(heads: list[Token], index: dict[int, Span], parties: list[Span]) -> Span | None:
    """Where it happened: a place or country after "in"/"at" on one of ``heads``, other than a party."""
    taken = {party_key(p) for p in parties}
    # the head's own "in"/"at" first, then one on its objects ("a truce on mine clearance in Geneva")
    nested = [o for h in heads for p in h.children if p.dep_ == "prep"
              for o in p.children if o.dep_ == "pobj"]
    for head in [*heads, *nested]:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                for obj in c.children:
                    m = index.get(obj.i)
                    if m is not None and coarse(m) in ("Place", "Country") and party_key(m) not in taken:
                        return m
    return None


def add_participants_fact(doc: Doc, relation: str, extractor: str, trigger: Token, parties: list[Span],
                          heads: list[Token], index: dict[int, Span], attrs: list[tuple[str, object]],
                          status: str | None, confidence: float) -> None:
    """Add a fact among ``parties`` (agreement, negotiation) read at ``trigger``, with the place that one
    of ``heads`` names (``place_of``) and the status and confidence of ``modal``."""
    args: list[tuple[str, Span]] = [("participant", p) for p in parties]
    place = place_of(heads, index, parties)
    if place is not None:
        args.append(("place", place))
    add_fact(doc, RawFact(relation=relation, args=args, sent=trigger.sent, extractor=extractor, attrs=attrs,
                          **modal(status, confidence)))


def counterpart_pair(party: Span, *, least: int = 2) -> list[Span]:
    """The party (a person as the country they act for) and the document's other main country, when
    the party is one of the document's two main countries (each named ``least`` times); else []."""
    kind = coarse(party)
    country = party if kind == "Country" else acting_country(party) if kind == "Person" else None
    if country is None:
        return []
    pair = main_countries(party.doc, least=least)
    keys = [party_key(m) for m in pair]
    if party_key(country) not in keys:
        return []
    return [country, pair[1 - keys.index(party_key(country))]]
