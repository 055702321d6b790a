"""Mentions: names, nodes, demonyms, metonyms, people, unnamed goods — on sentences written for the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.extract.mentions import parse_node_size
from graph.extract.text import split_sentences
from tests.extract_support import extract


def entities(text: str) -> dict[str, str]:
    """label -> class name of what the extractor found."""
    return {e.label: str(e.cls).rsplit("#", 1)[-1] for e in extract(text).entities}


@pytest.mark.parametrize(
    ("spelling", "size"),
    [
        ("5nm", "5"),
        ("5 nm", "5"),
        ("5-nanometer", "5"),
        ("five-nanometre", "5"),
        ("7nm-class", "7"),
        ("14-nanometers", "14"),
        ("1.4nm", "1.4"),
        ("two-nanometer", "2"),
    ],
)
def test_node_spellings(spelling: str, size: str) -> None:
    assert parse_node_size(spelling) == Decimal(size)
    found = entities(f"The foundry plans to make {spelling} chips next year.")
    assert f"{size}nm" in found
    assert found[f"{size}nm"] == "ProcessNode"


def test_node_attribute_is_the_size() -> None:
    x = extract("Rapidus wants to build three-nanometre chips.")
    node = next(e for e in x.entities if e.label == "3nm")
    assert [str(v) for _, v in node.attributes] in (["3"], ["3.0"])


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Dutch officials met the company.", "Netherlands"),
        ("The Hague announced the new licence rules.", "Netherlands"),
        ("Washington imposed new curbs on chip exports.", "United States"),
        ("Beijing's response came within days.", "China"),
        ("South Korean memory makers gained.", "South Korea"),
    ],
)
def test_countries_by_name_demonym_and_metonym(text: str, country: str) -> None:
    assert entities(text).get(country) == "Country"


def test_capital_as_a_place_is_not_the_country() -> None:
    found = entities("Engineers met at a hotel in Tokyo to discuss wafer prices.")
    assert "Japan" not in found


@pytest.mark.parametrize(
    ("text", "name", "cls"),
    [
        ("Shares of Quantix Microdevices Corp rose after the results.", "Quantix Microdevices", "Company"),
        ("Orbital Wafer Holdings said it would expand.", "Orbital Wafer", "Company"),
        ("Zentra Photonics is raising money.", "Zentra Photonics", "Company"),
        ("A start-up called Lumiq builds AI accelerators.", "Lumiq", "Company"),
        ("The program, called Tianshu, funds new fabs.", "Tianshu", "Organization"),
        ("Analysts at Morningfield said demand would slow.", "Morningfield", "Company"),
        (
            "The Brunovian Semiconductor Association warned of shortages.",
            "Brunovian Semiconductor Association",
            "Organization",
        ),
        ("The Ministry of Digital Affairs published the list.", "Ministry of Digital Affairs", "GovernmentBody"),
    ],
)
def test_unknown_organisations(text: str, name: str, cls: str) -> None:
    assert entities(text).get(name) == cls


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        (
            "Anna Keller, a spokeswoman for the Vortex Industries Group, declined to comment.",
            "Anna Keller",
            "spokeswoman",
        ),
        ("Trade Minister Paulo Sandoval said the rules were fair.", "Paulo Sandoval", "Minister"),
        ("Wei Zhang said the plant would open in May.", "Wei Zhang", None),
    ],
)
def test_people_and_roles(text: str, person: str, role: str | None) -> None:
    x = extract(text)
    record = next((e for e in x.entities if e.label == person), None)
    assert record is not None and str(record.cls).endswith("Person")
    roles = [str(v) for p, v in record.attributes if str(p).endswith("role")]
    if role:
        assert roles and role.lower() in roles[0].lower()


@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("The rules cover AI accelerators and high-end GPUs.", "AI chips", "Product"),
        ("It bought second-hand chipmaking tools from Japan.", "chipmaking equipment", "Equipment"),
        ("Exports of cutting-edge semiconductors were banned.", "advanced chips", "Product"),
        ("The firm sells the Zephyr X900 accelerator.", "Zephyr X900", "Product"),
        ("The order covers ten NXT:1980i systems.", "NXT:1980i", "Equipment"),
    ],
)
def test_unnamed_and_model_goods(text: str, label: str, cls: str) -> None:
    assert mentioned(text).get(label) == cls


def mentioned(text: str) -> dict[str, str]:
    """label -> class name of every resolved mention (generic categories too, used by a fact or not)."""
    from tests.extract_support import extractor

    rules = extractor()
    sentences = split_sentences(text)
    resolved = rules.resolver.resolve(rules.finder.find(text, sentences), sentences)  # type: ignore[attr-defined]
    return {e.label: str(e.cls).rsplit("#", 1)[-1] for e in resolved.entities.values()}


def test_a_generic_category_is_an_entity_only_when_a_fact_uses_it() -> None:
    assert "semiconductor chips" not in entities("TSMC said demand for chips was strong.")
    assert "chipmaking equipment" in entities("The US banned exports of chipmaking equipment to China.")


def test_chip_as_a_modifier_is_not_a_chip() -> None:
    found = entities("The chip industry lobbied hard against the plan.")
    assert "semiconductor chips" not in found


def test_boilerplate_lines_are_skipped() -> None:
    text = "Verified by MonsterInsights\nSMIC makes chips in Shanghai.\nMore about\n• English\n• Deutsch"
    kept = [s.text for s in split_sentences(text)]
    assert kept == ["SMIC makes chips in Shanghai."]


def test_sentence_offsets_point_into_the_text() -> None:
    text = "Apple Inc. The company said so.  Nvidia Corp. makes GPUs! U.S. rules apply."
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
