"""The negotiation, agreement, urges and restriction extractors, run through the real pipeline.

Every sentence was written for these tests (none comes from the evaluation documents): ways news states
each relation, with the entity labels and attributes that must come out, and ways it does not (negation,
refusal, no second party, an opinion, a word in another sense).
"""
from __future__ import annotations

import pytest
from conftest import labelled


def _parties(fact: dict) -> frozenset[str]:
    return frozenset(fact.get("participant", []))


def _found(ex, relation: str) -> list[dict]:
    return labelled(ex, relation)


# Negotiation ------------------------------------------------------------------------------------------

NEGOTIATIONS = [
    ("Officials from Japan and South Korea held talks in Geneva on Monday.", {"Japan", "South Korea"}),
    ("Japanese and American officials discussed tariffs on cars.", {"Japan", "United States"}),
    ("The European Union opened trade negotiations with Australia last year.",
     {"European Union", "Australia"}),
    ("Talks between Russia and Ukraine resumed in Istanbul.", {"Russia", "Ukraine"}),
    ("Mexico will negotiate with the United States over steel quotas.", {"Mexico", "United States"}),
    ("Chinese President Xi Jinping and Russian President Vladimir Putin spoke by telephone on Friday.",
     {"Xi Jinping", "Vladimir Putin"}),
    ("Vietnam is in talks with Washington over a trade agreement.", {"Vietnam", "United States"}),
    ("Brazilian officials held a video call with their Argentine counterparts.", {"Brazil", "Argentina"}),
    ("The Kenyan president met his Ugandan counterpart to discuss the border dispute.", {"Kenya", "Uganda"}),
    ("Iran and the United States held indirect talks in Oman.", {"Iran", "United States"}),
    ("German Chancellor Friedrich Merz met French President Emmanuel Macron in Brussels.",
     {"Friedrich Merz", "Emmanuel Macron"}),
    ("India-Pakistan talks on water sharing stalled in March.", {"India", "Pakistan"}),
    ("A Philippine delegation arrived in Beijing for consultations with Chinese officials.",
     {"Philippines", "China"}),
    ("Canada confirmed that its negotiations with the European Union were nearly complete.",
     {"Canada", "European Union"}),
    ("Indonesia and Malaysia grow most of the world's palm oil. Indonesia accuses Malaysia of dumping it. "
     "Both countries held talks in Singapore on Tuesday to settle the dispute.", {"Indonesia", "Malaysia"}),
    ("Chancellor Olaf Scholz spoke with Joe Biden about Ukraine.", {"Olaf Scholz", "Joe Biden"}),
    ("Scott Bessent and He Lifeng led the talks in Geneva.", {"Scott Bessent", "He Lifeng"}),
    ("Serbia and Kosovo agreed to reopen a border crossing after two days of talks in Brussels.",
     {"Serbia", "Kosovo"}),
]


@pytest.mark.parametrize(("text", "parties"), NEGOTIATIONS)
def test_negotiation_parties(extract_text, text, parties):
    facts = _found(extract_text(text), "negotiation")
    assert frozenset(parties) in {_parties(f) for f in facts}, facts


def test_negotiation_attributes(extract_text):
    facts = _found(extract_text("On May 2, Japan and Vietnam held trade talks in Singapore."), "negotiation")
    assert len(facts) == 1
    fact = facts[0]
    assert _parties(fact) == {"Japan", "Vietnam"}
    assert fact["topic"] == "trade"
    assert fact["place"] == ["Singapore"]
    assert str(fact["date"]) == "2025-05-02"
    assert (fact["status"], fact["confidence"]) == ("Asserted", 0.75)


def test_negotiation_planned(extract_text):
    facts = _found(extract_text("Chile will hold talks with Peru next week."), "negotiation")
    assert [(f["status"], f["confidence"]) for f in facts] == [("Planned", 0.52)]


def test_both_sides_are_the_last_two_countries_named(extract_text):
    text = ("Egypt and Israel fought four wars. Jimmy Carter mediated between Egypt and Israel in 1978, and "
            "the two countries held talks at Camp David.")
    facts = _found(extract_text(text), "negotiation")
    assert {"Egypt", "Israel"} in [_parties(f) for f in facts]


