"""The ``kg_membership`` component: a person holds a role in an organization or a country.

How news states it, and what each rule reads:
- title before the name: "U.S. Treasury Secretary Scott Bessent", "NATO Secretary-General Jens
  Stoltenberg", "China's President Xi Jinping", "Grateful Dead drummer Mickey Hart";
- appositive: "He Yongqian, a spokeswoman for China's Ministry of Commerce", "Wang, deputy director
  of the Finance Ministry";
- role first, name in apposition: "The governor of the Bank of England, Andrew Bailey, warned";
- "X of Y" and "X at Y": "Steve Peers of the University of Essex" (no role stated);
- a role taken or held: "Pelosi was elected Speaker of the House", "McCarthy, who held the post of Speaker";
- a party label before the name: "Republican Kevin McCarthy".
A head-of-state title with no country ("President Reagan") is given the country the document is about
(see ``_home_country``), with a lower confidence.
"""
from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import gazetteer
from .base import RawFact, add_fact, coarse, ensure_extensions, mention_index, mentions

NAME = "kg_membership"

# Titles that name a country's office even when the country goes unsaid ("President Reagan").
_HEAD_OF_STATE = {"president", "prime minister", "premier", "chancellor", "king", "queen", "emperor",
                  "supreme leader", "head of state", "president-elect", "vice president"}
# Verbs that give someone a role: the one given it is the object, or the subject of the passive
# ("Biden nominated Yellen as secretary", "Yellen was nominated"), never the active subject.
_APPOINT_VERBS = {"elect", "name", "appoint", "nominate", "choose", "select", "install", "promote", "swear", "hire",
                  "recruit"}
# Verbs whose subject holds the role: "became Speaker", "held the post of", "will step down as chairman".
_HOLD_VERBS = {"become", "serve", "hold", "resume", "assume", "take", "resign", "retire", "quit", "step"}
_ROLE_VERBS = _APPOINT_VERBS | _HOLD_VERBS
_ROLE_NOUNS_OF_POST = {"post", "office", "position", "role", "job", "seat", "title"}
# Nouns of family and circumstance, not roles in an organization ("the son of Indian immigrants").
_NOT_ROLES = {"son", "daughter", "wife", "husband", "brother", "sister", "mother", "father", "widow", "widower",
              "grandson", "granddaughter", "nephew", "niece", "cousin", "friend", "uncle", "aunt", "child",
              "children", "parent", "parents", "partner", "fiancee", "fiance", "girlfriend", "boyfriend", "figure",
              "interviewee", "victim", "native", "resident", "citizen", "immigrant", "party", "house", "senate",
              "part", "one", "guest", "fan", "critic", "rival", "opponent", "supporter", "ally"}
_PARTY_ROLES = {"chairman", "chairwoman", "chair", "leader", "spokesperson", "spokesman", "spokeswoman",
                "secretary", "secretary-general", "treasurer", "president", "member", "founder", "whip"}
_SKIP_WORDS = {"former", "then", "acting", "late", "current", "new", "incoming", "outgoing", "interim", "the",
               "a", "an", "its", "his", "her", "their"}


def _is_title_word(token: Token) -> bool:
    return token.lower_.rstrip(".") in _title_vocab()


_VOCAB: frozenset[str] | None = None


def _title_vocab() -> frozenset[str]:
    global _VOCAB
    if _VOCAB is None:
        words = set()
        for t in gazetteer.PERSON_TITLES:
            words.update(t.lower().split())
        words.update(w.lower().rstrip(".") for w in gazetteer.HONORIFICS)
        _VOCAB = frozenset(words)
    return _VOCAB


def _title_phrase(tokens: list[Token]) -> list[Token]:
    """The longest run at the end of ``tokens`` that is a role title ("Treasury Secretary")."""
    titles = {t.lower() for t in gazetteer.PERSON_TITLES}
    best: list[Token] = []
    for k in range(1, min(5, len(tokens)) + 1):
        run = tokens[-k:]
        text = " ".join(t.lower_ for t in run).replace(" - ", "-")
        if text in titles or text.rstrip(".") in titles:
            best = run
    if best:
        return best
    # an occupational noun before the name ("drummer Mickey Hart", "fashion designer Tim Gunn")
    run = []
    for t in reversed(tokens):
        if t.pos_ == "NOUN" and t.is_lower and t.dep_ in ("compound", "nmod", "amod", "appos"):
            run.insert(0, t)
        else:
            break
    return run


