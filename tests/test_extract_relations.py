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
    ],
)
def test_headquarters_from_apposition(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


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