NOT_NEGOTIATIONS = [
    "The two companies held talks about a merger.",
    "Donald Trump spoke to Fox News on Sunday.",
    "The talks collapsed on Friday.",
    "Japan and South Korea did not hold talks this year.",
    "Beijing refused to negotiate with Washington.",
    "The minister met reporters in Paris.",
    "Germany met its emissions target in 2020.",
    "Angela Merkel spoke at a conference in Berlin.",
    "Peru held a meeting of its cabinet.",
    "Jerry Garcia met Bob Weir at a music store in 1963.",
    "Negotiations between mining companies and the National Union of Mineworkers are foundering.",
    "Argentina is negotiating with New York bankers for new loans.",
    "The talks with Chile, Peru and Bolivia ended on Friday.",
    "The finance minister flew to Washington for the IMF meeting.",
]


@pytest.mark.parametrize("text", NOT_NEGOTIATIONS)
def test_no_negotiation(extract_text, text):
    assert _found(extract_text(text), "negotiation") == []


# Agreement --------------------------------------------------------------------------------------------

AGREEMENTS = [
    ("Japan and Australia signed a free trade agreement in Singapore.", {"Japan", "Australia"}),
    ("Britain struck a trade deal with India on Thursday.", {"United Kingdom", "India"}),
    ("Armenia and Azerbaijan fought for six weeks over Nagorno-Karabakh. Armenia lost territory to "
     "Azerbaijan. The two countries agreed to a ceasefire in November.", {"Armenia", "Azerbaijan"}),
    ("Egypt brokered a ceasefire between Israel and Hamas.", {"Israel", "Hamas"}),
    ("Kenya entered into a security pact with Haiti.", {"Kenya", "Haiti"}),
    ("Vietnam agreed with the United States to cut tariffs on farm goods.", {"Vietnam", "United States"}),
    ("Canada and Mexico reached an agreement on steel quotas.", {"Canada", "Mexico"}),
    ("The United States and Japan have a longstanding security treaty.", {"United States", "Japan"}),
    ("A memorandum of understanding between Indonesia and Malaysia was signed on Monday.",
     {"Indonesia", "Malaysia"}),
    ("Officials praised the 2020 U.S.-Mexican water treaty.", {"United States", "Mexico"}),
    ("Peru and Chile agreed to reopen their border.", {"Peru", "Chile"}),
    ("Colombia said an accord had been reached with Venezuela.", {"Colombia", "Venezuela"}),
    ("The treaty was signed by Secretary of State Marco Rubio and Foreign Minister Sergey Lavrov.",
     {"Marco Rubio", "Sergey Lavrov"}),
    ("Ghana and Nigeria are trading partners. Nigeria accused Ghana of breaching a bilateral trade pact.",
     {"Nigeria", "Ghana"}),
    ("Seoul says Tokyo broke its fisheries accord with South Korea.", {"Japan", "South Korea"}),
    ("India and the United States are expected to sign an interim trade deal next week.",
     {"India", "United States"}),
]


@pytest.mark.parametrize(("text", "parties"), AGREEMENTS)
def test_agreement_parties(extract_text, text, parties):
    facts = _found(extract_text(text), "agreement")
    assert frozenset(parties) in {_parties(f) for f in facts}, facts


def test_agreement_attributes(extract_text):
    text = "On March 3, Thailand and Cambodia signed a border truce on landmine clearance in Geneva."
    facts = _found(extract_text(text), "agreement")
    assert len(facts) == 1
    fact = facts[0]
    assert _parties(fact) == {"Thailand", "Cambodia"}
    assert fact["agreementName"] == "border truce on landmine clearance"
    assert fact["place"] == ["Geneva"]
    assert str(fact["date"]) == "2025-03-03"


NOT_AGREEMENTS = [
    "Nancy Pelosi agreed to support the bill.",
    "The two parties could not reach an agreement on the budget.",
    "Talks between Serbia and Kosovo ended without a deal.",
    "France and Italy failed to reach an agreement on migration.",
    "Analysts said a great deal of uncertainty remains in Brazil.",
    "Emmanuel Macron said he agrees with Olaf Scholz that Europe must act.",
    "Argentina rejected the deal with Chile.",
    "Japan and South Korea did not sign the treaty.",
    "Kenya signed the agreement on Monday.",
    "The banks reached agreements with Chile, Venezuela and Mexico.",
    "Spain and Portugal agreed that the summit had gone well.",
    "Washington and Beijing are negotiating a trade deal.",
]


