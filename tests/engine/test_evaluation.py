import datetime

import pytest

from tests.engine.support import ON, intake, procedure, product, rule, rule_set, when

PREGNANT = when("pregnant", "equals", True)
SUNBURN = when("sunburn_in_area_last_14_days", "equals", True)
KELOID = when("keloid_or_hypertrophic_scarring", "equals", True)
TATTOO = when("tattoo_or_pmu_in_area", "equals", True)


def decide(rules, **changes) -> dict:
    return rules.evaluate(intake(**changes), on=ON)


def codes(decision: dict) -> list[str]:
    return [finding["rule"] for finding in decision["findings"]]


SEVERITY_RULES = rule_set(
    rule("KELOID", "refer", KELOID),
    rule("SUNBURN", "postpone", SUNBURN, wait_days=14),
    rule("TATTOO", "caution", TATTOO),
)


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({}, "proceed"),
        ({"tattoo_or_pmu_in_area": True}, "proceed"),
        ({"sunburn_in_area_last_14_days": True}, "postpone"),
        ({"sunburn_in_area_last_14_days": True, "tattoo_or_pmu_in_area": True}, "postpone"),
        ({"keloid_or_hypertrophic_scarring": True}, "refer"),
        (
            {
                "keloid_or_hypertrophic_scarring": True,
                "sunburn_in_area_last_14_days": True,
                "tattoo_or_pmu_in_area": True,
            },
            "refer",
        ),
    ],
)
def test_it_takes_the_most_severe_action_as_the_outcome(changes, outcome):
    assert decide(SEVERITY_RULES, **changes)["outcome"] == outcome


def test_it_lists_every_finding_by_severity_then_code_then_longer_wait():
    rules = rule_set(
        rule("B_CAUTION", "caution", TATTOO),
        rule("A_CAUTION", "caution", TATTOO),
        rule("Z_REFER", "refer", KELOID),
        rule("SUNBURN", "postpone", SUNBURN, wait_days=3),
        rule("SUNBURN", "postpone", SUNBURN, wait_days=14),
        rule("SUNBURN", "postpone", SUNBURN),
        rule("A_POSTPONE", "postpone", SUNBURN, wait_days=1),
    )
    decision = decide(
        rules,
        tattoo_or_pmu_in_area=True,
        keloid_or_hypertrophic_scarring=True,
        sunburn_in_area_last_14_days=True,
    )
    summary = [(f["rule"], f["action"], f.get("rescreen_after_days")) for f in decision["findings"]]
    assert summary == [
        ("Z_REFER", "refer", None),
        ("A_POSTPONE", "postpone", 1),
        ("SUNBURN", "postpone", None),
        ("SUNBURN", "postpone", 14),
        ("SUNBURN", "postpone", 3),
        ("A_CAUTION", "caution", None),
        ("B_CAUTION", "caution", None),
    ]
    assert decision["outcome"] == "refer"
    assert decision["rescreen_after"] == "2026-06-15"


def test_it_gives_the_decision_in_the_design_form():
    rules = rule_set(
        rule("SUNBURN", "postpone", SUNBURN, wait_days=14, source_section="Preparing"),
        rule("TATTOO", "caution", TATTOO, title="Tattoo in the area"),
        version=3,
    )
    decision = decide(
        rules,
        sunburn_in_area_last_14_days=True,
        tattoo_or_pmu_in_area=True,
        medications=["Xarelto 20 mg", "zzqx"],
        topical_products=[product("Retin-A 0.025%", 9), product("Mystery balm", 0)],
    )
    assert decision == {
        "outcome": "postpone",
        "rule_set_version": 3,
        "findings": [
            {
                "rule": "SUNBURN",
                "title": "SUNBURN",  # no title: the code
                "action": "postpone",
                "message": "SUNBURN message",
                "client_message": "SUNBURN client message",
                "because": [{"field": "sunburn_in_area_last_14_days", "value": True}],
                "source": "E11 SkinPen Precision labelling",
                "source_section": "Preparing",
                "rescreen_after_days": 14,
            },
            {
                "rule": "TATTOO",
                "title": "Tattoo in the area",
                "action": "caution",
                "message": "TATTOO message",
                "client_message": "TATTOO client message",
                "because": [{"field": "tattoo_or_pmu_in_area", "value": True}],
                "source": "E11 SkinPen Precision labelling",
                "source_section": "",
            },
        ],
        "rescreen_after": "2026-06-15",
        "medications": [
            {
                "entered": "Xarelto 20 mg",
                "generic": "rivaroxaban",
                "classes": ["anticoagulant"],
                "matched_by": "exact",
            },
            {
                "entered": "Retin-A 0.025%",
                "generic": "tretinoin",
                "classes": ["topical_retinoid"],
                "matched_by": "exact",
            },
        ],
        "unrecognised_medications": ["zzqx", "Mystery balm"],
    }


