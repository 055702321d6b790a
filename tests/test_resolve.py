"""Entity resolution: one node per real entity, within and across articles."""

from __future__ import annotations

import pytest

from graph.extract.lexicon import load_lexicon, norm_key, plausible_dataset_name, strip_legal_suffix
from tests.extract_support import extract


def iris_of(text: str) -> dict[str, str]:
    """surface form -> IRI for every named entity of a text."""
    out = {}
    for e in extract(text).entities:
        for name in (e.label, *e.aliases):
            out[name] = str(e.iri)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "SMIC raised prices.",
        "Semiconductor Manufacturing International Corp raised prices.",
        "中芯國際 raised prices.",
        "中芯国际 raised prices.",
        "Semiconductor Manufacturing International Corp. (SMIC) raised prices.",
    ],
)
def test_aliases_in_any_script_resolve_to_one_node(text: str) -> None:
    (iri,) = {str(e.iri) for e in extract(text).entities if str(e.cls).endswith("Company")}
    assert iri.endswith("/org/smic")


def test_tsmc_chinese_name() -> None:
    assert iris_of("台積電 said demand was strong.").get("台積電", "").endswith("/org/tsmc")


def test_generic_company_words_do_not_make_another_company() -> None:
    names = iris_of("Huawei Technologies Co said its Huawei unit would grow.")
    assert names["Huawei Technologies Co"] == names["Huawei"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Samsung Electronics", "Samsung SDI"),
        ("Applied Materials", "Applied Optoelectronics"),
        ("SK hynix", "SK Group"),
    ],
)
def test_companies_sharing_a_word_stay_apart(a: str, b: str) -> None:
    names = iris_of(f"{a} and {b} Inc both reported results.")
    assert a in names
    other = names.get(b) or names.get(f"{b} Inc")
    assert other is not None and other != names[a]


def test_unknown_names_get_the_same_node_in_every_article() -> None:
    first = iris_of("Quantix Microdevices Corp said orders doubled.")
    second = iris_of("Investors expect Quantix Microdevices Inc. to grow.")
    assert first["Quantix Microdevices"] == second["Quantix Microdevices"]


def test_acronym_defined_in_parentheses_is_the_same_entity() -> None:
    names = iris_of("The Brunovian Chip Makers Association (BCMA) warned of shortages. BCMA said exports fell.")
    assert names["BCMA"] == names["Brunovian Chip Makers Association"]


def test_surname_refers_back_to_the_person() -> None:
    x = extract(
        "Li Shushen, a vice president of the Chinese Academy of Sciences, wrote the essay. Li said more was needed."
    )
    people = [e for e in x.entities if str(e.cls).endswith("Person")]
    assert [p.label for p in people] == ["Li Shushen"]
    assert len(people[0].spans) == 2


def test_description_links_to_the_company() -> None:
    from tests.extract_support import facts

    found = facts("Huawei unveiled a new phone. The Chinese tech giant said its Mate 70 uses a 7nm chip.")
    assert ("Huawei", "makes", "Mate 70") in found
    assert ("Huawei", "headquarteredIn", "China") in found


def test_fuzzy_spelling_variant() -> None:
    names = iris_of("Globalfoundries Inc. and GlobalFoundires reported.")
    assert names.get("Globalfoundries Inc.", names.get("Globalfoundries")) == names.get("GlobalFoundires")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Applied Materials", True),
        ("Screen", False),
        ("GlobalFoundries", True),
        ("Various companies", False),
        ("NAURA", True),
    ],
)
def test_dataset_names_that_look_like_words_are_not_matched(name: str, ok: bool) -> None:
    assert plausible_dataset_name(name) is ok


def test_keys_and_suffixes() -> None:
    assert norm_key("The Taiwan Semiconductor Manufacturing Co.") == "taiwan semiconductor manufacturing co"
    assert strip_legal_suffix("Tokyo Electron Ltd.") == "Tokyo Electron"
    lexicon = load_lexicon(None, False)
    assert lexicon.lookup("ASML Holding NV") is not None


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Chinese Commerce Minister Liu Wei criticised the new rules.", "org/chinese-ministry-of-commerce"),
        ("China's Commerce Ministry announced the licence rules.", "org/chinese-ministry-of-commerce"),
        ("US Commerce Secretary Ann Brooks defended the rules.", "org/us-department-of-commerce"),
        ("Commerce added four firms to the Entity List.", "org/us-department-of-commerce"),
    ],
)
def test_a_short_body_name_belongs_to_the_country_that_qualifies_it(text: str, body: str) -> None:
    iris = {iri.rsplit("/id/", 1)[-1] for iri in iris_of(text).values()}
    assert body in iris
    other = {"org/chinese-ministry-of-commerce", "org/us-department-of-commerce"} - {body}
    assert not iris & other