@pytest.mark.parametrize("text", NOT_AGREEMENTS)
def test_no_agreement(extract_text, text):
    assert _found(extract_text(text), "agreement") == []


# Urges ------------------------------------------------------------------------------------------------

DEMANDS = [
    ("The United Nations urged Myanmar to release political prisoners.",
     "United Nations", "Myanmar", "release political prisoners"),
    ("Germany called on Russia to withdraw its troops.", "Germany", "Russia", "withdraw its troops"),
    ("Ukraine asked NATO to supply more air defence systems.",
     "Ukraine", "North Atlantic Treaty Organization", "supply more air defence systems"),
    ("Brazil demanded that Washington lift the tariffs on its steel.",
     "Brazil", "United States", "lift the tariffs on its steel"),
    ("Japan was urged by the IMF to raise its consumption tax.",
     "International Monetary Fund", "Japan", "raise its consumption tax"),
    ("The White House pressed Beijing to buy more American soybeans.",
     "White House", "China", "buy more American soybeans"),
    ("Emmanuel Macron called for Israel to halt its offensive.", "Emmanuel Macron", "Israel",
     "halt its offensive"),
    ('"We urge Pyongyang to return to the negotiating table," said Foreign Minister Cho Hyun.',
     "Cho Hyun", "North Korea", "return to the negotiating table"),
    ("Pope Francis appealed to Russia to end the war.", "Francis", "Russia", "end the war"),
    ("Canada pushed Mexico to tighten its border controls.", "Canada", "Mexico",
     "tighten its border controls"),
    ("The European Commission said Apple must pay back taxes to Ireland.",
     "European Commission", "Apple", "pay back taxes to Ireland"),
    ("Australia renewed its calls for China to lift tariffs on barley.", "Australia", "China",
     "lift tariffs on barley"),
    ("Greece told Turkey to stop drilling near its islands.", "Greece", "Turkey",
     "stop drilling near its islands"),
    ("Mexico asked the United States for more time.", "Mexico", "United States", "more time"),
    ("Senator Elizabeth Warren wrote to the Treasury Department, urging an inquiry into the sale.",
     "Elizabeth Warren", "U.S. Department of the Treasury", "an inquiry into the sale"),
]


@pytest.mark.parametrize(("text", "actor", "addressee", "demand"), DEMANDS)
def test_urges(extract_text, text, actor, addressee, demand):
    facts = _found(extract_text(text), "urges")
    match = [f for f in facts if f.get("actor") == [actor] and f.get("addressee") == [addressee]]
    assert match, facts
    assert match[0]["demand"] == demand


def test_urges_every_coordinated_addressee(extract_text):
    facts = _found(extract_text("Italy called on Greece and Cyprus to join the pipeline project."), "urges")
    assert sorted(f["addressee"][0] for f in facts) == ["Cyprus", "Greece"]


def test_urges_addressee_from_the_dispute(extract_text):
    text = ("Washington was unhappy with the offer and pressed for deeper cuts to narrow its trade deficit "
            "with Seoul.")
    facts = _found(extract_text(text), "urges")
    assert [(f["actor"], f["addressee"], f["demand"]) for f in facts] == [
        (["United States"], ["South Korea"], "deeper cuts")]
    assert facts[0]["confidence"] == 0.5


NOT_DEMANDS = [
    "Reporters asked Donald Trump whether he would extend the pause.",
    "Scott Bessent told reporters that the talks were going well.",
    "India called the tariffs unfair.",
    "China did not urge the United States to lift the tariffs.",
    "Some lawmakers called for new elections.",
    "The minister asked about the timeline.",
    '"They need to stand by us," Recep Tayyip Erdogan said.',
    "Germany urged restraint.",
    "Washington pressed for more reductions.",
    "France called for the border to be reopened.",
    "U.S. President Donald Trump said the United States must protect its farmers.",
    "Should Citigroup sell the bonds, prices would fall, the analyst argued.",
]