def test_it_proceeds_with_no_date_when_nothing_fires():
    decision = decide(SEVERITY_RULES)
    assert decision["outcome"] == "proceed"
    assert decision["findings"] == []
    assert decision["rescreen_after"] is None


def test_it_has_no_rescreen_date_when_every_postpone_waits_until_resolved():
    rules = rule_set(rule("OPEN_WOUND", "postpone", when("open_wounds_in_area", "equals", True)))
    decision = decide(rules, open_wounds_in_area=True)
    assert decision["findings"][0]["rescreen_after_days"] is None
    assert decision["rescreen_after"] is None


def test_it_rescreens_after_the_latest_wait_counted_from_the_screening_day():
    rules = rule_set(
        rule("SUNBURN", "postpone", SUNBURN, wait_days=14),
        rule("PREGNANCY", "postpone", PREGNANT),
        rule(
            "FILLER", "postpone", *_filler(), wait_days=180, wait_from="recent_procedures.days_ago"
        ),
    )
    decision = decide(
        rules,
        sunburn_in_area_last_14_days=True,
        pregnant=True,
        recent_procedures=[procedure("dermal_filler", 160)],
    )
    assert sorted(f["rescreen_after_days"] or 0 for f in decision["findings"]) == [0, 14, 20]
    assert decision["rescreen_after"] == (ON + datetime.timedelta(days=20)).isoformat()


# ---- waits counted from the event --------------------------------------------------------------


def _filler(days=180):
    return [
        when(
            "recent_procedures",
            "any_item",
            {
                "all": [
                    when("type", "equals", "dermal_filler"),
                    when("in_treatment_area", "equals", True),
                    when("days_ago", "lt", days),
                ]
            },
        )
    ]


FILLER_RULES = rule_set(
    rule(
        "RECENT_PROCEDURE",
        "postpone",
        *_filler(),
        wait_days=180,
        wait_from="recent_procedures.days_ago",
    )
)
ISOTRETINOIN_RULES = rule_set(
    rule(
        "ISOTRETINOIN_RECENT",
        "postpone",
        when("isotretinoin_last_dose_months_ago", "lt", 6),
        when("medication_classes", "contains", "isotretinoin_oral"),
        kind="any",
        wait_days=6,
        wait_unit="months",
        wait_from="isotretinoin_last_dose_months_ago",
    )
)
RETINOID_RULES = rule_set(
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
    )
)


