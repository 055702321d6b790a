"""Sanctions as records: kind, imposer, target, items, threshold, date, status — on written sentences."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib.namespace import XSD

from graph.extract.sanctions import parse_date
from tests.extract_support import sanctions


def only(text: str, published: date | None = None) -> dict[str, object]:
    found = sanctions(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("In 2021, the US imposed export controls on chipmaking tools to China.", "ExportControl"),
        ("Washington added Sicarrier to the Entity List last week.", "EntityListing"),
        ("The EU will impose tariffs on Chinese legacy chips.", "Tariff"),
        ("Beijing retaliated with its own sanctions on three American defense firms.", "CounterSanction"),
        ("Washington granted Samsung a waiver that allows it to keep shipping tools to its Xian fab.", "Exemption"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert only(text)["kind"] == kind


def test_imposer_target_items_and_threshold() -> None:
    s = only(
        "In 2021, the US government banned exports of equipment capable of producing 7nm and below chips to Hua Hong."
    )
    assert s["imposedBy"] == ["United States"]
    assert s["targets"] == ["Hua Hong Semiconductor"]
    assert "chipmaking equipment" in s["restricts"]  # type: ignore[operator]
    assert s["nodeThreshold"] == ["7nm"]
    assert str(s["threshold"]) == "7"
    assert s["date"] == "2021"


@pytest.mark.parametrize(
    ("text", "imposer"),
    [
        ("Washington's restrictions on Huawei hurt its phone sales.", "United States"),
        ("The penalties imposed by Japan on Russian firms took effect.", "Japan"),
        ("The Biden administration tightened the ban on AI chips to China.", "United States"),
        ("The US Department of Commerce's new rules target Chinese chipmakers.", "US Department of Commerce"),
        # who responds by imposing a measure imposes it
        ("Japan responded on Friday by restricting exports of photoresist to South Korea.", "Japan"),
    ],
)
def test_imposers(text: str, imposer: str) -> None:
    assert imposer in only(text)["imposedBy"]  # type: ignore[operator]


def test_demonym_target_is_the_country() -> None:
    s = only("The US imposed sanctions on Chinese companies and persons.")
    assert s["targets"] == ["China"]


@pytest.mark.parametrize(
    "text",
    [
        "Washington added 12 firms to the Entity List, including Sugon and Inspur.",
        "The US placed 12 groups on its trade blacklist, including server makers Sugon and Inspur.",
    ],
)
def test_the_list_after_a_listing_names_its_targets(text: str) -> None:
    s = only(text)
    assert {"Sugon", "Inspur"} <= set(s["targets"])  # type: ignore[call-overload]


def test_passive_listing_target() -> None:
    s = only("YMTC was added to the US Entity List in December 2022.")
    assert s["targets"] == ["YMTC"]
    assert s["imposedBy"] == ["United States"]
    assert s["date"] == "2022-12"


def test_exemption_names_the_exempted_companies() -> None:
    text = (
        "Washington extended a waiver that lets foreign chipmakers keep their China fabs running. "
        "The waivers mean that Samsung and SK hynix can continue production in China."
    )
    s = only(text)
    assert s["kind"] == "Exemption"
    assert s["status"] == "Extended"
    assert {"Samsung Electronics", "SK hynix"} <= set(s["exempts"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The US is considering sanctions on Chinese memory makers.", "Considered"),
        ("Washington plans to impose tariffs on Chinese legacy chips.", "Proposed"),
        ("Trump threatened tariffs on Taiwanese chips.", "Threatened"),
        ("The Netherlands lifted the export ban on older lithography tools.", "Lifted"),
        ("Japan imposed export controls on 23 types of chipmaking tools.", "InForce"),
    ],
)
def test_status(text: str, status: str) -> None:
    assert only(text)["status"] == status


def test_imposer_carries_over_to_the_next_sentence() -> None:
    found = sanctions("The US banned exports of AI chips to China. The ban also covers HBM.")
    assert all(s["imposedBy"] == ["United States"] for s in found)


def test_sanction_evidence_is_its_sentence() -> None:
    from tests.extract_support import extract

    x = extract("Some context first. The US restricted exports of EUV tools to China.")
    (s,) = x.sanctions
    assert x.article.text[s.evidence.start : s.evidence.end] == s.evidence.sentence
    assert s.evidence.sentence.startswith("The US restricted")


@pytest.mark.parametrize(
    ("text", "published", "expected", "datatype"),
    [
        ("In 2020, the US banned", None, "2020", XSD.gYear),
        ("In August 2022, the US banned", None, "2022-08", XSD.gYearMonth),
        ("from September 1, 2023", None, "2023-09-01", XSD.date),
        ("since last July", date(2022, 7, 21), "2021-07", XSD.gYearMonth),
        ("since last July", None, None, None),
        ("in May of this year", date(2024, 6, 2), "2024-05", XSD.gYearMonth),
        ("last year", date(2024, 6, 2), "2023", XSD.gYear),
    ],
)
def test_dates(text: str, published: date | None, expected: str | None, datatype: object) -> None:
    value = parse_date(text, published)
    if expected is None:
        assert value is None
    else:
        assert value is not None and str(value) == expected and value.datatype == datatype


def test_no_sanction_without_a_trigger() -> None:
    assert sanctions("TSMC reported record profits on strong demand for AI chips.") == []


# -- precision rules: each on sentences written for it --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Washington plans tariffs on imported chips to push chipmakers to build their fabs in the US.",
        "Tokyo will restrict exports of etching tools to manufacturers outside Japan.",
    ],
)
def test_a_measure_never_targets_its_imposer(text: str) -> None:
    for s in sanctions(text):
        assert not set(s.get("targets", [])) & set(s["imposedBy"]), s  # type: ignore[arg-type]


def test_a_counter_sanction_targets_the_country_it_answers_and_is_not_imposed_by_it() -> None:
    found = sanctions(
        "Responding to the penalties imposed by Washington on Chinese firms, "
        "Beijing announced its own sanctions on three American chip companies."
    )
    (counter,) = [s for s in found if s["kind"] == "CounterSanction"]
    assert counter["imposedBy"] == ["China"]
    assert counter["targets"] == ["United States"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the date belongs to another clause than the measure
        ("Huawei, hit by sanctions, launched its new phone in August 2023.", None),
        ("Huawei, weakened by US export controls, returned to profit in 2023.", None),
        # the date is in the clause stating the measure, or in an aside on it
        ("YMTC, which was added to the Entity List in December 2022, began shipping new chips in 2024.", "2022-12"),
        ("Japan's curbs, which took effect in July 2023, cover 23 types of chipmaking tools.", "2023-07"),
        ("In 2020, the US banned exports of chipmaking tools to SMIC, which later made chips for Huawei.", "2020"),
    ],
)
def test_a_date_comes_from_the_clause_stating_the_measure(text: str, expected: str | None) -> None:
    dates = {s["date"] for s in sanctions(text)}
    assert dates == {expected}


def test_bare_mentions_of_one_imposers_measures_are_one_record() -> None:
    from tests.extract_support import extract

    text = (
        "Huawei kept growing despite US sanctions. "
        "Analysts say the US sanctions designed to slow the industry have backfired. "
        "Washington added SMIC to the Entity List in 2020."
    )
    found = sanctions(text)
    bare = [s for s in found if s["kind"] == "Sanction"]
    assert len(bare) == 1 and set(bare[0]["imposedBy"]) == {"United States"}, found  # type: ignore[arg-type]
    assert any(s["kind"] == "EntityListing" and s["targets"] == ["SMIC"] for s in found)
    x = extract(text)
    (record,) = [s for s in x.sanctions if str(s.kind).endswith("#Sanction")]
    sentences = {f.evidence.sentence for f in x.facts if f.subject == record.iri}
    assert any(s.startswith("Huawei kept") for s in sentences) and any(s.startswith("Analysts say") for s in sentences)


def test_bare_mentions_of_different_kinds_stay_apart() -> None:
    found = sanctions("Huawei grew despite US sanctions. SMIC kept buying tools despite US export controls.")
    assert sorted(s["kind"] for s in found) == ["ExportControl", "Sanction"]  # type: ignore[type-var]


@pytest.mark.parametrize(
    "text",
    [
        "The US restricted exports of AI chips to China. Beijing has been critical of the export restrictions.",
        "The US restricted exports of AI chips to China. Chinese firms kept buying tools despite the export rules.",
        "The US restricted exports of AI chips to China. China plans to circumvent the export controls.",
    ],
)
def test_a_subject_reacting_to_a_measure_does_not_impose_it(text: str) -> None:
    assert all(s["imposedBy"] == ["United States"] for s in sanctions(text))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "In 2020, the US banned exports of equipment capable of producing 10nm and below chips to SMIC.",
            "US export control on chipmaking equipment (10nm and below, targets SMIC, 2020)",
        ),
        ("The US is considering tariffs on legacy chips.", "US tariff on legacy chips (considered)"),
        ("Beijing retaliated with its own sanctions on American firms.", "China counter-sanction on United States"),
        (
            "Washington extended a waiver that lets Samsung and SK hynix keep shipping tools to China.",
            "US exemption for Samsung Electronics, SK hynix (extended)",
        ),
        ("Huawei grew despite US sanctions.", "US sanctions"),
    ],
)
def test_sanction_labels_say_who_imposes_what_on_whom(text: str, label: str) -> None:
    from tests.extract_support import extract

    assert [s.label for s in extract(text).sanctions] == [label]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        # the subject of a relative clause after the measure imposes it
        (
            "Seoul asked for an end to the controls on photoresists, which Tokyo imposed in July 2019.",
            {"imposedBy": "Japan", "restricts": "photoresist", "date": "2019-07"},
        ),
        # a body announcing its own measure imposes it, with its country
        (
            "Japan's Ministry of Economy, Trade and Industry said it would lift the controls on hydrogen fluoride.",
            {"imposedBy": "Ministry of Economy, Trade and Industry", "status": "Lifted"},
        ),
        ("The Commerce Department added Sicarrier to the Entity List.", {"imposedBy": "United States"}),
        # who responds imposes; who copes with a measure is its target; "cut X off"
        (
            "Beijing's response, including export controls on gallium, unsettled buyers.",
            {"imposedBy": "China", "restricts": "gallium"},
        ),
        ("The US tightened its rules. Huawei said it would survive the sanctions.", {"targets": "Huawei"}),
        ("The US rules cut China off from AI chips.", {"targets": "China", "restricts": "AI chips"}),
        # listed targets of a listing
        (
            "The US added 20 Chinese firms, including chip designer Biren Technology, to the Entity List.",
            {"targets": "Biren"},
        ),
        # items further along a list that opens the trigger's scope
        (
            "Japan tightened controls on fluorinated polyimide, photoresists and hydrogen fluoride.",
            {"restricts": "hydrogen fluoride"},
        ),
    ],
)
def test_sanction_rules_for_other_text_styles(text: str, check: dict[str, str]) -> None:
    found = sanctions(text)
    for role, value in check.items():
        assert any(value == s.get(role) or value in (s.get(role) or []) for s in found), (role, value, found)


def test_a_carried_imposer_does_not_sanction_its_own_firms() -> None:
    found = sanctions(
        "Washington restricted exports of AI chips to China. "
        "China later imposed export controls on gallium. "
        "Huawei founder Ren Zhengfei said the company will survive the sanctions."
    )
    (last,) = [s for s in found if "Huawei" in s.get("targets", [])]  # type: ignore[operator]
    assert "China" not in last["imposedBy"]  # type: ignore[operator]
