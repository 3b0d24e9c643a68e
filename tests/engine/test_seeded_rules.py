"""The seeded rule set (fixtures/rules_v1.json) and vocabulary (fixtures/medications_v1.json).

One case per rule: the healthy baseline of INTAKE.md with the few answers changed that should make
exactly that precaution fire. Plus the fixture-rot checks: every rule compiles, every class a rule
names exists, and the precaution codes are those of PRECAUTIONS.md section 2.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from screening.engine import (
    MedicationVocabulary,
    RuleSpec,
    compile_rule_set,
    validate_intake,
)
from tests.engine.baseline import BASELINE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ON = date(2026, 6, 1)

# PRECAUTIONS.md section 2, with each precaution's level (R refer, P postpone, N caution).
# HERPES_SIMPLEX_HISTORY is refer for the face without antiviral cover and caution otherwise.
CATALOGUE = {
    "ACTIVE_INFECTION": "postpone",
    "LOCALISED_INFECTION_ELSEWHERE": "caution",
    "HERPES_SIMPLEX_ACTIVE": "postpone",
    "HERPES_SIMPLEX_HISTORY": "refer",
    "OPEN_WOUND": "postpone",
    "ACNE_ACTIVE_INFLAMMATORY": "postpone",
    "ACNE_NODULOCYSTIC": "refer",
    "ACNE_COMEDONAL": "caution",
    "ECZEMA_ACTIVE": "postpone",
    "ECZEMA_HISTORY": "caution",
    "PSORIASIS": "refer",
    "KOEBNER_DERMATOSIS": "refer",
    "VITILIGO_PERSONAL": "refer",
    "VITILIGO_FAMILY_HISTORY": "refer",
    "PREVIOUS_DEPIGMENTATION": "refer",
    "AUTOIMMUNE_DISORDER": "refer",
    "KELOID_HYPERTROPHIC_SCARRING": "refer",
    "ANTICOAGULANT_ANTIPLATELET": "refer",
    "BLEEDING_DISORDER": "refer",
    "OTC_BLOOD_THINNING_AGENTS": "caution",
    "ISOTRETINOIN_RECENT": "postpone",
    "SYSTEMIC_RETINOID_OTHER": "refer",
    "TOPICAL_RETINOID_EXFOLIANT": "postpone",
    "PHOTOSENSITISING_DRUG": "refer",
    "IMMUNOSUPPRESSION": "refer",
    "RADIOTHERAPY_TO_AREA": "refer",
    "SUNBURN_OR_TAN": "postpone",
    "PREGNANCY_BREASTFEEDING": "postpone",
    "DIABETES_UNCONTROLLED": "refer",
    "DIABETES_CONTROLLED": "caution",
    "ALLERGY_TOPICAL_ANAESTHETIC": "refer",
    "ALLERGY_METAL": "refer",
    "ALLERGY_OTHER_PRODUCT": "caution",
    "ROSACEA_ACTIVE": "refer",
    "ROSACEA_CONTROLLED": "caution",
    "RECENT_PROCEDURE": "postpone",
    "SKIN_CANCER_OR_SUSPICIOUS_LESION": "refer",
    "SKIN_CANCER_HISTORY_ELSEWHERE": "caution",
    "FITZPATRICK_PIH_RISK": "caution",
    "KERATOSIS_PILARIS": "caution",
    "CARDIAC_CONDITION_OR_DEVICE": "refer",
    "TATTOO_PMU_IN_AREA": "caution",
}
PROJECT_CODES = {"UNRECOGNISED_MEDICATION": "caution"}

# PRECAUTIONS.md section 4: days to wait for a procedure in the area.
PROCEDURE_WAITS = {
    "botulinum_toxin": 14,
    "dermal_filler": 180,
    "superficial_peel": 30,
    "medium_deep_peel": 90,
    "ablative_laser": 90,
    "nonablative_laser_or_ipl": 30,
    "microneedling": 28,
    "microdermabrasion": 14,
    "dermabrasion": 90,
    "surgery": 365,
    "waxing_threading_depilatory": 7,
    "other": 30,
}
CLASS_FIELDS = {"medication_classes", "topical_product_classes", "classes"}
RULE_KEYS = {
    "code",
    "title",
    "action",
    "message",
    "client_message",
    "wait_days",
    "wait_unit",
    "wait_from",
    "source",
    "source_section",
    "condition",
}


@cache
def rules_data() -> dict:
    return json.loads((FIXTURES / "rules_v1.json").read_text(encoding="utf-8"))


@cache
def vocabulary_data() -> dict:
    return json.loads((FIXTURES / "medications_v1.json").read_text(encoding="utf-8"))


@cache
def vocabulary() -> MedicationVocabulary:
    return MedicationVocabulary.from_dict(vocabulary_data())


@cache
def rule_set():
    data = rules_data()
    specs = [RuleSpec.from_dict(rule) for rule in data["rules"]]
    return compile_rule_set(version=data["version"], rules=specs, vocabulary=vocabulary())


def intake(**changes) -> dict:
    answers = copy.deepcopy(BASELINE)
    answers.update(changes)
    return answers


def decide(answers: dict) -> dict:
    return rule_set().evaluate(validate_intake(answers), on=ON)


def fired(decision: dict) -> set[str]:
    return {finding["rule"] for finding in decision["findings"]}


def findings_of(decision: dict, code: str) -> list[dict]:
    return [finding for finding in decision["findings"] if finding["rule"] == code]


def condition_tests(node):
    """Every test of a condition, including those inside ``any_item``."""
    if "all" in node or "any" in node:
        for child in node.get("all", node.get("any")):
            yield from condition_tests(child)
    else:
        yield node
        if node["op"] == "any_item":
            yield from condition_tests(node["value"])


def case(code, action, wait=None, *, also=(), id, **changes):
    """A rule case: ``changes`` to the baseline make ``code`` fire with ``action``.

    ``wait`` is the expected ``rescreen_after_days`` of a postpone; ``also`` lists the codes that
    necessarily fire with it (type 1 diabetes is also an autoimmune disease).
    """
    return pytest.param(code, action, wait, frozenset(also), changes, id=f"{code}-{id}")


def bacterial(in_area):
    return [{"type": "bacterial", "in_treatment_area": in_area}]


def infection(kind, in_area):
    return [{"type": kind, "in_treatment_area": in_area}]


def product(name, days):
    return [{"name": name, "last_used_days_ago": days}]


def procedure(kind, days, in_area=True):
    return [{"type": kind, "days_ago": days, "in_treatment_area": in_area}]


CASES = [
    case(
        "ACTIVE_INFECTION", "postpone", 7, id="bacterial-in-area", active_infections=bacterial(True)
    ),
    case(
        "ACTIVE_INFECTION",
        "postpone",
        7,
        id="bacterial-elsewhere",
        active_infections=bacterial(False),
    ),
    case(
        "ACTIVE_INFECTION",
        "postpone",
        7,
        id="fungal-in-area",
        active_infections=infection("fungal", True),
    ),
    case(
        "ACTIVE_INFECTION",
        "postpone",
        7,
        id="warts-in-area",
        active_infections=infection("warts", True),
    ),
    case(
        "ACTIVE_INFECTION",
        "postpone",
        7,
        id="shingles-elsewhere",
        active_infections=infection("shingles", False),
    ),
    case(
        "ACTIVE_INFECTION",
        "postpone",
        7,
        id="other-elsewhere",
        active_infections=infection("other", False),
    ),
    case("ACTIVE_INFECTION", "postpone", 7, id="fever", unwell_or_fever_today=True),
    case(
        "LOCALISED_INFECTION_ELSEWHERE",
        "caution",
        id="fungal-elsewhere",
        active_infections=infection("fungal", False),
    ),
    case(
        "LOCALISED_INFECTION_ELSEWHERE",
        "caution",
        id="warts-elsewhere",
        active_infections=infection("warts", False),
    ),
    case(
        "HERPES_SIMPLEX_ACTIVE",
        "postpone",
        None,
        id="cold-sore-elsewhere",
        active_infections=infection("cold_sore", False),
    ),
    case(
        "HERPES_SIMPLEX_ACTIVE",
        "postpone",
        None,
        id="cold-sore-in-area",
        active_infections=infection("cold_sore", True),
    ),
    case("HERPES_SIMPLEX_HISTORY", "refer", id="face-no-cover", cold_sore_history=True),
    case(
        "HERPES_SIMPLEX_HISTORY",
        "caution",
        id="face-with-cover",
        cold_sore_history=True,
        antiviral_prophylaxis_arranged=True,
    ),
    case(
        "HERPES_SIMPLEX_HISTORY",
        "caution",
        id="not-face",
        cold_sore_history=True,
        treatment_areas=["neck", "chest"],
    ),
    case("OPEN_WOUND", "postpone", None, id="open-wound", open_wounds_in_area=True),
    case("ACNE_ACTIVE_INFLAMMATORY", "postpone", None, id="inflamed", acne_in_area="inflammatory"),
    case("ACNE_NODULOCYSTIC", "refer", id="cysts", acne_in_area="nodulocystic"),
    case("ACNE_COMEDONAL", "caution", id="blackheads", acne_in_area="comedonal"),
    case("ECZEMA_ACTIVE", "postpone", 14, id="in-area", eczema="active_in_area"),
    case("ECZEMA_ACTIVE", "postpone", 14, id="elsewhere", eczema="active_elsewhere"),
    case("ECZEMA_HISTORY", "caution", id="history", eczema="history"),
    case("PSORIASIS", "refer", id="history", psoriasis="history"),
    case("PSORIASIS", "refer", id="elsewhere", psoriasis="active_elsewhere"),
    case("PSORIASIS", "refer", id="in-area", psoriasis="active_in_area"),
    case("PSORIASIS", "refer", id="autoimmune-list", autoimmune_conditions=["psoriasis"]),
    case("PSORIASIS", "refer", id="goal", treatment_goal="psoriasis"),
    case(
        "KOEBNER_DERMATOSIS", "refer", id="lichen-planus", other_skin_conditions=["lichen_planus"]
    ),
    case("VITILIGO_PERSONAL", "refer", id="stable", vitiligo="stable"),
    case("VITILIGO_PERSONAL", "refer", id="active", vitiligo="active"),
    case("VITILIGO_PERSONAL", "refer", id="autoimmune-list", autoimmune_conditions=["vitiligo"]),
    case("VITILIGO_PERSONAL", "refer", id="goal", treatment_goal="vitiligo"),
    case("VITILIGO_FAMILY_HISTORY", "refer", id="relative", vitiligo_family_history=True),
    case("PREVIOUS_DEPIGMENTATION", "refer", id="white-patches", previous_depigmentation=True),
    case("AUTOIMMUNE_DISORDER", "refer", id="lupus", autoimmune_conditions=["lupus"]),
    case("AUTOIMMUNE_DISORDER", "refer", id="thyroid", autoimmune_conditions=["thyroid"]),
    case("AUTOIMMUNE_DISORDER", "refer", id="other", autoimmune_conditions=["other"]),
    case(
        "AUTOIMMUNE_DISORDER",
        "refer",
        id="ibd-with-psoriasis",
        autoimmune_conditions=["inflammatory_bowel_disease", "psoriasis"],
        also={"PSORIASIS"},
    ),
    case(
        "AUTOIMMUNE_DISORDER",
        "refer",
        id="type1-diabetes",
        diabetes="type1",
        diabetes_well_controlled=True,
        also={"DIABETES_CONTROLLED"},
    ),
    case(
        "AUTOIMMUNE_DISORDER",
        "refer",
        id="hydroxychloroquine",
        medications=["Hydroxychloroquine 200mg"],
    ),
    case("AUTOIMMUNE_DISORDER", "refer", id="otezla", medications=["Otezla"]),
    case(
        "KELOID_HYPERTROPHIC_SCARRING", "refer", id="keloid", keloid_or_hypertrophic_scarring=True
    ),
    case("ANTICOAGULANT_ANTIPLATELET", "refer", id="xarelto", medications=["Xarelto 20 mg"]),
    case("ANTICOAGULANT_ANTIPLATELET", "refer", id="warfrin", medications=["warfrin"]),
    case("ANTICOAGULANT_ANTIPLATELET", "refer", id="eliqus", medications=["Eliqus"]),
    case(
        "ANTICOAGULANT_ANTIPLATELET", "refer", id="aspirin", medications=["low dose aspirin 75mg"]
    ),
    case("ANTICOAGULANT_ANTIPLATELET", "refer", id="clopidogrel", medications=["Clopidogrel"]),
    case("BLEEDING_DISORDER", "refer", id="haemophilia", bleeding_disorder=True),
    case("OTC_BLOOD_THINNING_AGENTS", "caution", id="fish-oil", medications=["fish oil"]),
    case(
        "OTC_BLOOD_THINNING_AGENTS",
        "caution",
        id="ibuprofen",
        medications=["Ibuprofen 400mg 2 x daily"],
    ),
    case(
        "ISOTRETINOIN_RECENT", "postpone", 183, id="taking-now", isotretinoin_last_dose_months_ago=0
    ),
    case(
        "ISOTRETINOIN_RECENT",
        "postpone",
        61,  # 1 February + 6 calendar months = 1 August
        id="4-months-ago",
        isotretinoin_last_dose_months_ago=4,
    ),
    case(
        "ISOTRETINOIN_RECENT",
        "postpone",
        4,
        id="5.9-months-ago",
        isotretinoin_last_dose_months_ago=5.9,
    ),
    case(
        "ISOTRETINOIN_RECENT",
        "postpone",
        183,
        id="accutane-in-medications",
        medications=["Accutane"],
    ),
    case(
        "ISOTRETINOIN_RECENT",
        "postpone",
        183,
        id="roaccutane-misspelt",
        medications=["roacutane 20mg"],
    ),
    case(
        "ISOTRETINOIN_RECENT",
        "postpone",
        183,
        id="listed-as-topical",
        topical_products=product("Accutane", 0),
    ),
    case("SYSTEMIC_RETINOID_OTHER", "refer", id="acitretin", medications=["Acitretin 25mg"]),
    case("SYSTEMIC_RETINOID_OTHER", "refer", id="toctino", medications=["Toctino"]),
    case(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        7,
        id="retin-a-today",
        topical_products=product("Retin-A 0.025%", 0),
    ),
    case(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        4,
        id="amlactin-3-days",
        topical_products=product("AmLactin lotion", 3),
    ),
    case(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        1,
        id="glycolic-6-days",
        topical_products=product("glycolic acid toner", 6),
    ),
    case(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        7,
        id="vitamin-c-serum",
        topical_products=product("Vitamin C serum 15%", 0),
    ),
    case(
        "TOPICAL_RETINOID_EXFOLIANT",
        "postpone",
        7,
        id="retinoid-in-medications",
        medications=["tretinoin cream"],
    ),
    case("PHOTOSENSITISING_DRUG", "refer", id="doxycycline", medications=["doxycycline 100mg"]),
    case("PHOTOSENSITISING_DRUG", "refer", id="lasix", medications=["Lasix"]),
    case(
        "PHOTOSENSITISING_DRUG",
        "refer",
        id="naproxen",
        medications=["naproxen 500mg"],
        also={"OTC_BLOOD_THINNING_AGENTS"},
    ),
    case("IMMUNOSUPPRESSION", "refer", id="humira", medications=["Humira pen"]),
    case("IMMUNOSUPPRESSION", "refer", id="methotrexate", medications=["methotrexate 15mg weekly"]),
    case("IMMUNOSUPPRESSION", "refer", id="methotrexat", medications=["methotrexat"]),
    case("IMMUNOSUPPRESSION", "refer", id="prednisolone", medications=["Prednisolone 5 mg"]),
    case("IMMUNOSUPPRESSION", "refer", id="jak", medications=["Rinvoq"]),
    case("IMMUNOSUPPRESSION", "refer", id="tamoxifen", medications=["tamoxifen"]),
    case("IMMUNOSUPPRESSION", "refer", id="transplant", immunodeficiency_or_transplant=True),
    case("IMMUNOSUPPRESSION", "refer", id="chemo-now", chemotherapy_or_radiotherapy="current"),
    case(
        "IMMUNOSUPPRESSION",
        "refer",
        id="chemo-this-year",
        chemotherapy_or_radiotherapy="within_12_months",
    ),
    case("RADIOTHERAPY_TO_AREA", "refer", id="ever", radiotherapy_to_treatment_area_ever=True),
    case("SUNBURN_OR_TAN", "postpone", 14, id="sunburn", sunburn_in_area_last_14_days=True),
    case("SUNBURN_OR_TAN", "postpone", 14, id="tanning", tanning_in_area_last_14_days=True),
    case("PREGNANCY_BREASTFEEDING", "postpone", None, id="pregnant", pregnant=True),
    case("PREGNANCY_BREASTFEEDING", "postpone", None, id="breastfeeding", breastfeeding=True),
    case(
        "DIABETES_UNCONTROLLED",
        "refer",
        id="type2",
        diabetes="type2",
        diabetes_well_controlled=False,
    ),
    case(
        "DIABETES_UNCONTROLLED",
        "refer",
        id="type1",
        diabetes="type1",
        diabetes_well_controlled=False,
        also={"AUTOIMMUNE_DISORDER"},
    ),
    case(
        "DIABETES_CONTROLLED",
        "caution",
        id="type2",
        diabetes="type2",
        diabetes_well_controlled=True,
    ),
    case(
        "ALLERGY_TOPICAL_ANAESTHETIC",
        "refer",
        id="lidocaine",
        allergies=["topical_anaesthetic"],
        allergy_details="hives after lidocaine cream",
    ),
    case("ALLERGY_METAL", "refer", id="nickel", allergies=["nickel_or_metal"]),
    case("ALLERGY_OTHER_PRODUCT", "caution", id="latex", allergies=["latex"]),
    case("ALLERGY_OTHER_PRODUCT", "caution", id="fragrance", allergies=["fragrance"]),
    case(
        "ALLERGY_OTHER_PRODUCT", "caution", id="details-only", allergy_details="rash from plasters"
    ),
    case("ROSACEA_ACTIVE", "refer", id="flare", rosacea="active_flare"),
    case("ROSACEA_CONTROLLED", "caution", id="controlled", rosacea="controlled"),
    *[
        case(
            "RECENT_PROCEDURE", "postpone", wait - 3, id=kind, recent_procedures=procedure(kind, 3)
        )
        for kind, wait in PROCEDURE_WAITS.items()
    ],
    case("SKIN_CANCER_OR_SUSPICIOUS_LESION", "refer", id="current", skin_cancer_history="current"),
    case(
        "SKIN_CANCER_OR_SUSPICIOUS_LESION",
        "refer",
        id="past-in-area",
        skin_cancer_history="in_treatment_area",
    ),
    case(
        "SKIN_CANCER_OR_SUSPICIOUS_LESION",
        "refer",
        id="suspicious-lesion",
        suspicious_lesion_in_area=True,
    ),
    case(
        "SKIN_CANCER_HISTORY_ELSEWHERE",
        "caution",
        id="treated",
        skin_cancer_history="treated_elsewhere",
    ),
    case("FITZPATRICK_PIH_RISK", "caution", id="type-4", fitzpatrick_type=4),
    case("FITZPATRICK_PIH_RISK", "caution", id="type-6", fitzpatrick_type=6),
    case("FITZPATRICK_PIH_RISK", "caution", id="pih", history_of_pih=True),
    case("FITZPATRICK_PIH_RISK", "caution", id="melasma", other_skin_conditions=["melasma"]),
    case("FITZPATRICK_PIH_RISK", "caution", id="goal", treatment_goal="hyperpigmentation_melasma"),
    case(
        "KERATOSIS_PILARIS",
        "caution",
        id="goal",
        treatment_goal="keratosis_pilaris",
        treatment_areas=["arms"],
    ),
    case(
        "KERATOSIS_PILARIS", "caution", id="condition", other_skin_conditions=["keratosis_pilaris"]
    ),
    case(
        "CARDIAC_CONDITION_OR_DEVICE",
        "refer",
        id="pacemaker",
        cardiac_condition_or_implanted_device=True,
    ),
    case("TATTOO_PMU_IN_AREA", "caution", id="brows", tattoo_or_pmu_in_area=True),
    case("UNRECOGNISED_MEDICATION", "caution", id="medication", medications=["zzqx 10mg"]),
    case(
        "UNRECOGNISED_MEDICATION",
        "caution",
        id="topical",
        topical_products=product("Glow Juice", 2),
    ),
]

# Answers that look close to a precaution but must not fire anything.
CLEAR = {
    "isotretinoin-exactly-6-months": {"isotretinoin_last_dose_months_ago": 6},
    "isotretinoin-long-ago": {"isotretinoin_last_dose_months_ago": 14.5},
    "retinoid-7-days-ago": {"topical_products": product("Retin-A 0.025%", 7)},
    "topical-isotretinoin-gel-last-month": {"topical_products": product("isotretinoin gel", 30)},
    "filler-180-days-ago": {"recent_procedures": procedure("dermal_filler", 180)},
    "filler-outside-area": {"recent_procedures": procedure("dermal_filler", 10, in_area=False)},
    "microneedling-28-days-ago": {"recent_procedures": procedure("microneedling", 28)},
    "chemotherapy-over-a-year-ago": {"chemotherapy_or_radiotherapy": "over_12_months_ago"},
    "fitzpatrick-3": {"fitzpatrick_type": 3},
    "seborrhoeic-dermatitis": {"other_skin_conditions": ["seborrhoeic_dermatitis"]},
    "common-medicines": {
        "medications": [
            "Metformin 500 mg twice daily",
            "Levothyroxine 50mcg",
            "omeprazole",
            "Atorvastatin 20mg",
            "Microgynon 30",
            "the pill",
            "cetirizine",
            "Paracetamol 1g",
            "sertraline 50 mg",
            "Ventolin inhaler",
            "Vitamin D3 1000 IU",
            "Vitamin C 1000mg",
            "multivitamin",
            "iron",
            "collagen",
        ]
    },
    "gentle-skincare": {
        "topical_products": [
            {"name": "CeraVe moisturising cream", "last_used_days_ago": 0},
            {"name": "Cetaphil gentle cleanser", "last_used_days_ago": 0},
            {"name": "sunscreen SPF 50", "last_used_days_ago": 0},
            {"name": "hyaluronic acid serum", "last_used_days_ago": 1},
            {"name": "niacinamide 10%", "last_used_days_ago": 0},
        ]
    },
}


def test_it_proceeds_on_the_healthy_baseline():
    decision = decide(intake())
    assert decision["outcome"] == "proceed"
    assert decision["findings"] == []
    assert decision["rescreen_after"] is None
    assert decision["unrecognised_medications"] == []


@pytest.mark.parametrize(("code", "action", "wait", "also", "changes"), CASES)
def test_it_fires_each_seeded_rule(code, action, wait, also, changes):
    decision = decide(intake(**changes))
    assert fired(decision) == {code} | also
    matching = [finding for finding in findings_of(decision, code) if finding["action"] == action]
    assert matching, findings_of(decision, code)
    if action == "postpone":
        assert [finding.get("rescreen_after_days") for finding in matching] == [wait]
    expected = {"refer": "refer", "postpone": "postpone", "caution": "proceed"}[action]
    severities = ["proceed", "postpone", "refer"]
    assert severities.index(decision["outcome"]) >= severities.index(expected)


@pytest.mark.parametrize(("code", "action", "wait", "also", "changes"), CASES)
def test_it_gives_the_same_outcome_and_codes_without_explaining(code, action, wait, also, changes):
    answers = validate_intake(intake(**changes))
    decision = rule_set().evaluate(answers, on=ON)
    fired_codes = rule_set().fired_codes(answers, on=ON)
    assert fired_codes.outcome == decision["outcome"]
    assert fired_codes.codes == tuple(sorted(fired(decision)))


@pytest.mark.parametrize("changes", CLEAR.values(), ids=CLEAR.keys())
def test_it_proceeds_on_answers_that_stay_clear(changes):
    decision = decide(intake(**changes))
    assert decision["outcome"] == "proceed"
    assert decision["findings"] == []


def test_it_covers_every_rule_of_the_fixture_with_a_case():
    messages = set()
    for code, action, _wait, _also, changes in (param.values for param in CASES):
        for finding in findings_of(decide(intake(**changes)), code):
            if finding["action"] == action:
                messages.add(finding["message"])
    untested = [
        rule["message"] for rule in rules_data()["rules"] if rule["message"] not in messages
    ]
    assert untested == []


def test_it_refers_vitiligo_family_history_with_sunburn_and_lists_both():
    decision = decide(intake(vitiligo_family_history=True, sunburn_in_area_last_14_days=True))
    assert decision["outcome"] == "refer"
    assert fired(decision) == {"VITILIGO_FAMILY_HISTORY", "SUNBURN_OR_TAN"}
    [sunburn] = findings_of(decision, "SUNBURN_OR_TAN")
    assert sunburn["action"] == "postpone"
    assert sunburn["rescreen_after_days"] == 14
    # Findings are ordered by severity: the refer comes first.
    assert decision["findings"][0]["rule"] == "VITILIGO_FAMILY_HISTORY"


def test_it_refers_a_cold_sore_now_with_history_on_the_face_without_cover():
    decision = decide(
        intake(
            active_infections=infection("cold_sore", True),
            cold_sore_history=True,
            antiviral_prophylaxis_arranged=False,
        )
    )
    assert decision["outcome"] == "refer"
    assert fired(decision) == {"HERPES_SIMPLEX_ACTIVE", "HERPES_SIMPLEX_HISTORY"}
    assert [f["action"] for f in findings_of(decision, "HERPES_SIMPLEX_HISTORY")] == ["refer"]
    assert [f["action"] for f in findings_of(decision, "HERPES_SIMPLEX_ACTIVE")] == ["postpone"]


@pytest.mark.parametrize(
    ("changes", "action"),
    [
        pytest.param({"treatment_areas": ["face", "neck"]}, "refer", id="face-neck-no-cover"),
        pytest.param({"treatment_areas": ["neck", "chest"]}, "caution", id="face-not-treated"),
        pytest.param(
            {"treatment_areas": ["face", "neck"], "antiviral_prophylaxis_arranged": True},
            "caution",
            id="face-with-cover",
        ),
    ],
)
def test_it_gives_cold_sore_history_either_the_refer_or_the_caution_never_both(changes, action):
    decision = decide(intake(cold_sore_history=True, **changes))
    assert fired(decision) == {"HERPES_SIMPLEX_HISTORY"}
    assert [f["action"] for f in findings_of(decision, "HERPES_SIMPLEX_HISTORY")] == [action]
    assert decision["outcome"] == ("refer" if action == "refer" else "proceed")


def test_it_shows_the_areas_when_the_caution_fires_because_the_face_is_not_treated():
    decision = decide(intake(cold_sore_history=True, treatment_areas=["neck", "chest"]))
    [finding] = findings_of(decision, "HERPES_SIMPLEX_HISTORY")
    assert finding["because"] == [
        {"field": "cold_sore_history", "value": True},
        {"field": "treatment_areas", "value": ["neck", "chest"]},
    ]


def test_it_postpones_accutane_in_medications_for_the_full_wait_when_months_is_null():
    decision = decide(intake(medications=["Accutane"], isotretinoin_last_dose_months_ago=None))
    assert decision["outcome"] == "postpone"
    [finding] = findings_of(decision, "ISOTRETINOIN_RECENT")
    assert finding["rescreen_after_days"] == 183
    assert decision["rescreen_after"] == (ON + timedelta(days=183)).isoformat()


def test_it_counts_the_full_isotretinoin_wait_when_a_listed_drug_contradicts_the_months():
    decision = decide(intake(medications=["Roaccutane 20mg"], isotretinoin_last_dose_months_ago=4))
    [finding] = findings_of(decision, "ISOTRETINOIN_RECENT")
    assert finding["rescreen_after_days"] == 183


def test_it_counts_a_filler_wait_from_the_day_of_the_filler():
    decision = decide(intake(recent_procedures=procedure("dermal_filler", 10)))
    assert decision["outcome"] == "postpone"
    [finding] = findings_of(decision, "RECENT_PROCEDURE")
    assert finding["rescreen_after_days"] == 170
    assert decision["rescreen_after"] == (ON + timedelta(days=170)).isoformat()


def test_it_rescreens_after_the_latest_of_several_waits():
    decision = decide(
        intake(
            sunburn_in_area_last_14_days=True,
            recent_procedures=procedure("dermal_filler", 10) + procedure("botulinum_toxin", 5),
            topical_products=product("Retin-A", 1),
        )
    )
    assert decision["outcome"] == "postpone"
    waits = sorted(f["rescreen_after_days"] for f in decision["findings"])
    assert waits == [6, 9, 14, 170]
    assert decision["rescreen_after"] == (ON + timedelta(days=170)).isoformat()


def test_it_reports_naproxen_as_both_bleeding_risk_and_photosensitiser():
    decision = decide(intake(medications=["Naproxen 250mg"]))
    assert decision["outcome"] == "refer"
    assert fired(decision) == {"OTC_BLOOD_THINNING_AGENTS", "PHOTOSENSITISING_DRUG"}


# Fixture checks ------------------------------------------------------------------------------


def test_it_has_exactly_the_catalogue_codes_plus_the_project_rule():
    codes = {rule["code"] for rule in rules_data()["rules"]}
    assert len(CATALOGUE) == 42
    assert codes == set(CATALOGUE) | set(PROJECT_CODES)


@pytest.mark.parametrize("rule", rules_data()["rules"], ids=lambda rule: rule["code"])
def test_it_compiles_every_seeded_rule(rule):
    spec = RuleSpec.from_dict(rule)
    compile_rule_set(version=1, rules=[spec], vocabulary=vocabulary())


def test_it_compiles_the_whole_rule_set():
    assert rules_data()["version"] == 1
    assert rule_set() is not None


@pytest.mark.parametrize("rule", rules_data()["rules"], ids=lambda rule: rule["code"])
def test_it_keeps_each_rule_to_the_contract_and_the_catalogue(rule):
    assert set(rule) == RULE_KEYS
    expected = {**CATALOGUE, **PROJECT_CODES}[rule["code"]]
    if rule["code"] == "HERPES_SIMPLEX_HISTORY":
        assert rule["action"] in {"refer", "caution"}
    else:
        assert rule["action"] == expected
    if rule["action"] != "postpone":
        assert rule["wait_days"] is None
        assert rule["wait_from"] is None
    for key in ("message", "client_message", "source"):
        assert rule[key].strip()
        assert not re.search(r"[<>]", rule[key]), "plain text only"
    assert not re.search(r"\b(stop|discontinue|skip)\b", rule["client_message"], re.IGNORECASE)


def test_it_waits_as_section_4_says():
    waits = {}
    for rule in rules_data()["rules"]:
        if rule["action"] == "postpone":
            waits.setdefault(rule["code"], []).append((rule["wait_days"], rule["wait_from"]))
            units = "months" if rule["code"] == "ISOTRETINOIN_RECENT" else "days"
            assert rule["wait_unit"] == units, rule["code"]
    assert waits["ISOTRETINOIN_RECENT"] == [(6, "isotretinoin_last_dose_months_ago")]
    assert waits["TOPICAL_RETINOID_EXFOLIANT"] == [(7, "topical_products.last_used_days_ago")]
    assert waits["SUNBURN_OR_TAN"] == [(14, None)]
    assert waits["ACTIVE_INFECTION"] == [(7, None)]
    assert waits["ECZEMA_ACTIVE"] == [(14, None)]
    for code in (
        "HERPES_SIMPLEX_ACTIVE",
        "OPEN_WOUND",
        "ACNE_ACTIVE_INFLAMMATORY",
        "PREGNANCY_BREASTFEEDING",
    ):
        assert waits[code] == [(None, None)]
    procedure_waits = sorted(waits["RECENT_PROCEDURE"])
    expected = [(days, "recent_procedures.days_ago") for days in PROCEDURE_WAITS.values()]
    assert procedure_waits == sorted(expected)


def test_it_gives_every_rule_its_own_message():
    messages = [rule["message"] for rule in rules_data()["rules"]]
    assert len(messages) == len(set(messages))


def test_it_names_only_classes_that_the_vocabulary_defines():
    defined = {item["code"] for item in vocabulary_data()["classes"]}
    used = set()
    for rule in rules_data()["rules"]:
        for test in condition_tests(rule["condition"]):
            if test["field"] in CLASS_FIELDS:
                value = test["value"]
                used.update(value if isinstance(value, list) else [value])
    assert used
    assert used <= defined


def test_it_points_every_class_at_a_catalogue_precaution():
    for item in vocabulary_data()["classes"]:
        assert item["precaution"] in CATALOGUE
        assert item["label"].strip()


def test_it_keeps_vocabulary_names_lower_case_and_unique():
    names = [item["name"] for item in vocabulary_data()["names"]]
    assert len(names) == len(set(names))
    assert all(name == name.strip().lower() for name in names)
    assert sum(1 for item in vocabulary_data()["names"] if not item["classes"]) >= 60


@pytest.mark.parametrize(
    ("entered", "generic", "classes"),
    [
        ("Xarelto 20 mg", "rivaroxaban", {"anticoagulant"}),
        ("warfrin", "warfarin", {"anticoagulant"}),
        ("Eliqus", "apixaban", {"anticoagulant"}),
        ("xaralto", "rivaroxaban", {"anticoagulant"}),
        ("accutaine", "isotretinoin", {"isotretinoin_oral"}),
        ("Roacutane", "isotretinoin", {"isotretinoin_oral"}),
        ("isotretinion", "isotretinoin", {"isotretinoin_oral"}),
        ("methotrexat", "methotrexate", {"immunosuppressant"}),
        ("isotretinoin gel", "isotretinoin (topical)", {"topical_retinoid"}),
        ("naproxen", "naproxen", {"otc_bleeding_risk", "photosensitiser"}),
        ("Aleve", "naproxen", {"otc_bleeding_risk", "photosensitiser"}),
        ("letrozole", "letrozole", {"chemotherapy_or_antineoplastic"}),
        ("metformin", "metformin", set()),
        ("yasmin", "ethinylestradiol/drospirenone", set()),
        ("Tylenol", "paracetamol", set()),
        ("beclometasone", "beclometasone", set()),
        ("CeraVe moisturising cream", "moisturiser", set()),
    ],
)
def test_it_recognises_names_brands_and_misspellings(entered, generic, classes):
    found = vocabulary().match(entered)
    assert found is not None
    assert found.generic == generic
    assert set(found.classes) == classes


def test_every_seeded_rule_has_a_title_for_people():
    rules = rules_data()["rules"]
    titles = [rule["title"] for rule in rules]
    assert all(
        title.strip() and title != rule["code"] for title, rule in zip(titles, rules, strict=True)
    )
    assert len(set(titles)) == len(titles)  # the procedure waits and cold-sore rules differ too
    decision = decide(intake(vitiligo_family_history=True))
    assert decision["findings"][0]["title"] == "Family history of vitiligo"