@pytest.mark.parametrize(
    ("rules", "changes", "days"),
    [
        (FILLER_RULES, {"recent_procedures": [procedure("dermal_filler", 10)]}, 170),
        (FILLER_RULES, {"recent_procedures": [procedure("dermal_filler", 0)]}, 180),
        (FILLER_RULES, {"recent_procedures": [procedure("dermal_filler", 179)]}, 1),
        (
            FILLER_RULES,
            {
                "recent_procedures": [
                    procedure("dermal_filler", 100),
                    procedure("dermal_filler", 10),
                    procedure("dermal_filler", 5, in_area=False),
                    procedure("botulinum_toxin", 2),
                ]
            },
            170,
        ),
        # 1 February + 6 months = 1 August; 1 June + 6 months = 1 December.
        (ISOTRETINOIN_RULES, {"isotretinoin_last_dose_months_ago": 4}, 61),
        (ISOTRETINOIN_RULES, {"isotretinoin_last_dose_months_ago": 0}, 183),
        # 5 months and 27 days (0.9 x 30.44 = 27.4, rounded towards today) before 1 June is
        # 5 December; six months later is 5 June.
        (ISOTRETINOIN_RULES, {"isotretinoin_last_dose_months_ago": 5.9}, 4),
        (ISOTRETINOIN_RULES, {"medications": ["Accutane"]}, 183),
        (
            ISOTRETINOIN_RULES,
            {"medications": ["Accutane 20mg"], "isotretinoin_last_dose_months_ago": 4},
            183,
        ),
        (RETINOID_RULES, {"topical_products": [product("Retin-A 0.025%", 3)]}, 4),
        (
            RETINOID_RULES,
            {"topical_products": [product("retinol serum", 5), product("Retin-A", 1)]},
            6,
        ),
    ],
)
def test_it_counts_a_wait_from_the_event(rules, changes, days):
    decision = decide(rules, **changes)
    [finding] = decision["findings"]
    assert finding["rescreen_after_days"] == days
    assert decision["rescreen_after"] == (ON + datetime.timedelta(days=days)).isoformat()


def test_it_counts_the_full_wait_from_today_without_wait_from():
    rules = rule_set(rule("RECENT_PROCEDURE", "postpone", *_filler(), wait_days=180))
    decision = decide(rules, recent_procedures=[procedure("dermal_filler", 10)])
    assert decision["findings"][0]["rescreen_after_days"] == 180


def test_it_counts_from_the_event_when_other_tests_only_narrow_the_rule():
    rules = rule_set(
        rule(
            "RECENT_PROCEDURE",
            "postpone",
            *_filler(),
            when("treatment_areas", "contains", "face"),
            wait_days=180,
            wait_from="recent_procedures.days_ago",
        )
    )
    decision = decide(rules, recent_procedures=[procedure("dermal_filler", 10)])
    assert decision["findings"][0]["rescreen_after_days"] == 170


@pytest.mark.parametrize(("pregnant", "days"), [(False, 170), (True, 180)])
def test_it_counts_the_full_wait_when_another_branch_of_a_nested_condition_fired(pregnant, days):
    rules = rule_set(
        rule(
            "RECENT_PROCEDURE",
            "postpone",
            {"any": [*_filler(), PREGNANT]},
            when("treatment_areas", "contains", "face"),
            wait_days=180,
            wait_from="recent_procedures.days_ago",
        )
    )
    decision = decide(rules, recent_procedures=[procedure("dermal_filler", 10)], pregnant=pregnant)
    assert decision["findings"][0]["rescreen_after_days"] == days


# ---- why a rule fired --------------------------------------------------------------------------


def because_of(rules, **changes) -> list[dict]:
    [finding] = decide(rules, **changes)["findings"]
    return finding["because"]


def test_it_lists_the_answers_of_every_test_of_a_fired_all_group():
    rules = rule_set(
        rule(
            "HERPES_SIMPLEX_HISTORY",
            "refer",
            when("cold_sore_history", "equals", True),
            when("treatment_areas", "contains", "face"),
            when("antiviral_prophylaxis_arranged", "equals", False),
        )
    )
    assert because_of(rules, cold_sore_history=True, treatment_areas=["face", "neck"]) == [
        {"field": "cold_sore_history", "value": True},
        {"field": "treatment_areas", "value": ["face", "neck"]},
        {"field": "antiviral_prophylaxis_arranged", "value": False},
    ]


def test_it_lists_every_entered_medication_for_a_class_that_is_not_there():
    rules = rule_set(
        rule(
            "NO_BLOOD_THINNER",
            "caution",
            when("medication_classes", "not_contains", "anticoagulant"),
        )
    )
    because = because_of(rules, medications=["metformin", "aspirin 75mg", "zzqx"])
    assert because == [{"field": "medications", "value": ["metformin", "aspirin 75mg", "zzqx"]}]