def _role_text(run: list[Token]) -> str:
    # "the long-serving Sultan": participles and hyphen pieces in front are not part of the title
    while run and not _is_title_word(run[0]) and (run[0].pos_ in ("VERB", "ADV", "PUNCT", "DET")
                                                   or run[0].text == "-" or run[0].i + 1 < len(run[0].doc)
                                                   and run[0].doc[run[0].i + 1].text == "-"):
        run = run[1:]
    words = [t.text for t in run if t.lower_ not in _SKIP_WORDS]
    return " ".join(words).replace(" - ", "-").strip()


def _org_of(candidates: list[Span]) -> Span | None:
    """The organization if one is named, else the country."""
    orgs = [m for m in candidates if coarse(m) == "Organization"]
    if orgs:
        return orgs[-1]
    countries = [m for m in candidates if coarse(m) == "Country"]
    return countries[-1] if countries else None


@Language.component(NAME)
def find_memberships(doc: Doc) -> Doc:
    """Add membership facts to ``doc._.kg_facts``."""
    ensure_extensions()
    index = mention_index(doc)
    people = [m for m in mentions(doc) if coarse(m) == "Person"]
    found: list[tuple[Span, str, Span | None, Span, float]] = []  # person, role, org, sentence, confidence
    held: list[tuple[Span, str, Span | None, Span, float]] = []  # roles taken, held or left: often past ones
    for person in people:
        found.extend(_prefix(person, index))
        found.extend(_appositive(person, index))
        found.extend(_role_before_name(person, index))
        found.extend(_of_phrase(person, index))
        held.extend(_role_clause(person, index))
        found.extend(_whose_role(person, index))
        found.extend(_work_clause(person, index))
        found.extend(_possessed_org(person, index))
    home = _home_country(doc)
    explicit = {(p.text, r.lower()) for p, r, o, _, _ in found + held if o is not None}
    # a country whose head of state is named with it is not the one of an unqualified "President X";
    # a post someone "served as" or "was elected to" may be a past one, and takes no country
    taken_countries = {o.kb_id_ for p, r, o, _, _ in found if o is not None and coarse(o) == "Country"
                       and r.lower() in _HEAD_OF_STATE}
    for person, role, org, sent, confidence in found + held:
        if role and role.split()[-1].lower() in _NOT_ROLES:
            continue
        if org is not None and _the_city_itself(org):
            continue
        if org is None:
            if role.lower() not in _HEAD_OF_STATE or (person.text, role.lower()) in explicit:
                continue
            org = _pick_home(home, taken_countries)
            if org is None:
                continue
            confidence = 0.55
        fact = RawFact(relation="membership", args=[("member", person), ("organization", org)], sent=sent,
                       extractor=NAME, confidence=confidence)
        if role:
            fact.attrs.append(("role", role))
        add_fact(doc, fact)
    return doc


def _the_city_itself(org: Span) -> bool:
    """"the mayor of London", "the prosecutor general of Tehran": a capital after "of" is the city, not its
    country's government (as it is in "Beijing's envoy" or "London said")."""
    doc = org.doc
    if coarse(org) != "Country" or gazetteer.kind_of_country_form(org.text) != "capital":
        return False
    k = org.start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    return k >= 0 and doc[k].lower_ == "of"


