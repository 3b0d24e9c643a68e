import pytest

from screening.engine import (
    ConditionInvalid,
    compile_condition,
    describe_condition,
    validate_condition,
)
from tests.engine.support import CLASSES, intake, vocabulary

CLASS_CODES = {c.code for c in CLASSES}


def problems_of(condition):
    return validate_condition(condition, class_codes=CLASS_CODES)


def all_of(*tests):
    return {"all": list(tests)}


def nested(depth: int, test: dict | None = None) -> dict:
    """``depth`` levels of groups around one test."""
    node = test or {"field": "pregnant", "op": "equals", "value": True}
    for _ in range(depth):
        node = {"all": [node]}
    return node


FILLER = {
    "field": "recent_procedures",
    "op": "any_item",
    "value": {
        "all": [
            {"field": "type", "op": "equals", "value": "dermal_filler"},
            {"field": "days_ago", "op": "lt", "value": 180},
        ]
    },
}


def test_it_accepts_the_examples_of_the_rules_document():
    cold_sore = all_of(
        {"field": "cold_sore_history", "op": "equals", "value": True},
        {"field": "treatment_areas", "op": "contains", "value": "face"},
        {"field": "antiviral_prophylaxis_arranged", "op": "equals", "value": False},
    )
    assert problems_of(cold_sore) == []
    assert problems_of(all_of(FILLER)) == []


def test_it_accepts_every_operator_of_every_type():
    condition = {
        "any": [
            {"field": "pregnant", "op": "equals", "value": True},
            {"field": "diabetes_well_controlled", "op": "is_null"},
            {"field": "diabetes_well_controlled", "op": "is_not_null"},
            {"field": "diabetes_well_controlled", "op": "equals", "value": False},
            *(
                {"field": "fitzpatrick_type", "op": op, "value": 4}
                for op in ("equals", "not_equals", "lt", "lte", "gt", "gte")
            ),
            {"field": "fitzpatrick_type", "op": "in", "value": [4, 5, 6]},
            {"field": "fitzpatrick_type", "op": "not_in", "value": [1]},
            *(
                {"field": "isotretinoin_last_dose_months_ago", "op": op, "value": 5.5}
                for op in ("equals", "lt", "lte", "gt", "gte")
            ),
            {"field": "isotretinoin_last_dose_months_ago", "op": "is_null"},
            {"field": "eczema", "op": "not_equals", "value": "none"},
            {"field": "eczema", "op": "in", "value": ["history"]},
            {"field": "eczema", "op": "not_in", "value": ["none"]},
            {"field": "allergies", "op": "contains_any", "value": ["latex", "adhesive"]},
            {"field": "allergies", "op": "contains_all", "value": ["latex"]},
            {"field": "allergies", "op": "not_contains", "value": "latex"},
            {"field": "medication_classes", "op": "not_contains", "value": "anticoagulant"},
            {"field": "allergies", "op": "is_empty"},
            {"field": "allergy_details", "op": "is_not_empty"},
            {"field": "medications", "op": "is_empty"},
            {"field": "medication_classes", "op": "contains", "value": "anticoagulant"},
            {
                "field": "topical_product_classes",
                "op": "contains_all",
                "value": ["photosensitiser"],
            },
            {"field": "topical_product_classes", "op": "is_not_empty"},
            {"field": "has_unrecognised_medications", "op": "equals", "value": True},
            {"field": "any_infection_in_area", "op": "equals", "value": True},
            {"field": "active_infections", "op": "is_not_empty"},
            {
                "field": "topical_products",
                "op": "any_item",
                "value": {
                    "any": [
                        {"field": "classes", "op": "contains", "value": "topical_retinoid"},
                        {"field": "name", "op": "is_not_empty"},
                        {"field": "last_used_days_ago", "op": "lte", "value": 7},
                    ]
                },
            },
        ]
    }
    assert problems_of(condition) == []


TEST_AT_TOP = {"field": "pregnant", "op": "equals", "value": True}

