"""Mentions → entities: name chains within a document, type voting, canonical names, stable keys.

"Bessent" joins "Scott Bessent" whatever type the model gave it; "Washington" and "American" are the
United States when the gazetteer says so; "ECJ" joins "European Court of Justice" by its initials. The
key of an entity depends on its canonical name only, so the same entity gets the same IRI in every
document and every run. Courts named only by a description ("a federal court") are not the same court
in two documents, so their keys carry the document id.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from urllib.parse import quote

from spacy.tokens import Doc, Span

from . import gazetteer
from .extractors.base import COARSE_OF, RawFact, mentions
from .model import Document, Entity, Extraction, Fact

_TITLE_WORDS = None


def _titles() -> frozenset[str]:
    global _TITLE_WORDS
    if _TITLE_WORDS is None:
        words = set(gazetteer.HONORIFICS)
        for title in gazetteer.PERSON_TITLES:
            words.update(title.split())
        words.update({"former", "late", "then", "acting", "deputy", "vice", "chief", "senior", "u.s.", "us"})
        _TITLE_WORDS = frozenset(w.lower().rstrip(".") for w in words)
    return _TITLE_WORDS


def slug(name: str) -> str:
    """A readable, IRI-safe identifier for a name (percent-encoded when it has no Latin letters)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()
    if len(s) >= max(2, len(name) // 3):
        return s
    return quote(re.sub(r"\s+", "-", name.strip().lower()), safe="-")


def person_name(span: Span) -> str:
    """A person mention without titles and honorifics in front ("President Donald Trump" → "Donald Trump")."""
    tokens = list(span)
    # titles, honorifics and occupation words the model put inside the name ("Immunologist Kristian Andersen")
    while len(tokens) > 1 and (tokens[0].lower_.rstrip(".") in _titles() or tokens[0].pos_ == "NOUN"):
        tokens = tokens[1:]
    text = span.doc[tokens[0].i:span.end].text
    return re.sub(r"\s+", " ", text).strip()


def surface(span: Span) -> str:
    """A mention's text on one line, without a trailing possessive."""
    text = re.sub(r"\s+", " ", span.text).strip()
    return re.sub(r"['\u2019]s?$", "", text).strip()


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper())


class _Chain:
    __slots__ = ("forms", "labels", "canonical", "generic", "extra", "primary")

    def __init__(self) -> None:
        self.primary = ""  # the chain's own name before others joined it
        self.extra: set[str] = set()  # forms kept as aliases only ("Mrs. Higgins", "President Trump")
        self.forms: Counter[str] = Counter()
        self.labels: Counter[str] = Counter()
        self.canonical = ""
        self.generic = False