def _prefix(person: Span, index: dict[int, Span]) -> list:
    """Title, organization or country written before the name."""
    doc = person.doc
    i = person.start
    # titles inside the person mention itself ("President Donald Trump" tagged as one name)
    inner = []
    for t in person:
        if _is_title_word(t) and t.i < person.end - 1:
            inner.append(t)
        else:
            break
    tokens: list[Token] = []
    j = i - 1
    while j >= 0 and i - j <= 8:
        t = doc[j]
        m = index.get(j)
        if m is not None and coarse(m) != "Person":
            tokens.insert(0, t)
        elif t.lower_ in ("'s", "\u2019s"):
            tokens.insert(0, t)
        elif t.text == "," and j == i - 1 and j > 0 and _is_title_word(doc[j - 1]):
            tokens.insert(0, t)  # "U.S. Treasury Secretary, Scott Bessent, said"
        elif _is_title_word(t) or t.lower_ in _SKIP_WORDS - {"the", "a", "an", "its", "his", "her", "their"}:
            tokens.insert(0, t)
        elif t.pos_ == "NOUN" and t.is_lower and t.head.i >= i - 1 and t.dep_ in ("compound", "nmod", "amod"):
            tokens.insert(0, t)
        elif t.text == "-" and tokens:
            tokens.insert(0, t)
        elif t.pos_ == "PROPN" and t.dep_ == "compound" and tokens and _is_title_word(tokens[0]) and t.is_title:
            tokens.insert(0, t)  # "CNEN Radioprotection Director X": a department word inside the title
        else:
            break
        j -= 1
    if any(t.lower_ in ("'s", "\u2019s") and t.i - 1 not in index for t in tokens):
        return []  # "the delegation's leader, X": the role belongs to something that is not named
    words = [t for t in tokens if t.text not in (",",) and t.lower_ not in ("'s", "\u2019s")]
    non_mention = [t for t in words if t.i not in index or coarse(index[t.i]) == "Person"]
    candidates = []
    for t in tokens:
        m = index.get(t.i)
        if m is not None and m not in candidates and coarse(m) != "Person":
            candidates.append(m)
    inside = {t.i for t in _title_phrase(words + inner)}
    # "India's Commerce Minister": a word of the title that the model tagged is not the organization
    candidates = [m for m in candidates if not all(i in inside for i in range(m.start, m.end)) or m.kb_id_]
    run = _title_phrase(non_mention + inner) if (non_mention or inner) else []
    # "U.S. Treasury Secretary": the title may reuse words of the organization's name
    longer = _title_phrase(words + inner)
    if len(longer) > len(run) and all(_is_title_word(t) for t in longer):
        run = longer
    if not run and not candidates:
        return []
    role = _role_text(run)
    if not role and candidates and all(coarse(c) == "Organization" and c.label_ == "PoliticalParty"
                                       for c in candidates):
        return [(person, "", candidates[-1], person.sent, 0.8)]
    if not role:
        return []
    org = _org_of(candidates)
    if org is not None and org.label_ == "PoliticalParty" and role.lower().split()[-1] not in _PARTY_ROLES:
        role = ""  # "Democratic Sen. Warren": a senator of the Senate, a member of the party
    return [(person, role, org, person.sent, 0.85 if org is not None else 0.6)]


def _appositive(person: Span, index: dict[int, Span]) -> list:
    """"NAME, a spokeswoman for ORG", "NAME, the then chair and spokesperson for ORG"."""
    out = []
    root = person.root
    # the parser often reads an appositive role as a conjunct: "Daskal of X and contributor to Slate"
    heads = [c for c in root.children if c.dep_ == "appos"
             or c.dep_ == "conj" and c.pos_ == "NOUN" and c.i not in index and not _names_its_holder(c, index)]
    for head in heads:
        roles = [head, *[c for c in head.children if c.dep_ == "conj" and not _names_its_holder(c, index)]]
        org = _org_in(head, index)
        for r in roles:
            title = _title_from_head(r)
            if not title:
                continue
            target = _org_in(r, index) or org
            if target is not None:
                out.append((person, title, target, person.sent, 0.8))
    return out


def _role_before_name(person: Span, index: dict[int, Span]) -> list:
    """"The chief executive of Acme Corp, John Smith, said": a role of an organization or country, then
    the name in apposition. Only where the parser reads the name as an apposition: in "In a letter to the
    chairman of the committee, Senator Warren wrote" the name is the subject, not the chairman."""
    found = _role_named_by(person, index)
    if found is None:
        return []
    noun, org = found
    return [(person, _title_from_head(noun), org, person.sent, 0.8)]