CASES = [
    # (id, condition, path, key phrase)
    ("test-at-top", TEST_AT_TOP, "", "must be a group"),
    ("list-at-top", [TEST_AT_TOP], "", "must be a group"),
    ("two-group-keys", {"all": [TEST_AT_TOP], "any": [TEST_AT_TOP]}, "", "exactly one key"),
    ("extra-group-key", {"all": [TEST_AT_TOP], "note": "x"}, "", "exactly one key"),
    ("group-not-a-list", {"all": TEST_AT_TOP}, "", "'all' must be a list"),
    ("empty-group", {"any": []}, "", "The 'any' group is empty"),
    ("empty-nested-group", all_of({"all": []}), "all[0]", "group is empty"),
    ("text-in-group", all_of("pregnant"), "all[0]", "Expected a group"),
    ("object-in-group", all_of({"name": "x"}), "all[0]", "Expected a group"),
    (
        "extra-test-key",
        all_of({**TEST_AT_TOP, "note": "x"}),
        "all[0]",
        "Unknown key 'note' in a test",
    ),
    ("missing-field", all_of({"op": "equals", "value": True}), "all[0]", "needs a 'field'"),
    ("field-not-text", all_of({"field": 3, "op": "equals", "value": 3}), "all[0]", "'field'"),
    (
        "unknown-field",
        all_of({"field": "vitilgo", "op": "equals", "value": "none"}),
        "all[0]",
        "Unknown field 'vitilgo'; did you mean 'vitiligo'?",
    ),
    (
        "item-field-outside-its-list",
        all_of({"field": "days_ago", "op": "lt", "value": 7}),
        "all[0]",
        "'days_ago' is an item field of recent_procedures; use it inside an any_item",
    ),
    (
        "top-field-inside-any-item",
        all_of(
            {
                "field": "recent_procedures",
                "op": "any_item",
                "value": {"all": [{"field": "pregnant", "op": "equals", "value": True}]},
            }
        ),
        "all[0].value.all[0]",
        "Inside any_item on recent_procedures only its item fields can be used",
    ),
    (
        "misspelt-item-field",
        all_of(
            {
                "field": "recent_procedures",
                "op": "any_item",
                "value": {"all": [{"field": "day_ago", "op": "lt", "value": 3}]},
            }
        ),
        "all[0].value.all[0]",
        "did you mean 'days_ago'?",
    ),
    (
        "missing-op",
        all_of({"field": "pregnant", "value": True}),
        "all[0]",
        "The operator null does not fit pregnant",
    ),
    (
        "op-that-does-not-fit",
        all_of({"field": "pregnant", "op": "contains", "value": True}),
        "all[0]",
        "does not fit pregnant (bool); use one of 'equals'",
    ),
    (
        "misspelt-op",
        all_of({"field": "allergies", "op": "contain", "value": "latex"}),
        "all[0]",
        "did you mean 'contains'?",
    ),
    (
        "op-on-text",
        all_of({"field": "allergy_details", "op": "equals", "value": "x"}),
        "all[0]",
        "use one of 'is_empty', 'is_not_empty'",
    ),
    (
        "value-on-no-value-op",
        all_of({"field": "allergies", "op": "is_empty", "value": []}),
        "all[0]",
        "'is_empty' takes no value",
    ),
    ("missing-value", all_of({"field": "pregnant", "op": "equals"}), "all[0]", "needs a 'value'"),
    (
        "bool-value-not-bool",
        all_of({"field": "pregnant", "op": "equals", "value": "yes"}),
        "all[0]",
        "must be true or false",
    ),
    (
        "null-value",
        all_of({"field": "pregnant", "op": "equals", "value": None}),
        "all[0]",
        "must be true or false",
    ),
    (
        "integer-value-a-fraction",
        all_of({"field": "client_age_years", "op": "gte", "value": 21.5}),
        "all[0]",
        "whole number",
    ),
    (
        "integer-value-a-bool",
        all_of({"field": "fitzpatrick_type", "op": "gte", "value": True}),
        "all[0]",
        "whole number",
    ),
    (
        "integer-outside-its-values",
        all_of({"field": "fitzpatrick_type", "op": "equals", "value": 7}),
        "all[0]",
        "between 1 and 6",
    ),
    (
        "empty-integer-list",
        all_of({"field": "fitzpatrick_type", "op": "in", "value": []}),
        "all[0]",
        "non-empty list",
    ),
    (
        "text-in-integer-list",
        all_of({"field": "fitzpatrick_type", "op": "in", "value": [4, "5"]}),
        "all[0].value[1]",
        "whole number",
    ),
    (
        "number-value-text",
        all_of({"field": "isotretinoin_last_dose_months_ago", "op": "lt", "value": "6"}),
        "all[0]",
        "must be a number",
    ),
    (
        "enum-value-outside",
        all_of({"field": "eczema", "op": "equals", "value": "active"}),
        "all[0]",
        "'active' is not a value of eczema; allowed: 'none', 'history', 'active_in_area', "
        "'active_elsewhere'; did you mean 'active_in_area'?",
    ),
    (
        "enum-list-op-without-list",
        all_of({"field": "eczema", "op": "in", "value": "history"}),
        "all[0]",
        "non-empty list",
    ),
    (
        "enum-list-value-outside",
        all_of({"field": "treatment_areas", "op": "contains", "value": "fase"}),
        "all[0]",
        "did you mean 'face'?",
    ),
    (
        "enum-list-item-outside",
        all_of({"field": "allergies", "op": "contains_any", "value": ["latex", "nickel"]}),
        "all[0].value[1]",
        "not a value of allergies",
    ),
    (
        "not-contains-with-list",
        all_of({"field": "treatment_areas", "op": "not_contains", "value": ["face"]}),
        "all[0]",
        '["face"] is not a value of treatment_areas',
    ),
    (
        "not-contains-value-outside",
        all_of({"field": "treatment_areas", "op": "not_contains", "value": "fase"}),
        "all[0]",
        "did you mean 'face'?",
    ),
    (
        "not-contains-without-value",
        all_of({"field": "treatment_areas", "op": "not_contains"}),
        "all[0]",
        "'not_contains' needs a 'value'",
    ),
    (
        "not-contains-on-enum",
        all_of({"field": "eczema", "op": "not_contains", "value": "history"}),
        "all[0]",
        "does not fit eczema (enum)",
    ),
    (
        "empty-contains-all",
        all_of({"field": "allergies", "op": "contains_all", "value": []}),
        "all[0]",
        "non-empty list",
    ),
    (
        "unknown-medication-class",
        all_of({"field": "medication_classes", "op": "contains", "value": "anticoagulent"}),
        "all[0]",
        "did you mean 'anticoagulant'?",
    ),
    (
        "unknown-item-class",
        all_of(
            {
                "field": "topical_products",
                "op": "any_item",
                "value": {"all": [{"field": "classes", "op": "contains", "value": "retinoid"}]},
            }
        ),
        "all[0].value.all[0]",
        "did you mean 'topical_retinoid'?",
    ),
    (
        "any-item-without-group",
        all_of({"field": "recent_procedures", "op": "any_item", "value": FILLER["value"]["all"]}),
        "all[0]",
        "any_item needs a group",
    ),
    (
        "any-item-with-empty-group",
        all_of({"field": "recent_procedures", "op": "any_item", "value": {"any": []}}),
        "all[0].value",
        "group is empty",
    ),
    ("nesting-too-deep", nested(9), ".".join(["all[0]"] * 8), "too deep"),
]


