"""Relations from general patterns, each on sentences written for the test."""

from __future__ import annotations

import pytest

from tests.extract_support import facts


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Dutch supplier ASML said orders rose.", ("ASML", "headquarteredIn", "Netherlands")),
        ("US-based Intel will open a plant in Ohio.", ("Intel", "headquarteredIn", "United States")),
        ("Japan's Tokyo Electron reported record sales.", ("Tokyo Electron", "headquarteredIn", "Japan")),
        ("China's largest chipmaker, SMIC, raised prices.", ("SMIC", "headquarteredIn", "China")),
        ("The biggest foundry in Taiwan, TSMC, beat estimates.", ("TSMC", "headquarteredIn", "Taiwan")),
        (
            "Chinese chipmakers such as Hua Hong and SMIC cut prices.",
            ("Hua Hong Semiconductor", "headquarteredIn", "China"),
        ),
        ("Micron, based in the US, makes memory.", ("Micron", "headquarteredIn", "United States")),
        # what the makers make stands between the demonym and the cue
        ("Korean memory maker SK Hynix raised output.", ("SK hynix", "headquarteredIn", "South Korea")),
        (
            "Orders fell at Japanese equipment suppliers such as Tokyo Electron and Screen.",
            ("Tokyo Electron", "headquarteredIn", "Japan"),
        ),
        # an earlier name in the sentence does not hide the demonym behind it
        (
            "Applied Materials ships deposition tools to Chinese chipmakers such as Hua Hong.",
            ("Hua Hong Semiconductor", "headquarteredIn", "China"),
        ),
    ],
)
def test_headquarters_from_apposition(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


def test_only_goods_may_stand_between_a_demonym_and_its_cue() -> None:
    found = facts("Dutch regulators and ASML suppliers such as Zeiss met on Monday.")
    assert ("Zeiss", "headquarteredIn", "Netherlands") not in found


def test_possessives_keep_their_own_country() -> None:
    found = facts("Taiwan's TSMC and South Korea's Samsung can make 3nm chips.")
    assert ("TSMC", "headquarteredIn", "Taiwan") in found
    assert ("Samsung Electronics", "headquarteredIn", "South Korea") in found
    assert ("Samsung Electronics", "headquarteredIn", "Taiwan") not in found


def test_coordination_gives_one_fact_per_subject() -> None:
    found = facts("Intel and TSMC can make 3nm chips.")
    assert {("Intel", "atNode", "3nm"), ("TSMC", "atNode", "3nm")} <= found


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Applied Materials supplies deposition tools to Micron.", ("Applied Materials", "suppliesTo", "Micron")),
        ("Lam Research sells etch machines to YMTC.", ("Lam Research", "suppliesTo", "YMTC")),
        ("Xiaomi bought chips from Qualcomm.", ("Qualcomm", "suppliesTo", "Xiaomi")),
        ("TSMC makes processors for Apple.", ("TSMC", "manufacturesFor", "Apple")),
        ("UMC will mass produce chips designed by MediaTek.", ("UMC", "manufacturesFor", "MediaTek")),
        ("AMD relies on TSMC to build its CPUs.", ("TSMC", "manufacturesFor", "AMD")),
        ("Huawei launched the Mate 60 Pro in August.", ("Huawei", "makes", "Mate 60 Pro")),
        ("Nvidia's H100 and A100 are in short supply.", ("Nvidia", "makes", "H100")),
        ("Nvidia's H100 and A100 are in short supply.", ("Nvidia", "makes", "A100")),
        ("Samsung uses EUV lithography machines from ASML.", ("Samsung Electronics", "uses", "EUV lithography system")),
    ],
)
def test_verbs_and_possessives(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


def test_object_class_picks_the_predicate() -> None:
    found = facts("GlobalFoundries makes chips for Qualcomm and makes the Kirin 9000S.")
    assert ("GlobalFoundries", "manufacturesFor", "Qualcomm") in found
    assert ("GlobalFoundries", "manufacturesFor", "Kirin 9000S") not in found


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("SMIC has produced crypto mining chips with 7-nanometer technology.", ("SMIC", "atNode", "7nm")),
        ("Rapidus aims to mass-produce 2-nanometre chips by 2027.", ("Rapidus", "atNode", "2nm")),
        ("The Kirin 9000S, which uses a 7nm process, surprised analysts.", ("Kirin 9000S", "atNode", "7nm")),
        ("TSMC's 3nm process is in high demand.", ("TSMC", "atNode", "3nm")),
    ],
)
def test_nodes(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


def test_people_get_their_organisation_and_role() -> None:
    found = facts("Anna Keller, a spokeswoman for the Semiconductor Industry Association, declined to comment.")
    assert ("Anna Keller", "affiliatedWith", "Semiconductor Industry Association") in found
    assert ("Jensen Huang", "affiliatedWith", "Nvidia") in facts("Nvidia CEO Jensen Huang said demand was strong.")


def test_governments_neither_make_nor_supply() -> None:
    found = facts(
        "Korea will tighten its export rules, the Ministry of Trade, Industry and Energy said on Monday, "
        "joining Japan in curbing China's ability to make advanced chips."
    )
    assert not {f for f in found if f[1] in ("makes", "suppliesTo")}
    assert ("Kioxia", "makes", "NAND flash") in facts("Kioxia makes NAND flash.")


def test_origin_of_equipment() -> None:
    found = facts("Chinese fabs still run on Japanese-made chipmaking tools.")
    assert any(p == "originCountry" and o == "Japan" for _, p, o in found)


def test_facility_owner_and_place() -> None:
    found = facts("TSMC is building a new fab in Japan.")
    assert any(s == "TSMC" and p == "operates" for s, p, _ in found)
    assert any(p == "locatedIn" and o == "Japan" for _, p, o in found)


@pytest.mark.parametrize(
    "text",
    [
        "SMIC denied that it supplies chips to Huawei.",
        "SMIC never supplied chips to Huawei.",
        "It is not clear whether SMIC supplies Huawei.",
        "SMIC may have supplied Huawei with chips.",
    ],
)
def test_denied_or_hedged_statements_are_not_facts(text: str) -> None:
    assert not any(p in ("suppliesTo", "manufacturesFor") for _, p, _ in facts(text))


def test_attribution_goes_on_the_evidence() -> None:
    from tests.extract_support import extract

    x = extract("According to Reuters, Applied Materials supplies tools to SMIC.")
    fact = next(f for f in x.facts if str(f.predicate).endswith("suppliesTo"))
    assert [str(r).rsplit("/", 1)[-1] for r in fact.evidence.reported_by] == ["reuters"]
    x = extract("The Semiconductor Industry Association claims Applied Materials supplies tools to SMIC.")
    fact = next(f for f in x.facts if str(f.predicate).endswith("suppliesTo"))
    assert fact.evidence.reported_by
    assert x.article.text[fact.evidence.start : fact.evidence.end] == fact.evidence.sentence


# -- rules added for text styles beyond the seeds (wire lists, analyst notes, press releases, explainers) --------


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a relative clause is about the group before ", which"
        (
            "Equipment vendors such as Lam Research and KLA, which sell inspection tools to Micron, gained.",
            {("Lam Research", "suppliesTo", "Micron"), ("KLA", "suppliesTo", "Micron")},
            set(),
        ),
        (
            "Investors compared Samsung with Intel, which is expected to begin production of its own 3nm process.",
            {("Intel", "atNode", "3nm")},
            set(),
        ),
        # "X and Y, home to A and B": member by member
        (
            "South Korea and Taiwan, home to Samsung Electronics and TSMC, lobbied Washington.",
            {("Samsung Electronics", "headquarteredIn", "South Korea"), ("TSMC", "headquarteredIn", "Taiwan")},
            {("TSMC", "headquarteredIn", "South Korea")},
        ),
        # a name continuing a list after a company cue is a company
        (
            "German suppliers such as Trumpf, Zeiss and Holtmann Weber expanded output.",
            {("Holtmann Weber", "headquarteredIn", "Germany")},
            set(),
        ),
        # a node before a tool is the tool's; a supplier "for the 3nm process" is not at the node
        ("Naura is developing a 14nm etching machine.", set(), {("Naura", "atNode", "14nm")}),
        ("Cadence provides design tools for the 3nm process.", set(), {("Cadence", "atNode", "3nm")}),
        # the goods object of a verb comes before a company object, not after it
        (
            "YMTC makes memory chips and supplied Apple before the iPhone maker dropped it.",
            {("YMTC", "suppliesTo", "Apple")},
            {("YMTC", "makes", "iPhone"), ("YMTC", "manufacturesFor", "Apple")},
        ),
        # kinds of chip makers
        ("US memory chipmaker Micron said demand was weak.", {("Micron", "makes", "memory chips")}, set()),
        (
            "Samsung and SK hynix, the world's two largest memory chipmakers, raised prices.",
            {("Samsung Electronics", "makes", "memory chips"), ("SK hynix", "makes", "memory chips")},
            set(),
        ),
        # the maker of someone's goods manufactures for them
        (
            "TSMC makes most of Nvidia's and AMD's processors.",
            {("TSMC", "manufacturesFor", "Nvidia"), ("TSMC", "manufacturesFor", "AMD")},
            set(),
        ),
        # "X analyst Y" names the analyst's firm
        (
            "Rosenblatt analyst Hans Mosesmann said margins would fall.",
            {("Hans Mosesmann", "affiliatedWith", "Rosenblatt")},
            set(),
        ),
        # "according to X" is a source, not a direction
        (
            "Chinese chipmakers such as SMIC are stockpiling tools before export restrictions take effect, "
            "according to Bernstein analyst Mark Li.",
            set(),
            {("SMIC", "suppliesTo", "Bernstein")},
        ),
    ],
)
def test_rules_for_other_text_styles(
    text: str, present: set[tuple[str, str, str]], absent: set[tuple[str, str, str]]
) -> None:
    found = facts(text)
    assert present <= found, found
    assert not absent & found, found