def _names_its_holder(noun: Token, index: dict[int, Span]) -> bool:
    """Whether a role noun is followed by its own holder's name: "his wife, X and the deputy secretary of
    the Foreign Ministry, Y" makes Y the deputy secretary, not X."""
    doc = noun.doc
    for i in range(noun.i + 1, min(len(doc), noun.i + 16)):
        m = index.get(i)
        if m is not None and coarse(m) == "Person" and m.start == i:
            found = _role_named_by(m, index, appos_only=False)  # read as a conjunct, it still is the holder
            return found is not None and found[0].i == noun.i
    return False


def _role_named_by(person: Span, index: dict[int, Span], *, appos_only: bool = True) -> tuple[Token, Span] | None:
    """The role noun and organization of "the ROLE of|for|at [the] ORG, PERSON", or None; with
    ``appos_only``, only where the parser reads the name as an apposition (else also as a conjunct)."""
    doc = person.doc
    if person.root.dep_ not in (("appos",) if appos_only else ("appos", "conj")) or person.start < 4 \
            or doc[person.start - 1].text != ",":
        return None
    org = index.get(person.start - 2)
    if org is None or org.end != person.start - 1 or coarse(org) not in ("Organization", "Country"):
        return None
    k = org.start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k < 1 or doc[k].lower_ not in ("of", "for", "at"):
        return None
    noun = doc[k - 1]
    if noun.pos_ not in ("NOUN", "PROPN") or noun.i in index:
        return None
    title = _title_from_head(noun)
    if not title or title.split()[-1].lower() in _NOT_ROLES:
        return None
    return noun, org


def _hyphen_head(head: Token) -> Token:
    """"vice-president" is three tokens; its head is the last word."""
    doc = head.doc
    if head.i + 2 < len(doc) and doc[head.i + 1].text == "-" and not doc[head.i].whitespace_:
        return doc[head.i + 2]
    return head


def _title_from_head(head: Token) -> str:
    """The role named by a noun and its modifiers ("deputy director", "Treasury Secretary")."""
    last = _hyphen_head(head)
    if last is not head:
        return head.doc[head.i:last.i + 1].text
    if head.pos_ not in ("NOUN", "PROPN"):
        return ""
    mods = [c for c in head.children if c.dep_ in ("compound", "amod") and c.i < head.i and c.i >= head.i - 3
            and c.ent_type_ not in ("GPE", "NORP", "ORG")]
    tokens = sorted([*mods, head], key=lambda t: t.i)
    text = _role_text(tokens)
    low = text.lower()
    if head.lower_ in _title_vocab() or low in {t.lower() for t in gazetteer.PERSON_TITLES}:
        return text
    if head.pos_ == "NOUN" and head.lower_ not in ("one", "part", "member", "group", "number", "lot"):
        return text  # an occupation noun ("politician", "drummer")
    return ""


def _org_in(head: Token, index: dict[int, Span]) -> Span | None:
    """The organization or country a role noun points to: "for X", "of X", "at X", "X's"."""
    last = _hyphen_head(head)
    if last is not head:
        found = _org_in(last, index)
        if found is not None:
            return found
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("for", "of", "at", "with", "in", "to"):
            for obj in c.children:
                if obj.dep_ == "pobj":
                    m = _mention_under(obj, index)
                    if m is not None:
                        return m
        if c.dep_ == "poss":
            m = index.get(c.i)
            if m is not None and coarse(m) in ("Organization", "Country"):
                return m
    for c in head.children:
        if c.dep_ in ("compound", "nmod") and c.i in index and coarse(index[c.i]) in ("Organization", "Country"):
            return index[c.i]
    # "a professor of political science at Queens College": the organization sits deeper in the phrase,
    # after a preposition, before any other person or role noun starts
    for t in head.subtree:
        if t.i <= head.i:
            continue
        if t.dep_ == "conj" and t.head.i == head.i or t.dep_ == "relcl":
            break
        m = index.get(t.i)
        if m is not None and coarse(m) == "Person":
            break
        if m is not None and coarse(m) == "Organization" and t.head.dep_ == "prep" \
                and t.head.head.pos_ in ("NOUN", "PROPN") and t.head.lower_ in ("for", "of", "at", "with", "in"):
            return m
    return None


