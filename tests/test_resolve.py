"""Entity resolution within a document: chains, short forms, brackets, acronyms, type votes."""
from __future__ import annotations


def _entities(ex) -> dict[str, object]:
    return {e.label: e for e in ex.entities}


def test_short_form_joins_the_longer_name(extract_text):
    ex = extract_text("The Federal Court of Australia fined the firm. The Court of Australia said the fine stood.")
    orgs = [e for e in ex.entities if e.type == "Organization"]
    assert len(orgs) == 1, [e.label for e in orgs]


def test_name_in_brackets_is_an_alias(extract_text):
    ex = extract_text("The Constitutional Council (Conseil constitutionnel) of France struck down the law.")
    orgs = [e for e in ex.entities if e.type == "Organization"]
    assert [o.label for o in orgs] == ["Constitutional Council"]
    assert "Conseil constitutionnel" in orgs[0].aliases


def test_acronym_joins_its_organization(extract_text):
    ex = extract_text("The Arab Monetary Fund met in Cairo. The AMF said reserves rose.")
    orgs = [e for e in ex.entities if e.type == "Organization"]
    assert len(orgs) == 1 and "AMF" in orgs[0].aliases, [(e.label, e.aliases) for e in orgs]


def test_two_people_with_one_surname_stay_apart(extract_text):
    ex = extract_text("Donald Trump spoke first. Then Melania Trump spoke. Trump said she was right.")
    people = {e.label for e in ex.entities if e.type == "Person"}
    assert {"Donald Trump", "Melania Trump"} <= people
    assert "Trump" not in people


def test_places_troops_enter_are_places(extract_text):
    ex = extract_text("Government forces entered Kafr Nabl and Saraqib on Sunday.")
    types = {e.label: e.type for e in ex.entities}
    assert types.get("Kafr Nabl", "Place") == "Place"
    assert "Person" not in types.values(), types


def test_honorific_form_is_an_alias(extract_text):
    ex = extract_text("Mrs. Higgins, 41, is a nurse at the Mayo Clinic.")
    people = [e for e in ex.entities if e.type == "Person"]
    assert people and "Mrs. Higgins" in people[0].aliases


def test_described_court_only_where_it_rules(extract_text):
    ex = extract_text("The case went to a district court in Texas. A federal appeals court blocked the rule.")
    courts = {e.label for e in ex.entities if e.subtype == "Court"}
    assert courts == {"federal appeals court"}, courts