def test_the_country_is_the_one_the_article_is_about() -> None:
    found = facts(
        "China is recruiting engineers abroad. Its plan comes despite US sanctions, "
        "with Huawei – one of the country's largest tech firms – building new plants."
    )
    assert ("Huawei", "headquarteredIn", "China") in found
    assert ("Huawei", "headquarteredIn", "United States") not in found


def test_plural_sites_in_general_are_not_facilities() -> None:
    from tests.extract_support import extract

    x = extract("KLA relies on Chinese fabs for a third of its revenue.")
    assert not [e for e in x.entities if str(e.cls).endswith("Facility")]


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        # goods and the company they come from; the user of the goods is its customer
        (
            "Hua Hong uses etching tools from Lam Research at its Wuxi fabs.",
            {("Lam Research", "suppliesTo", "Hua Hong Semiconductor")},
            set(),
        ),
        # makers in an apposition: "the largest makers of X"
        (
            "Kioxia and Western Digital, the largest makers of NAND flash, cut output.",
            {("Kioxia", "makes", "NAND flash"), ("Western Digital", "makes", "NAND flash")},
            set(),
        ),
        # "to Y for its Z": Z is Y's, not the supplier's
        (
            "Samsung supplies memory chips to Apple for its iPhone.",
            {("Apple", "makes", "iPhone")},
            {("Samsung Electronics", "makes", "iPhone")},
        ),
        # a title after a body in an apposition is the person's post there
        (
            "Ann Brooks, the US Commerce Secretary, said the rules would stay.",
            {("Ann Brooks", "affiliatedWith", "US Department of Commerce")},
            set(),
        ),
        # "operator" names a company like "supplier" does
        (
            "Singaporean data centre operator Megawatt Holdings bought the servers.",
            {("Megawatt", "headquarteredIn", "Singapore")},
            set(),
        ),
    ],
)
def test_goods_sources_titles_and_owners(
    text: str, expected: set[tuple[str, str, str]], not_expected: set[tuple[str, str, str]]
) -> None:
    found = facts(text)
    assert expected <= found
    assert not found & not_expected


def test_goods_from_a_country_are_not_made_by_it() -> None:
    assert not {
        f for f in facts("Exports of gallium from China fell as Huawei bought chips from Japan.") if f[1] == "makes"
    }


@pytest.mark.parametrize(
    "text",
    ["Chinese toolmakers such as Naura and AMEC gained.", "Chinese toolmakers Naura and AMEC gained."],
)
def test_a_word_that_names_makers_makes_each_of_them(text: str) -> None:
    found = facts(text)
    for company in ("Naura", "AMEC"):
        assert (company, "headquarteredIn", "China") in found
        assert (company, "makes", "chipmaking equipment") in found