def _mention_under(token: Token, index: dict[int, Span]) -> Span | None:
    """The organization/country mention a noun phrase names (the phrase's own, or its possessor's)."""
    m = index.get(token.i)
    if m is not None and coarse(m) in ("Organization", "Country"):
        return m
    found = None
    for t in token.subtree:
        m = index.get(t.i)
        if m is not None and coarse(m) == "Country" and t.dep_ == "amod" and t.head.i == token.i:
            continue  # "leader of Bosnian Serbs": a people, not the country
        if m is not None and coarse(m) in ("Organization", "Country"):
            found = m if found is None or coarse(m) == "Organization" and coarse(found) == "Country" else found
    return found


_WORK_VERBS = {"work", "teach", "join", "serve", "head", "lead", "run", "chair", "found", "operate", "manage",
               "direct", "represent", "edit", "coach", "captain", "command", "own", "co-found", "rejoin"}
_WORK_PREPS = {"for", "at", "in", "with"}


def _work_clause(person: Span, index: dict[int, Span]) -> list:
    """"X works for Y", "X taught at Y", "X, who operates Y", "X heads Y", "X is a professor at Y"."""
    root = person.root
    verbs = []
    if root.dep_ == "nsubj":
        verbs.append(root.head)
    verbs.extend(c for c in root.children if c.dep_ == "relcl")
    # "Derwinski, a Republican from Chicago who served in Congress": the clause hangs off the apposition
    for appos in (c for c in root.children if c.dep_ == "appos"):
        verbs.extend(c for c in appos.children if c.dep_ == "relcl")
    # "who is a major in the Marine Corps and works at the Pentagon"
    verbs.extend(c for v in list(verbs) for c in v.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))
    out = []
    for verb in verbs:
        lemma = verb.lemma_.lower()
        if lemma == "be":
            attr = next((c for c in verb.children if c.dep_ == "attr"), None)
            if attr is not None and attr.pos_ == "NOUN":
                title = _title_from_head(attr)
                org = _org_in(attr, index)
                if title and org is not None and coarse(org) == "Organization":
                    out.append((person, title, org, person.sent, 0.7))
            continue
        if lemma not in _WORK_VERBS or modality_denied(verb):
            continue
        for c in verb.children:
            target = None
            if c.dep_ == "dobj" and lemma not in ("work", "teach", "serve"):
                target = index.get(c.i)
            elif c.dep_ == "prep" and c.lower_ in _WORK_PREPS:
                target = next((index[g.i] for g in c.children if g.dep_ == "pobj" and g.i in index), None)
            if target is not None and coarse(target) == "Organization":
                out.append((person, "", target, person.sent, 0.65))
    return out


def modality_denied(verb: Token) -> bool:
    """Whether the verb is negated ("never worked for")."""
    return any(c.dep_ == "neg" for c in verb.children)


def _possessed_org(person: Span, index: dict[int, Span]) -> list:
    """"Mulroney's Progressive Conservative Party", "Trump's administration": the person belongs to it."""
    doc = person.doc
    if person.end >= len(doc) or doc[person.end].lower_ not in ("'s", "\u2019s"):
        return []
    owner = person.root
    head = owner.head if owner.dep_ == "poss" else None
    if head is None:
        return []
    m = index.get(head.i)
    if m is not None and coarse(m) == "Organization" and m.label_ in ("PoliticalParty", "GovernmentBody",
                                                                      "Organization", "ArmedGroup", "Legislature"):
        return [(person, "", m, person.sent, 0.6)]
    return []


def _whose_role(person: Span, index: dict[int, Span]) -> list:
    """"The Syrian Army — whose commander-in-chief is President Assad": the role of a relative clause."""
    root = person.root
    verb = root.head
    if root.dep_ != "attr" or verb.lemma_ != "be" or verb.dep_ != "relcl":
        return []
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or not any(c.lower_ == "whose" for c in subj.children):
        return []
    org = index.get(verb.head.i)
    title = _title_from_head(subj)
    if org is None or coarse(org) not in ("Organization", "Country") or not title:
        return []
    return [(person, title, org, person.sent, 0.75)]