def test_it_lists_every_true_branch_of_an_any_group_and_no_false_one():
    rules = rule_set(rule("ANY", "refer", PREGNANT, SUNBURN, KELOID, kind="any"))
    assert because_of(rules, pregnant=True, keloid_or_hypertrophic_scarring=True) == [
        {"field": "pregnant", "value": True},
        {"field": "keloid_or_hypertrophic_scarring", "value": True},
    ]


def test_it_lists_the_items_that_matched_an_any_item_test():
    filler = procedure("dermal_filler", 10)
    other = procedure("botulinum_toxin", 3)
    because = because_of(FILLER_RULES, recent_procedures=[other, filler])
    assert because == [{"field": "recent_procedures", "value": [filler]}]


def test_it_lists_the_entered_medicines_whose_classes_matched():
    rules = rule_set(
        rule(
            "ANTICOAGULANT_ANTIPLATELET",
            "refer",
            when("medication_classes", "contains_any", ["anticoagulant", "antiplatelet"]),
        )
    )
    because = because_of(rules, medications=["metformin", "Xarelto 20 mg", "aspirin 75mg", "zzqx"])
    assert because == [{"field": "medications", "value": ["Xarelto 20 mg", "aspirin 75mg"]}]


def test_it_lists_the_topical_products_whose_classes_matched():
    rules = rule_set(
        rule("RETINOID", "caution", when("topical_product_classes", "contains", "topical_retinoid"))
    )
    retin_a = product("Retin-A", 30)
    because = because_of(rules, topical_products=[product("CeraVe moisturising cream", 0), retin_a])
    assert because == [{"field": "topical_products", "value": [retin_a]}]


def test_it_lists_the_unrecognised_names():
    rules = rule_set(
        rule("UNRECOGNISED", "caution", when("has_unrecognised_medications", "equals", True))
    )
    because = because_of(
        rules, medications=["warfarin", "zzqx"], topical_products=[product("Mystery balm", 0)]
    )
    assert because == [
        {"field": "medications", "value": ["zzqx"]},
        {"field": "topical_products", "value": ["Mystery balm"]},
    ]


def test_it_lists_the_infections_in_the_area():
    rules = rule_set(rule("INFECTION", "postpone", when("any_infection_in_area", "equals", True)))
    in_area = {"type": "bacterial", "in_treatment_area": True}
    elsewhere = {"type": "warts", "in_treatment_area": False}
    because = because_of(rules, active_infections=[elsewhere, in_area])
    assert because == [{"field": "active_infections", "value": [in_area]}]


def test_it_merges_answers_of_one_field_tested_twice():
    rules = rule_set(
        rule(
            "MEDICINES",
            "refer",
            when("medication_classes", "contains", "anticoagulant"),
            when("medication_classes", "contains", "antiplatelet"),
            kind="any",
        )
    )
    because = because_of(rules, medications=["aspirin", "warfarin", "Xarelto"])
    assert because == [{"field": "medications", "value": ["warfarin", "Xarelto", "aspirin"]}]


def test_it_merges_a_whole_answer_into_the_part_a_derived_fact_explained():
    # The class test explains itself by the blood thinner; is_not_empty by every medicine.
    rules = rule_set(
        rule(
            "ANY_MEDICINE_AND_A_BLOOD_THINNER",
            "caution",
            when("medication_classes", "contains", "anticoagulant"),
            when("medications", "is_not_empty"),
        )
    )
    because = because_of(rules, medications=["warfarin", "metformin"])
    assert because == [{"field": "medications", "value": ["warfarin", "metformin"]}]