@pytest.mark.parametrize(
    ("condition", "path", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_reports_each_problem_with_its_path(condition, path, phrase):
    problems = problems_of(condition)
    assert [p.path for p in problems] == [path]
    assert phrase in problems[0].message


def test_it_allows_eight_levels_of_groups():
    assert problems_of(nested(8)) == []


def test_it_counts_the_group_of_any_item_as_a_level():
    surgery = {"field": "type", "op": "equals", "value": "surgery"}
    node = {"field": "recent_procedures", "op": "any_item", "value": nested(2, surgery)}
    for _ in range(6):
        node = {"all": [node]}
    assert problems_of(node) == []
    assert "too deep" in problems_of({"all": [node]})[0].message


def test_it_reports_every_problem_of_a_condition():
    condition = all_of(
        {"field": "vitilgo", "op": "equals", "value": "none"},
        {"any": [{"field": "pregnant", "op": "equals", "value": "yes"}, {"field": "eczema"}]},
    )
    assert [p.path for p in problems_of(condition)] == ["all[0]", "all[1].any[0]", "all[1].any[1]"]


def test_it_refuses_to_compile_an_invalid_condition():
    with pytest.raises(ConditionInvalid) as raised:
        compile_condition(
            all_of({"field": "vitilgo", "op": "equals", "value": "none"}), class_codes=()
        )
    assert raised.value.problems[0].path == "all[0]"


def test_it_compiles_a_condition_to_a_check_over_the_facts():
    from screening.engine.facts import prepare_facts

    check = compile_condition(all_of(FILLER), class_codes=CLASS_CODES)
    filler = {"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}
    assert check(prepare_facts(intake(recent_procedures=[filler]), vocabulary()).values)
    assert not check(prepare_facts(intake(), vocabulary()).values)


DESCRIPTIONS = [
    (
        all_of(
            {
                "field": "active_infections",
                "op": "any_item",
                "value": {"all": [{"field": "type", "op": "equals", "value": "cold_sore"}]},
            },
            {"field": "cold_sore_history", "op": "equals", "value": True},
        ),
        "Active infections has an item where Type is Cold sore, and Cold sore history is yes",
    ),
    (
        all_of(
            FILLER, {"field": "treatment_areas", "op": "contains_any", "value": ["face", "neck"]}
        ),
        "Recent procedures has an item where (Type is Dermal filler and Days ago is less than 180)"
        ", and Treatment areas includes any of Face, Neck",
    ),
    (
        {
            "any": [
                {"field": "isotretinoin_last_dose_months_ago", "op": "lt", "value": 6},
                {"field": "medication_classes", "op": "contains", "value": "isotretinoin_oral"},
            ]
        },
        "Last isotretinoin tablet (months ago) is less than 6, or Medication classes includes "
        "Oral isotretinoin",
    ),
    (
        all_of(
            {"field": "diabetes", "op": "in", "value": ["type1", "type2"]},
            {"any": [{"field": "diabetes_well_controlled", "op": "equals", "value": False}]},
            {
                "any": [
                    {"field": "eczema", "op": "equals", "value": "history"},
                    {"field": "allergies", "op": "is_empty"},
                ]
            },
        ),
        "Diabetes is one of Type 1, Type 2, and Diabetes well controlled is no, and "
        "(Eczema is Past eczema, no flare now or Allergies is empty)",
    ),
    (
        all_of(
            {"field": "cold_sore_history", "op": "equals", "value": True},
            {
                "any": [
                    {"field": "antiviral_prophylaxis_arranged", "op": "equals", "value": True},
                    {"field": "treatment_areas", "op": "not_contains", "value": "face"},
                ]
            },
            {"field": "medication_classes", "op": "not_contains", "value": "anticoagulant"},
        ),
        "Cold sore history is yes, and (Antiviral cover arranged is yes or Treatment areas "
        "does not include Face), and Medication classes does not include Anticoagulant",
    ),
]


@pytest.mark.parametrize(("condition", "words"), DESCRIPTIONS)
def test_it_describes_a_condition_in_words(condition, words):
    labels = {c.code: c.label for c in CLASSES}
    assert describe_condition(condition, class_labels=labels) == words