@pytest.mark.parametrize("text", NOT_DEMANDS)
def test_no_urges(extract_text, text):
    assert _found(extract_text(text), "urges") == []


# Restriction ------------------------------------------------------------------------------------------

RESTRICTIONS = [
    ("The United States imposed sanctions on Venezuela's state oil company.", "United States", "Venezuela",
     "sanctions"),
    ("The European Union banned imports of Russian oil.", "European Union", "Russia",
     "ban imports of Russian oil"),
    ("Washington added Huawei to its entity list.", "United States", "Huawei", "entity list"),
    ("China announced export controls targeting American defense firms.", "China", "United States",
     "export controls"),
    ("The U.S. Treasury Department sanctioned three Iranian banks.", "U.S. Department of the Treasury",
     "Iran", "sanction three Iranian banks"),
    ("Canada banned Chinese surveillance apps from government devices.", "Canada", "China",
     "ban Chinese surveillance apps from government devices"),
    ("Hezbollah is banned in Germany.", "Germany", "Hezbollah", "ban"),
    ("The United States plans to revoke visas for Chinese students.", "United States", "China",
     "revoke visas for Chinese students"),
    ("Britain froze the assets of Russian oligarchs.", "United Kingdom", "Russia",
     "freeze the assets of Russian oligarchs"),
    ("Japan imposed quotas on South Korean steel.", "Japan", "South Korea", "quotas"),
    ("The EU agreed new sanctions against Belarus.", "European Union", "Belarus", "new sanctions"),
    ("Egypt designated the Muslim Brotherhood as a terrorist organization.", "Egypt", "Muslim Brotherhood",
     "designation as terrorists"),
    ("Hamas is a banned organization in Britain.", "United Kingdom", "Hamas", "ban"),
    ("Norway can hardly avoid EU sanctions.", "European Union", "Norway", "sanctions"),
    ("Syria has been under U.S. sanctions since 2004.", "United States", "Syria", "sanctions"),
    ("Lawmakers urged Germany to ban Chinese telecom equipment.", "Germany", "China",
     "ban Chinese telecom equipment"),
    ("The Netherlands blocked exports of Dutch chipmaking tools to China.", "Netherlands", "China",
     "block exports of Dutch chipmaking tools to China"),
    ("The Commerce Department added dozens of Chinese companies to its entity list.",
     "U.S. Department of Commerce", "China", "entity list"),
]


@pytest.mark.parametrize(("text", "imposer", "target", "measure"), RESTRICTIONS)
def test_restriction(extract_text, text, imposer, target, measure):
    facts = _found(extract_text(text), "restriction")
    match = [f for f in facts if f.get("imposedBy") == [imposer] and target in " ".join(f.get("target", []))]
    assert match, facts
    assert match[0]["measure"] == measure


def test_restriction_statuses(extract_text):
    planned = _found(extract_text("The United States plans to revoke visas for Chinese students."),
                     "restriction")
    threatened = _found(extract_text("The United States threatened sanctions against Turkey."), "restriction")
    assert [f["status"] for f in planned] == ["Planned"]
    assert [f["status"] for f in threatened] == ["Threatened"]


def test_restriction_by_a_leader_is_by_the_country(extract_text):
    facts = _found(extract_text("U.S. President Donald Trump cut off Cuba's access to American banks."),
                   "restriction")
    assert [(f["imposedBy"], f["target"]) for f in facts] == [(["United States"], ["Cuba"])]


NOT_RESTRICTIONS = [
    "The United States lifted sanctions on Syria.",
    "Germany refused to ban the party.",
    "Smoking is banned in restaurants.",
    "The ban on plastic bags took effect in Kenya.",
    "Ban Ki-moon visited Seoul.",
    "Google banned the app from its store.",
    "Iran condemned U.S. sanctions.",
    "Iran has faced sanctions for decades.",
    "France did not impose sanctions on Mali.",
    "The sanctions against Japan should be lifted, the White House said.",
    "The cut in Costa Rica's sugar quota for exports to the United States hurt farmers.",
]


@pytest.mark.parametrize("text", NOT_RESTRICTIONS)
def test_no_restriction(extract_text, text):
    assert _found(extract_text(text), "restriction") == []
