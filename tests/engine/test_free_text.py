"""Free text counts (PRECAUTIONS.md section 0, rule 9), with the seeded rules and vocabulary."""

from __future__ import annotations

import pytest

from tests.engine.test_seeded_rules import decide, findings_of, fired, intake

ANAESTHETIC, METAL, OTHER = "ALLERGY_TOPICAL_ANAESTHETIC", "ALLERGY_METAL", "ALLERGY_OTHER_PRODUCT"


@pytest.mark.parametrize(
    ("details", "code", "read_as"),
    [
        ("hives after EMLA numbing cream", ANAESTHETIC, "topical_anaesthetic"),
        ("Swelling at the dentist after lignocaine", ANAESTHETIC, "topical_anaesthetic"),
        ("reacted to benzocaine gel", ANAESTHETIC, "topical_anaesthetic"),
        ("rash from a local anaesthetic", ANAESTHETIC, "topical_anaesthetic"),
        ("reacts to nickel earrings", METAL, "nickel_or_metal"),
        ("itchy under a stainless steel watch", METAL, "nickel_or_metal"),
        ("latex gloves make my hands swell", OTHER, "latex"),
    ],
)
def test_allergy_details_that_name_an_allergen_fire_its_precaution(details, code, read_as):
    decision = decide(intake(allergies=[], allergy_details=details))
    assert fired(decision) == {code}
    [finding] = findings_of(decision, code)
    assert finding["because"] == [
        {
            "field": "allergy_details",
            "value": details,
            "read_from_text": True,
            "read_as": {"field": "allergies", "value": [read_as]},
        }
    ]


def test_text_refers_as_the_ticked_answer_does():
    ticked = decide(intake(allergies=["topical_anaesthetic"], allergy_details="hives"))
    typed = decide(intake(allergies=[], allergy_details="hives after EMLA"))
    assert typed["outcome"] == ticked["outcome"] == "refer"
    assert fired(typed) == fired(ticked) == {ANAESTHETIC}


def test_a_ticked_answer_is_explained_by_the_tick_not_the_text():
    decision = decide(intake(allergies=["nickel_or_metal"], allergy_details="nickel earrings"))
    [finding] = findings_of(decision, METAL)
    assert finding["because"] == [{"field": "allergies", "value": ["nickel_or_metal"]}]


def test_text_adds_to_other_ticked_allergies():
    decision = decide(intake(allergies=["fragrance"], allergy_details="and lidocaine"))
    assert fired(decision) == {ANAESTHETIC, OTHER}
    [other] = findings_of(decision, OTHER)
    assert other["because"] == [{"field": "allergies", "value": ["fragrance"]}]


def test_a_medication_or_product_that_names_an_anaesthetic_fires_it():
    decision = decide(
        intake(
            medications=["Lidocaine 5% patch"],
            topical_products=[{"name": "EMLA cream", "last_used_days_ago": 30}],
        )
    )
    assert fired(decision) == {ANAESTHETIC}
    [finding] = findings_of(decision, ANAESTHETIC)
    assert finding["because"] == [
        {
            "field": "medications",
            "value": ["Lidocaine 5% patch"],
            "read_from_text": True,
            "read_as": {"field": "allergies", "value": ["topical_anaesthetic"]},
        },
        {
            "field": "topical_products",
            "value": [{"name": "EMLA cream", "last_used_days_ago": 30}],
            "read_from_text": True,
            "read_as": {"field": "allergies", "value": ["topical_anaesthetic"]},
        },
    ]


def test_one_text_naming_two_allergens_fires_both():
    decision = decide(intake(allergy_details="nickel and latex, also EMLA"))
    assert fired(decision) == {ANAESTHETIC, METAL, OTHER}
    assert decision["outcome"] == "refer"


@pytest.mark.parametrize(
    "details",
    ["hay fever in spring", "penicillin rash", "reaction later that day", "metallic taste"],
)
def test_text_that_names_none_of_them_stays_an_other_allergy(details):
    decision = decide(intake(allergies=[], allergy_details=details))
    assert fired(decision) == {OTHER}
    [finding] = findings_of(decision, OTHER)
    assert all("read_from_text" not in entry for entry in finding["because"])


def test_the_healthy_baseline_still_proceeds():
    assert decide(intake())["outcome"] == "proceed"
