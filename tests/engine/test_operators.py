import pytest

from tests.engine.support import ON, intake, procedure, product, rule, rule_set, when

CASES = [
    # (test, answers, fires)
    (when("pregnant", "equals", True), {"pregnant": True}, True),
    (when("pregnant", "equals", True), {}, False),
    (when("pregnant", "equals", False), {}, True),
    (when("diabetes_well_controlled", "equals", False), {}, False),
    (
        when("diabetes_well_controlled", "equals", False),
        {"diabetes": "type2", "diabetes_well_controlled": False},
        True,
    ),
    (when("diabetes_well_controlled", "is_null"), {}, True),
    (
        when("diabetes_well_controlled", "is_not_null"),
        {"diabetes": "type1", "diabetes_well_controlled": True},
        True,
    ),
    (when("fitzpatrick_type", "equals", 2), {}, True),
    (when("fitzpatrick_type", "not_equals", 2), {}, False),
    (when("fitzpatrick_type", "lt", 2), {}, False),
    (when("fitzpatrick_type", "lte", 2), {}, True),
    (when("fitzpatrick_type", "gt", 3), {"fitzpatrick_type": 4}, True),
    (when("fitzpatrick_type", "gte", 4), {"fitzpatrick_type": 4}, True),
    (when("fitzpatrick_type", "in", [4, 5, 6]), {"fitzpatrick_type": 5}, True),
    (when("fitzpatrick_type", "in", [4, 5, 6]), {}, False),
    (when("fitzpatrick_type", "not_in", [4, 5, 6]), {}, True),
    (when("isotretinoin_last_dose_months_ago", "lt", 6), {}, False),
    (
        when("isotretinoin_last_dose_months_ago", "lt", 6),
        {"isotretinoin_last_dose_months_ago": 6},
        False,
    ),
    (
        when("isotretinoin_last_dose_months_ago", "lt", 6),
        {"isotretinoin_last_dose_months_ago": 5.9},
        True,
    ),
    (
        when("isotretinoin_last_dose_months_ago", "lte", 6),
        {"isotretinoin_last_dose_months_ago": 6},
        True,
    ),
    (when("isotretinoin_last_dose_months_ago", "gt", 0), {}, False),
    (
        when("isotretinoin_last_dose_months_ago", "gte", 0),
        {"isotretinoin_last_dose_months_ago": 0},
        True,
    ),
    (
        when("isotretinoin_last_dose_months_ago", "equals", 0),
        {"isotretinoin_last_dose_months_ago": 0},
        True,
    ),
    (when("isotretinoin_last_dose_months_ago", "is_null"), {}, True),
    (when("isotretinoin_last_dose_months_ago", "is_not_null"), {}, False),
    (when("eczema", "equals", "history"), {"eczema": "history"}, True),
    (when("eczema", "not_equals", "none"), {}, False),
    (
        when("eczema", "in", ["active_in_area", "active_elsewhere"]),
        {"eczema": "active_elsewhere"},
        True,
    ),
    (when("eczema", "not_in", ["none", "history"]), {"eczema": "history"}, False),
    (when("treatment_areas", "contains", "face"), {}, True),
    (when("treatment_areas", "contains", "neck"), {}, False),
    (when("treatment_areas", "not_contains", "face"), {}, False),
    (when("treatment_areas", "not_contains", "neck"), {}, True),
    (
        when("treatment_areas", "not_contains", "face"),
        {"treatment_areas": ["neck", "chest"]},
        True,
    ),
    (
        when("treatment_areas", "not_contains", "face"),
        {"treatment_areas": ["face", "neck"]},
        False,
    ),
    (when("allergies", "not_contains", "latex"), {}, True),
    (
        when("medication_classes", "not_contains", "anticoagulant"),
        {"medications": ["Eliqus"]},
        False,
    ),
    (
        when("medication_classes", "not_contains", "anticoagulant"),
        {"medications": ["aspirin"]},
        True,
    ),
    (
        when(
            "topical_products",
            "any_item",
            {"all": [when("classes", "not_contains", "topical_retinoid")]},
        ),
        {"topical_products": [product("Retin-A", 1)]},
        False,
    ),
    (when("treatment_areas", "contains_any", ["neck", "face"]), {}, True),
    (when("treatment_areas", "contains_all", ["neck", "face"]), {}, False),
    (
        when("treatment_areas", "contains_all", ["neck", "face"]),
        {"treatment_areas": ["face", "neck", "chest"]},
        True,
    ),
    (when("allergies", "is_empty"), {}, True),
    (when("allergies", "is_not_empty"), {"allergies": ["latex"]}, True),
    (when("allergy_details", "is_empty"), {"allergy_details": "   "}, True),
    (when("allergy_details", "is_not_empty"), {"allergy_details": "hives"}, True),
    (when("medications", "is_empty"), {}, True),
    (when("medications", "is_not_empty"), {"medications": ["metformin"]}, True),
    (when("recent_procedures", "is_empty"), {}, True),
    (
        when("recent_procedures", "is_not_empty"),
        {"recent_procedures": [procedure("surgery", 300)]},
        True,
    ),
    (
        when("recent_procedures", "any_item", {"all": [when("days_ago", "lt", 14)]}),
        {"recent_procedures": [procedure("surgery", 300), procedure("other", 13)]},
        True,
    ),
    (
        when("recent_procedures", "any_item", {"all": [when("days_ago", "lt", 14)]}),
        {"recent_procedures": [procedure("surgery", 300)]},
        False,
    ),
    (when("medication_classes", "contains", "anticoagulant"), {"medications": ["Eliqus"]}, True),
    (when("medication_classes", "is_empty"), {"medications": ["metformin", "zzqx"]}, True),
    (
        when("topical_product_classes", "contains", "topical_retinoid"),
        {"topical_products": [product("Retin-A", 400)]},
        True,
    ),
    (when("topical_product_classes", "is_not_empty"), {}, False),
    (
        when(
            "topical_products",
            "any_item",
            {"all": [when("classes", "contains_any", ["topical_retinoid"])]},
        ),
        {"topical_products": [product("retinol", 1)]},
        True,
    ),
    (when("has_unrecognised_medications", "equals", True), {}, False),
    (when("has_unrecognised_medications", "equals", True), {"medications": ["zzqx"]}, True),
    (
        when("has_unrecognised_medications", "equals", True),
        {"topical_products": [product("odd balm", 3)]},
        True,
    ),
    (
        when("any_infection_in_area", "equals", True),
        {"active_infections": [{"type": "warts", "in_treatment_area": False}]},
        False,
    ),
    (
        when("any_infection_in_area", "equals", True),
        {"active_infections": [{"type": "warts", "in_treatment_area": True}]},
        True,
    ),
]


@pytest.mark.parametrize(("test", "answers", "fires"), CASES)
def test_it_applies_each_operator(test, answers, fires):
    rules = rule_set(rule("RULE", "caution", test))
    decision = rules.evaluate(intake(**answers), on=ON)
    assert bool(decision["findings"]) is fires