def test_it_reports_rules_that_share_a_code_separately():
    rules = rule_set(
        rule(
            "HERPES_SIMPLEX_HISTORY",
            "refer",
            when("cold_sore_history", "equals", True),
            when("antiviral_prophylaxis_arranged", "equals", False),
        ),
        rule("HERPES_SIMPLEX_HISTORY", "caution", when("cold_sore_history", "equals", True)),
    )
    decision = decide(rules, cold_sore_history=True)
    assert [(f["rule"], f["action"]) for f in decision["findings"]] == [
        ("HERPES_SIMPLEX_HISTORY", "refer"),
        ("HERPES_SIMPLEX_HISTORY", "caution"),
    ]
    covered = decide(rules, cold_sore_history=True, antiviral_prophylaxis_arranged=True)
    assert [f["action"] for f in covered["findings"]] == ["caution"]
    assert covered["outcome"] == "proceed"


def test_it_does_not_share_lists_between_the_intake_and_the_decision():
    answers = intake(treatment_areas=["face"], cold_sore_history=True)
    rules = rule_set(rule("AREAS", "caution", when("treatment_areas", "contains", "face")))
    decision = rules.evaluate(answers, on=ON)
    answers["treatment_areas"].append("neck")
    assert decision["findings"][0]["because"][0]["value"] == ["face"]
    decision["findings"][0]["because"][0]["value"].append("back")
    assert answers["treatment_areas"] == ["face", "neck"]
    again = rules.evaluate(answers, on=ON)
    assert again["findings"][0]["because"][0]["value"] == ["face", "neck"]


def test_it_keeps_rule_order_between_guarded_and_unguarded_rules_of_one_code():
    # The first rule is checked on every intake, the second only when pregnant is true; findings
    # that sort alike stay in rule-set order.
    rules = rule_set(
        rule("SAME", "caution", when("breastfeeding", "equals", False), message="first"),
        rule("SAME", "caution", when("pregnant", "equals", True), message="second"),
    )
    decision = decide(rules, pregnant=True)
    assert [f["message"] for f in decision["findings"]] == ["first", "second"]


def _peel(types: list[str]) -> dict:
    return when("recent_procedures", "any_item", {"all": [when("type", "in", types)]})


@pytest.mark.parametrize(
    ("types", "fired"),
    [
        (["botulinum_toxin"], []),
        (["botulinum_toxin", "medium_deep_peel", "dermal_filler"], ["FILLER", "PEEL"]),
        (["dermal_filler", "superficial_peel", "medium_deep_peel"], ["FILLER", "PEEL"]),
    ],
)
def test_it_finds_the_rules_of_each_procedure_type_entered_once_each(types, fired):
    # Rules are checked only for the item types entered; a type two branches ask for fires once.
    rules = rule_set(
        rule("FILLER", "postpone", *_filler()),
        rule(
            "PEEL",
            "postpone",
            _peel(["superficial_peel", "medium_deep_peel"]),
            _peel(["medium_deep_peel"]),
            kind="any",
        ),
    )
    decision = decide(rules, recent_procedures=[procedure(kind, 3) for kind in types])
    assert [f["rule"] for f in decision["findings"]] == fired


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, ("NOT_PREGNANT",)),
        ({"pregnant": True}, ("LIST", "PREGNANT")),
        ({"allergies": ["latex"], "pregnant": True}, ("ALLERGY", "LIST", "PREGNANT")),
    ],
)
def test_it_gives_the_outcome_and_codes_without_explaining(changes, codes):
    rules = rule_set(
        rule("PREGNANT", "postpone", when("pregnant", "equals", True)),
        rule("NOT_PREGNANT", "caution", when("pregnant", "equals", False)),
        rule(
            "LIST",
            "caution",
            when("allergies", "is_not_empty"),
            when("pregnant", "equals", True),
            kind="any",
        ),
        rule("ALLERGY", "refer", when("allergies", "contains", "latex")),
    )
    answers = intake(**changes)
    decision = rules.evaluate(answers, on=ON)
    assert rules.fired_codes(answers, on=ON) == (decision["outcome"], codes)
    assert sorted({f["rule"] for f in decision["findings"]}) == list(codes)