def resolve(doc: Doc, document: Document) -> Extraction:
    """Entities and facts of one processed document."""
    spans = mentions(doc)
    chains: dict[str, _Chain] = {}
    chain_of: dict[int, str] = {}  # mention start token → chain id

    def chain(cid: str) -> _Chain:
        return chains.setdefault(cid, _Chain())

    # 1. full person names first, so surnames can join them
    full_names: dict[str, str] = {}  # token of a full name → chain id
    full_positions: dict[str, list[int]] = {}  # chain id → start tokens of its full-name mentions
    for span in spans:
        if span.label_ == "Person" and not span.kb_id_:
            name = person_name(span)
            if len(name.split()) >= 2:
                cid = "person:" + name.lower()
                # "Xi Jinping" and "President Xi Jinping" are one chain; so are names one contains
                for other in list(chains):
                    if other.startswith("person:") and (name.lower() in other or other[7:] in name.lower()):
                        if len(other) >= len(cid):
                            cid = other
                c = chain(cid)
                c.forms[name] += 1
                c.labels["Person"] += 2
                if surface(span) != name:
                    c.extra.add(surface(span))
                chain_of[span.start] = cid
                full_positions.setdefault(cid, []).append(span.start)
    shared: dict[str, set[str]] = {}  # a word of several full names → their chains
    for cid in list(chains):
        if cid.startswith("person:"):
            words = cid[7:].split()
            # "al-Assad" is also "Assad"; "Glawischnig-Piesczek" stays whole as well
            words = words + [part for w in words if "-" in w for part in w.split("-")[-1:] if len(part) > 2]
            for position, word in enumerate(words):
                shared.setdefault(word, set()).add(cid)
                # the last word (surname) wins over the first (given name or family name first)
                if word not in full_names or position == len(words) - 1:
                    full_names[word] = cid

    def person_for(word: str, at: int) -> str:
        """Of several people sharing a name ("Donald Trump", "Mary Trump"), the one named last before."""
        options = shared.get(word, set())
        if len(options) <= 1:
            return full_names[word]
        before = [(max((p for p in full_positions.get(c, []) if p < at), default=-1), c) for c in options]
        best = max(before)
        return best[1] if best[0] >= 0 else full_names[word]

    # honorific and title forms are aliases too: "Mrs. Higgins", "President Trump"
    for span in spans:
        cid = chain_of.get(span.start)
        if cid is not None and span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in _titles():
            chains[cid].extra.add(f"{doc[span.start - 1].text} {person_name(span)}")

    # 2. everything else
    for span in spans:
        if span.start in chain_of:
            continue
        text = surface(span)
        if span.kb_id_:
            cid = "gaz:" + span.kb_id_
            c = chain(cid)
            c.canonical = span.kb_id_
            c.forms[text] += 1
            c.labels[span.label_] += 3
        else:
            name = person_name(span) if span.label_ == "Person" else text
            key = name.lower()
            if key in full_names and span.label_ not in ("Country",):
                cid = person_for(key, span.start)
                chain(cid).forms[name] += 1
                chain(cid).labels["Person"] += 1
                if text != name:
                    chain(cid).extra.add(text)
                if span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in _titles():
                    chain(cid).extra.add(f"{doc[span.start - 1].text} {name}")
            elif span.label_ == "Court" and span.root.lower_ in ("court", "tribunal") and not span[0].is_title:
                cid = "generic:" + key
                c = chain(cid)
                c.generic = True
                c.forms[name] += 1
                c.labels["Court"] += 1
            else:
                cid = "name:" + key
                chain(cid).forms[name] += 1
                if text != name:
                    chain(cid).extra.add(text)
                if span.label_ == "Person" and span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in _titles():
                    chain(cid).extra.add(f"{doc[span.start - 1].text} {name}")
                # a rule that saw a person's role beside the name outvotes the model's guess elsewhere
                chain(cid).labels[span.label_] += 2 if span.label_ == "Person" else 1
        chain_of[span.start] = cid

    # 3. acronyms join the organization whose initials they spell ("SDF", "ECJ"); a name in brackets
    #    right after another ("the Supreme Court of Justice (Oberster Gerichtshof)") is the same thing
    merged: dict[str, str] = {}
    for a, b in zip(spans, spans[1:], strict=False):
        between = doc[a.end:b.start].text.strip()
        # the bracket may hold more than the model tagged: "(Conseil constitutionnel)"
        after = next((t.text for t in doc[b.end:min(len(doc), b.end + 4)] if t.text in (")", "(")), "")
        ca, cb = chain_of.get(a.start), chain_of.get(b.start)
        if between == "(" and after == ")" and ca and cb and ca != cb and cb.startswith(("name:", "person:")) \
                and COARSE_OF.get(a.label_) == "Organization" and COARSE_OF.get(b.label_) != "Country":
            merged[cb] = ca  # "the Supreme Court of Justice (Oberster Gerichtshof)", whatever the model made of it
    # a short form inside a longer organization's name in the same document is that organization:
    # "the Court of Justice" after "the European Court of Justice"
    org_forms = {cid: [f.lower() for f in c.forms] for cid, c in chains.items()
                 if COARSE_OF.get(c.labels.most_common(1)[0][0]) == "Organization" and not c.generic}
    for cid, forms in org_forms.items():
        if not cid.startswith("name:") or cid in merged:
            continue
        short = max(forms, key=len)
        if len(short.split()) < 2:
            continue
        hosts = [o for o, ofs in org_forms.items() if o != cid and o not in merged
                 and any(re.search(rf"(^|\s){re.escape(short)}$", f) and len(f) > len(short) for f in ofs)]
        # of several hosts ("European Court of Justice", "Supreme Court of Justice"), the one named most
        hosts.sort(key=lambda o: -sum(chains[o].forms.values()))
        if len(hosts) == 1 or len(hosts) > 1 and sum(chains[hosts[0]].forms.values()) > sum(
                chains[hosts[1]].forms.values()):
            merged[cid] = hosts[0]
    for cid, c in chains.items():
        form = c.forms.most_common(1)[0][0]
        if cid in merged or not cid.startswith("name:") or not re.fullmatch(r"[A-Z]{2,6}", form):
            continue
        for other, oc in chains.items():
            if other == cid or oc.generic:
                continue
            if COARSE_OF.get(oc.labels.most_common(1)[0][0]) != "Organization":
                continue
            if any(_initials(f) == form for f in oc.forms):
                merged[cid] = other
                break
    def final(cid: str) -> str:
        seen = set()
        while cid in merged and cid not in seen:
            seen.add(cid)
            cid = merged[cid]
        return cid

    for src in list(merged):
        dst = final(src)
        if dst != src and src in chains:
            if not chains[dst].primary:
                chains[dst].primary = max(chains[dst].forms, key=lambda f: (chains[dst].forms[f], len(f)))
            chains[dst].forms.update(chains[src].forms)
            chains[dst].labels.update(chains[src].labels)
            chains[dst].extra.update(chains[src].extra)
            del chains[src]
    chain_of = {start: final(cid) for start, cid in chain_of.items()}

    # 4. entities
    entities: dict[str, Entity] = {}
    places = _moved_into(doc, spans, chain_of)
    key_of: dict[str, str] = {}
    for cid, c in chains.items():
        votes: Counter[str] = Counter()
        for label, n in c.labels.items():
            votes[label] += n
        votes["Place"] += 3 * places.get(cid, 0)
        label = votes.most_common(1)[0][0]
        coarse = COARSE_OF.get(label, "Organization")
        if c.canonical:
            name = c.canonical
        elif coarse == "Person":
            name = max(c.forms, key=lambda f: (len(f.split()), c.forms[f], len(f)))
        elif c.primary:
            name = c.primary  # "European Court of Justice", not the "ECJ" that joined it
        else:
            name = max(c.forms, key=lambda f: (c.forms[f], len(f)))
        key = slug(name)
        if c.generic:
            key = f"{slug(document.id)}/{key}"
        links: tuple[tuple[str, str], ...] = ()
        if coarse == "Country":
            record = gazetteer.lookup_country(name)
            if record is not None:
                links = tuple((k, v) for k, v in (("iso3166Alpha2", record.iso2), ("iso3166Alpha3", record.iso3),
                                                  ("geonames", str(record.geonames_id or "")),
                                                  ("wikipedia", record.wikipedia or "")) if v)
        subtype = label if label in COARSE_OF and COARSE_OF[label] == "Organization" and label != "Organization" \
            else None
        aliases = tuple(sorted(set(c.forms) | c.extra | ({name} if name else set())))
        previous = entities.get(key)
        if previous is not None:
            aliases = tuple(sorted(set(previous.aliases) | set(aliases)))
        entities[key] = Entity(key=key, label=name, type=coarse, subtype=subtype, aliases=aliases, links=links)
        key_of[cid] = key

    def entity_key(span: Span) -> str | None:
        cid = chain_of.get(span.start)
        return key_of.get(cid) if cid else None

    facts = [f for raw in (doc._.kg_facts or []) if (f := _fact(raw, entity_key, document)) is not None]
    return Extraction(document=document, entities=list(entities.values()), facts=_dedupe(facts))