def _of_phrase(person: Span, index: dict[int, Span]) -> list:
    """"Steve Peers of the University of Essex": a membership with no role stated."""
    out = []
    doc = person.doc
    k = person.end
    # "Stephanie Powell, of the DEM", "Ulf Merbold, 47, of the European Space Agency"
    if k + 1 < len(doc) and doc[k].text == "," and doc[k + 1].lower_ in ("of", "at"):
        k += 1
    elif k + 3 < len(doc) and doc[k].text == "," and doc[k + 1].like_num and doc[k + 2].text == "," \
            and doc[k + 3].lower_ in ("of", "at"):
        k += 3
    if k < len(doc) and doc[k].lower_ in ("of", "at"):
        prep = doc[k]
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is not None and (prep.head.i in range(person.start, person.end) or k > person.end):
            m = _mention_under(obj, index)
            if m is not None and coarse(m) == "Organization":
                out.append((person, "", m, person.sent, 0.75))
                for conj in obj.conjuncts:  # "of American University and contributor to Slate"
                    title = _title_from_head(conj)
                    target = _org_in(conj, index)
                    if title and target is not None:
                        out.append((person, title, target, person.sent, 0.7))
    return out


def _role_clause(person: Span, index: dict[int, Span]) -> list:
    """"Pelosi was elected Speaker of the House", "who held the post of Speaker", "Siemens named Klein its
    chief executive", "Klein will step down as chairman of Unilever"."""
    out = []
    root = person.root
    verbs: list[tuple[Token, str]] = []  # (verb, how the person stands to it)
    if root.dep_ in ("nsubj", "nsubjpass", "dobj"):
        verbs.append((root.head, root.dep_))
    if root.dep_ == "appos":
        verbs.append((root.head, "nsubj"))
    # "McCarthy, who held ...", "Klein, who was named ...": the relative pronoun stands for the name
    for rel in (c for c in root.children if c.dep_ == "relcl"):
        pronoun = next((c for c in rel.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who", "that")),
                       None)
        if pronoun is not None:
            verbs.append((rel, pronoun.dep_))
    for verb, stance in verbs:
        lemma = verb.lemma_.lower()
        if lemma not in _ROLE_VERBS:
            continue
        if lemma in _APPOINT_VERBS and stance == "nsubj" and any(c.dep_ == "dobj" for c in verb.children):
            continue  # the one who names someone else is not the one named
        if lemma in _HOLD_VERBS and stance == "dobj":
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        for t in verb.subtree:
            if t.i in range(person.start, person.end):
                continue
            if t.head.i != verb.i and t.head.lemma_.lower() not in _ROLE_NOUNS_OF_POST and t.head.dep_ != "prep":
                continue
            if t.pos_ in ("NOUN", "PROPN") and (t.lower_ in _title_vocab()):
                org = _org_in(t, index)
                if org is None and subject is not None and subject.i in index \
                        and coarse(index[subject.i]) == "Organization" \
                        and any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in t.children):
                    org = index[subject.i]  # "Siemens named Klein its chief executive"
                if org is not None:
                    out.append((person, _title_from_head(t) or t.text, org, person.sent, 0.7))
    return out


def _home_country(doc: Doc) -> list[Span]:
    """Countries of the document, most mentioned first.

    English-language news names the American president without the country far more often than any
    other head of state, so the United States goes first when it is mentioned at least half as often
    as the most mentioned country.
    """
    counts: Counter[str] = Counter()
    first: dict[str, Span] = {}
    for m in mentions(doc):
        if coarse(m) == "Country" and m.kb_id_:
            counts[m.kb_id_] += 1
            first.setdefault(m.kb_id_, m)
    if not counts:
        return []
    top = max(counts.values())
    ordered = sorted(counts, key=lambda k: (not (k == "United States" and 2 * counts[k] >= top), -counts[k]))
    return [first[k] for k in ordered]


def _pick_home(home: list[Span], taken: set[str]) -> Span | None:
    for m in home:
        if m.kb_id_ not in taken:
            return m
    return None
