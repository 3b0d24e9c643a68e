"""A rule set of 40 rules using every field type, operator, group kind and wait anchor."""

from __future__ import annotations

from tests.engine.support import rule, when


def _procedure(kind: str, days: int) -> dict:
    return when(
        "recent_procedures",
        "any_item",
        {
            "all": [
                when("type", "equals", kind),
                when("in_treatment_area", "equals", True),
                when("days_ago", "lt", days),
            ]
        },
    )


def _flag(code, action, field, **waits):
    return rule(code, action, when(field, "equals", True), **waits)


PROCEDURE_WAITS = {
    "botulinum_toxin": 14,
    "dermal_filler": 180,
    "superficial_peel": 30,
    "ablative_laser": 90,
    "microneedling": 28,
    "surgery": 365,
}

VARIED_RULES = [
    rule(
        "ACTIVE_INFECTION",
        "postpone",
        when("any_infection_in_area", "equals", True),
        when("unwell_or_fever_today", "equals", True),
        when(
            "active_infections",
            "any_item",
            {"all": [when("type", "in", ["bacterial", "shingles", "other"])]},
        ),
        kind="any",
        wait_days=7,
    ),
    rule(
        "HERPES_SIMPLEX_ACTIVE",
        "postpone",
        when("active_infections", "any_item", {"all": [when("type", "equals", "cold_sore")]}),
    ),
    rule(
        "HERPES_SIMPLEX_HISTORY",
        "refer",
        when("cold_sore_history", "equals", True),
        when("treatment_areas", "contains", "face"),
        when("antiviral_prophylaxis_arranged", "equals", False),
    ),
    rule(
        "HERPES_SIMPLEX_HISTORY",
        "caution",
        when("cold_sore_history", "equals", True),
        {
            "any": [
                when("antiviral_prophylaxis_arranged", "equals", True),
                {
                    "all": [
                        when("treatment_areas", "contains_all", ["neck"]),
                        when("fitzpatrick_type", "lte", 6),
                    ]
                },
            ]
        },
    ),
    _flag("OPEN_WOUND", "postpone", "open_wounds_in_area"),
    rule("ACNE_ACTIVE_INFLAMMATORY", "postpone", when("acne_in_area", "equals", "inflammatory")),
    rule("ACNE_NODULOCYSTIC", "refer", when("acne_in_area", "equals", "nodulocystic")),
    rule("ACNE_COMEDONAL", "caution", when("acne_in_area", "equals", "comedonal")),
    rule(
        "ECZEMA_ACTIVE",
        "postpone",
        when("eczema", "in", ["active_in_area", "active_elsewhere"]),
        wait_days=14,
    ),
    rule("ECZEMA_HISTORY", "caution", when("eczema", "equals", "history")),
    rule(
        "PSORIASIS",
        "refer",
        when("psoriasis", "not_equals", "none"),
        when("autoimmune_conditions", "contains", "psoriasis"),
        when("treatment_goal", "equals", "psoriasis"),
        kind="any",
    ),
    rule(
        "KOEBNER_DERMATOSIS",
        "refer",
        when("other_skin_conditions", "contains_any", ["lichen_planus"]),
    ),
    rule(
        "VITILIGO_PERSONAL",
        "refer",
        when("vitiligo", "not_in", ["none"]),
        when("autoimmune_conditions", "contains", "vitiligo"),
        when("treatment_goal", "equals", "vitiligo"),
        kind="any",
    ),
    _flag("VITILIGO_FAMILY_HISTORY", "refer", "vitiligo_family_history"),
    _flag("PREVIOUS_DEPIGMENTATION", "refer", "previous_depigmentation"),
    rule(
        "AUTOIMMUNE_DISORDER",
        "refer",
        when("autoimmune_conditions", "contains_any", ["lupus", "scleroderma", "thyroid", "other"]),
        when("diabetes", "equals", "type1"),
        kind="any",
    ),
    _flag("KELOID_HYPERTROPHIC_SCARRING", "refer", "keloid_or_hypertrophic_scarring"),
    rule(
        "ANTICOAGULANT_ANTIPLATELET",
        "refer",
        when("medication_classes", "contains_any", ["anticoagulant", "antiplatelet"]),
    ),
    _flag("BLEEDING_DISORDER", "refer", "bleeding_disorder"),
    rule(
        "OTC_BLOOD_THINNING_AGENTS",
        "caution",
        when("medication_classes", "contains", "otc_bleeding_risk"),
    ),
    rule(
        "ISOTRETINOIN_RECENT",
        "postpone",
        when("isotretinoin_last_dose_months_ago", "lt", 6),
        when("medication_classes", "contains", "isotretinoin_oral"),
        when("topical_product_classes", "contains", "isotretinoin_oral"),
        kind="any",
        wait_days=183,
        wait_from="isotretinoin_last_dose_months_ago",
    ),
    rule(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        when(
            "topical_products",
            "any_item",
            {
                "all": [
                    when("classes", "contains", "topical_retinoid"),
                    when("last_used_days_ago", "lt", 7),
                ]
            },
        ),
        wait_days=7,
        wait_from="topical_products.last_used_days_ago",
    ),
    rule(
        "PHOTOSENSITISING_DRUG", "refer", when("medication_classes", "contains", "photosensitiser")
    ),
    rule(
        "IMMUNOSUPPRESSION",
        "refer",
        when("medication_classes", "contains", "immunosuppressant"),
        when("immunodeficiency_or_transplant", "equals", True),
        when("chemotherapy_or_radiotherapy", "in", ["current", "within_12_months"]),
        kind="any",
    ),
    _flag("RADIOTHERAPY_TO_AREA", "refer", "radiotherapy_to_treatment_area_ever"),
    rule(
        "SUNBURN_OR_TAN",
        "postpone",
        when("sunburn_in_area_last_14_days", "equals", True),
        when("tanning_in_area_last_14_days", "equals", True),
        kind="any",
        wait_days=14,
    ),
    rule(
        "PREGNANCY_BREASTFEEDING",
        "postpone",
        when("pregnant", "equals", True),
        when("breastfeeding", "equals", True),
        kind="any",
    ),
    rule(
        "DIABETES_UNCONTROLLED",
        "refer",
        when("diabetes", "not_equals", "none"),
        when("diabetes_well_controlled", "equals", False),
    ),
    rule("DIABETES_CONTROLLED", "caution", when("diabetes_well_controlled", "equals", True)),
    rule(
        "ALLERGY_TOPICAL_ANAESTHETIC", "refer", when("allergies", "contains", "topical_anaesthetic")
    ),
    rule("ALLERGY_OTHER_PRODUCT", "caution", when("allergy_details", "is_not_empty")),
    rule("ROSACEA_ACTIVE", "refer", when("rosacea", "equals", "active_flare")),
    *(
        rule(
            "RECENT_PROCEDURE",
            "postpone",
            _procedure(kind, days),
            wait_days=days,
            wait_from="recent_procedures.days_ago",
        )
        for kind, days in PROCEDURE_WAITS.items()
    ),
    rule(
        "FITZPATRICK_PIH_RISK",
        "caution",
        when("fitzpatrick_type", "gte", 4),
        when("history_of_pih", "equals", True),
        when("other_skin_conditions", "contains", "melasma"),
        kind="any",
    ),
    rule(
        "UNRECOGNISED_MEDICATION",
        "caution",
        when("has_unrecognised_medications", "equals", True),
        when("diabetes_well_controlled", "is_null"),
    ),
]

assert len(VARIED_RULES) == 40, len(VARIED_RULES)