_MOVE_VERBS = {"enter", "capture", "seize", "bomb", "shell", "occupy", "besiege", "recapture", "storm",
               "liberate", "evacuate", "encircle", "overrun", "invade", "raid"}


def _moved_into(doc: Doc, spans: list[Span], chain_of: dict[int, str]) -> Counter[str]:
    """Chains named as what troops enter, capture or shell: places, whatever the model tagged ("entered
    Tell Tamer and Ain Issa")."""
    out: Counter[str] = Counter()
    for span in spans:
        root = span.root
        head = root.head if root.dep_ == "dobj" else root.head.head if root.dep_ == "conj" else None
        if head is not None and head.lemma_.lower() in _MOVE_VERBS and span.start in chain_of:
            if root.dep_ == "conj" and root.head.dep_ != "dobj":
                continue
            out[chain_of[span.start]] += 1
    return out


def _fact(raw: RawFact, entity_key, document: Document) -> Fact | None:
    args = []
    for name, span in raw.args:
        key = entity_key(span)
        if key is None:
            continue
        if (name, key) not in args:
            args.append((name, key))
    text = raw.sent.text  # Span.text walks the sentence's tokens: once
    return Fact(
        relation=raw.relation,
        args=tuple(args),
        attrs=tuple(raw.attrs),
        sentence=text.strip(),
        start=raw.sent.start_char + (len(text) - len(text.lstrip())),
        end=raw.sent.start_char + len(text.rstrip()),
        extractor=raw.extractor,
        confidence=raw.confidence,
        status=raw.status,
    )


# Relations whose restatement in another sentence is the same fact; statements, demands and
# restrictions differ by what was said, demanded or imposed, so each sentence stays.
_RESTATED = {"membership": ("role",), "tariff": ("rate", "previousRate"), "court_ruling": ("action",),
             "negotiation": (), "agreement": ()}


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per document for what is stated twice (the most confident statement of it is kept)."""
    best: dict[tuple, Fact] = {}
    order: list[tuple] = []
    for f in facts:
        keys = [k for _, k in f.args]
        if len(keys) >= 2 and len(set(keys)) == 1:
            continue
        if f.relation in _RESTATED:
            attrs = tuple(str(f.attr(a, "")).lower() for a in _RESTATED[f.relation])
            sig: tuple = (f.relation, tuple(sorted(f.args)), attrs, f.status)
        else:
            sig = (f.relation, tuple(sorted(f.args)), tuple(sorted(map(str, f.attrs))), f.start)
        if sig not in best:
            order.append(sig)
            best[sig] = f
        elif f.confidence > best[sig].confidence:
            best[sig] = f
    return [best[s] for s in order]


def documents_mentions(extraction: Extraction) -> dict[str, list[str]]:
    """Entity keys by coarse type (for summaries)."""
    out: dict[str, list[str]] = defaultdict(list)
    for e in extraction.entities:
        out[e.type].append(e.key)
    return out
