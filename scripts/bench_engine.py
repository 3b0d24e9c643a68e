"""Benchmark: the compiled seeded rule set against a hand-written floor (not a test).

Generates 10,000 varied intakes with a fixed seed and validates them. The floor (``floor_decide``)
checks the same precautions as plain if-statements and returns the outcome and the sorted fired
precaution codes; before timing, the script asserts that the engine's full decision, its check path
and the floor agree on both for every intake. Then it times (see ``best_times``):

- engine evaluate: ``evaluate(...)``, the decision JSON the app stores (findings with
  their ``because``, waits, medications);
- engine check: ``fired_codes(...)``, the outcome and fired codes only (facts and compiled
  conditions, no explanation), the like-for-like comparison with the floor;
- floor.

Then, on 1,000 of the intakes, how ``evaluate`` and ``fired_codes`` grow with the seeded rules
copied up to 1,000 and 5,000 rules (no worse than linearly is the goal).

All sides resolve medications through the same ``vocabulary.match``, warmed once before timing,
so all time cached lookups.

    .venv/bin/python scripts/bench_engine.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.engine import (  # noqa: E402
    MedicationVocabulary,
    RuleSpec,
    compile_rule_set,
    validate_intake,
)

SEED = 20260601
COUNT = 10_000
RUNS = 5
CHUNK = 500
SCALED_RULE_COUNTS = (1_000, 5_000)
SCALING_INTAKES = 1_000
ON = date(2026, 6, 1)

AREAS = [
    "face",
    "neck",
    "chest",
    "back",
    "arms",
    "hands",
    "abdomen",
    "thighs",
    "buttocks",
    "scalp",
    "other",
]
GOALS = [
    "fine_lines_wrinkles",
    "acne_scars",
    "other_atrophic_scars",
    "stretch_marks",
    "hyperpigmentation_melasma",
    "enlarged_pores",
    "keratosis_pilaris",
    "psoriasis",
    "vitiligo",
    "hair_loss",
    "other",
]
INFECTIONS = ["cold_sore", "bacterial", "fungal", "warts", "shingles", "other"]
PROCEDURES = {
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
AUTOIMMUNE = [
    "lupus",
    "scleroderma",
    "rheumatoid_arthritis",
    "thyroid",
    "type1_diabetes",
    "psoriasis",
    "vitiligo",
    "alopecia_areata",
    "inflammatory_bowel_disease",
    "other",
]
ALLERGIES = [
    "topical_anaesthetic",
    "nickel_or_metal",
    "latex",
    "antiseptic",
    "hyaluronic_acid",
    "skincare_ingredient",
    "fragrance",
    "adhesive",
    "other",
]
OTHER_SKIN = ["keratosis_pilaris", "lichen_planus", "melasma", "seborrhoeic_dermatitis", "other"]

# What clients type: brands, generics, doses, frequencies, misspellings and the unrecognisable.
MEDICATION_POOL = [
    "Lidocaine 5% plaster",
    "Metformin 500 mg twice daily",
    "metformin",
    "Levothyroxine 50mcg",
    "levothyroxine 100 mcg",
    "Omeprazole 20mg",
    "lansoprazole",
    "Atorvastatin 20 mg",
    "simvastatin 40mg",
    "Rosuvastatin",
    "Microgynon 30",
    "Yasmin",
    "the pill",
    "Cetirizine 10mg",
    "loratadine",
    "Fexofenadine 180mg",
    "Paracetamol 1g",
    "Tylenol",
    "acetaminophen 500 mg",
    "Amlodipine 5mg",
    "Ramipril 2.5 mg",
    "losartan 50mg",
    "Sertraline 50 mg",
    "fluoxetine 20mg",
    "Citalopram",
    "Ventolin inhaler",
    "salbutamol",
    "Beclometasone inhaler",
    "fluticasone nasal spray",
    "Multivitamin",
    "Vitamin D3 1000 IU",
    "vitamin c 1000mg",
    "Iron tablets",
    "folic acid 400mcg",
    "Magnesium",
    "zinc",
    "biotin",
    "collagen powder",
    "probiotics",
    "Ozempic 0.5mg weekly",
    "Xarelto 20 mg",
    "warfarin 3mg",
    "warfrin",
    "Eliquis 5mg",
    "Eliqus",
    "xaralto",
    "low dose aspirin 75mg",
    "Clopidogrel 75 mg",
    "Accutane",
    "accutaine",
    "Roaccutane 20mg",
    "roacutane",
    "isotretinion",
    "Acitretin 25mg",
    "Humira pen",
    "methotrexate 15mg weekly",
    "methotrexat",
    "Prednisolone 5 mg",
    "Dupixent",
    "Rinvoq 15mg",
    "tamoxifen 20mg",
    "Hydroxychloroquine 200mg",
    "Otezla",
    "doxycycline 100mg",
    "Lymecycline 408mg",
    "ciprofloxacin 500 mg",
    "Lasix 40mg",
    "bendroflumethiazide 2.5mg",
    "Ibuprofen 400mg 2 x daily",
    "Nurofen",
    "naproxen 500mg",
    "fish oil",
    "Omega 3 1000mg",
    "vitamin e",
    "turmeric",
    "St John's Wort",
    "zzqx",
    "herbal tea",
    "Bio-Strath",
    "co-codamol 30/500",
    "propranolol 10mg",
]
TOPICAL_POOL = [
    "EMLA cream",
    "CeraVe moisturising cream",
    "Cetaphil gentle cleanser",
    "sunscreen SPF 50",
    "hyaluronic acid serum",
    "Niacinamide 10%",
    "La Roche-Posay Cicaplast",
    "Vaseline",
    "moisturiser",
    "Retin-A 0.025%",
    "tretinoin 0.05% cream",
    "Differin gel",
    "Epiduo",
    "The Ordinary retinol 0.5%",
    "retinal serum",
    "isotretinoin gel",
    "AmLactin lotion",
    "glycolic acid toner",
    "Paula's Choice BHA",
    "salicylic acid cleanser",
    "benzoyl peroxide 5%",
    "azelaic acid 15%",
    "Vitamin C serum 15%",
    "urea cream 10%",
    "exfoliating scrub",
    "Glow Juice",
    "rosehip oil",
]

AUTOIMMUNE_OTHER = frozenset(AUTOIMMUNE) - {"psoriasis", "vitiligo"}
IMMUNE_CLASSES = frozenset(
    {
        "immunosuppressant",
        "biologic",
        "jak_inhibitor",
        "systemic_corticosteroid",
        "chemotherapy_or_antineoplastic",
    }
)
TOPICAL_CLASSES = frozenset({"topical_retinoid", "topical_exfoliant_or_harsh"})
BLOOD_THINNERS = frozenset({"anticoagulant", "antiplatelet"})
INFECTION_ANYWHERE = frozenset({"bacterial", "shingles", "other"})


def load_fixtures(rule_count: int | None = None):
    """The seeded rule set and vocabulary; with ``rule_count``, that many rules: the seeded ones
    again and again, each copy under a code of its own."""
    rules = json.loads((ROOT / "fixtures" / "rules_v1.json").read_text(encoding="utf-8"))
    names = json.loads((ROOT / "fixtures" / "medications_v1.json").read_text(encoding="utf-8"))
    vocabulary = MedicationVocabulary.from_dict(names)
    seeded = rules["rules"]
    copies = [
        {**rule, "code": f"{rule['code']}_{number // len(seeded)}"}
        if number >= len(seeded)
        else rule
        for number, rule in enumerate(seeded * (-(-(rule_count or 0) // len(seeded))))
    ][:rule_count] or seeded
    specs = [RuleSpec.from_dict(rule) for rule in copies]
    return compile_rule_set(
        version=rules["version"], rules=specs, vocabulary=vocabulary
    ), vocabulary


def generate(rng: random.Random) -> dict:
    def chance(p: float) -> bool:
        return rng.random() < p

    def some(pool, p, most=3):
        return rng.sample(pool, rng.randint(1, most)) if chance(p) else []

    diabetes = rng.choices(["none", "type1", "type2"], weights=[90, 3, 7])[0]
    areas = ["face"] if chance(0.6) else rng.sample(AREAS, rng.randint(1, 3))
    return {
        "client_age_years": rng.randint(18, 75),
        "treatment_areas": areas,
        "treatment_goal": rng.choices(GOALS, weights=[30, 25, 8, 8, 10, 8, 3, 2, 2, 3, 1])[0],
        "fitzpatrick_type": rng.choices(range(1, 7), weights=[10, 30, 30, 15, 10, 5])[0],
        "history_of_pih": chance(0.05),
        "active_infections": [
            {"type": rng.choice(INFECTIONS), "in_treatment_area": chance(0.5)}
            for _ in range(rng.choices([0, 1, 2], weights=[94, 5, 1])[0])
        ],
        "unwell_or_fever_today": chance(0.02),
        "cold_sore_history": chance(0.12),
        "antiviral_prophylaxis_arranged": chance(0.05),
        "open_wounds_in_area": chance(0.02),
        "acne_in_area": rng.choices(
            ["none", "comedonal", "inflammatory", "nodulocystic"], weights=[85, 8, 5, 2]
        )[0],
        "eczema": rng.choices(
            ["none", "history", "active_in_area", "active_elsewhere"], weights=[88, 8, 2, 2]
        )[0],
        "psoriasis": rng.choices(
            ["none", "history", "active_elsewhere", "active_in_area"], weights=[96, 2, 1, 1]
        )[0],
        "rosacea": rng.choices(["none", "controlled", "active_flare"], weights=[92, 6, 2])[0],
        "other_skin_conditions": some(OTHER_SKIN, 0.06, most=2),
        "sunburn_in_area_last_14_days": chance(0.03),
        "tanning_in_area_last_14_days": chance(0.04),
        "tattoo_or_pmu_in_area": chance(0.05),
        "suspicious_lesion_in_area": chance(0.01),
        "skin_cancer_history": rng.choices(
            ["none", "treated_elsewhere", "in_treatment_area", "current"], weights=[96, 2, 1, 1]
        )[0],
        "vitiligo": rng.choices(["none", "stable", "active"], weights=[98, 1, 1])[0],
        "vitiligo_family_history": chance(0.02),
        "previous_depigmentation": chance(0.01),
        "autoimmune_conditions": some(AUTOIMMUNE, 0.04, most=2),
        "keloid_or_hypertrophic_scarring": chance(0.02),
        "bleeding_disorder": chance(0.005),
        "diabetes": diabetes,
        "diabetes_well_controlled": None if diabetes == "none" else chance(0.8),
        "immunodeficiency_or_transplant": chance(0.005),
        "chemotherapy_or_radiotherapy": rng.choices(
            ["none", "current", "within_12_months", "over_12_months_ago"],
            weights=[97, 0.5, 1, 1.5],
        )[0],
        "radiotherapy_to_treatment_area_ever": chance(0.005),
        "cardiac_condition_or_implanted_device": chance(0.01),
        "pregnant": chance(0.01),
        "breastfeeding": chance(0.02),
        "medications": some(MEDICATION_POOL, 0.45),
        "isotretinoin_last_dose_months_ago": (
            rng.choice([0, 1, 2.5, 4, 5.9, 6, 8, 12, 24, 60]) if chance(0.1) else None
        ),
        "topical_products": [
            {"name": name, "last_used_days_ago": rng.choice([0, 0, 1, 2, 5, 7, 10, 14, 30])}
            for name in some(TOPICAL_POOL, 0.8)
        ],
        "allergies": some(ALLERGIES, 0.08, most=2),
        "allergy_details": rng.choice(ALLERGY_TEXTS) if chance(0.05) else "",
        "recent_procedures": [
            {
                "type": rng.choice(list(PROCEDURES)),
                "days_ago": rng.randint(0, 365),
                "in_treatment_area": chance(0.7),
            }
            for _ in range(rng.choices([0, 1, 2], weights=[80, 15, 5])[0])
        ],
    }


ALLERGY_TEXTS = [
    "rash",
    "hay fever",
    "hives after EMLA numbing cream",
    "reacts to nickel earrings",
    "latex gloves",
]
# PRECAUTIONS.md section 0 rule 9: free text naming these counts as ticking the allergy.
TEXT_ALLERGENS = frozenset({"topical_anaesthetic", "nickel_or_metal", "latex"})
ALLERGY_OTHER = frozenset(
    {
        "latex",
        "antiseptic",
        "hyaluronic_acid",
        "skincare_ingredient",
        "fragrance",
        "adhesive",
        "other",
    }
)


def floor_decide(intake: dict, vocabulary: MedicationVocabulary) -> tuple[str, list[str]]:
    """The seeded precautions written out by hand: the outcome and the sorted fired codes."""
    unrecognised = False
    medication_classes: set[str] = set()
    for text in intake["medications"]:
        found = vocabulary.match(text)
        if found is None:
            unrecognised = True
        else:
            medication_classes.update(found.classes)
    classes = set(medication_classes)
    recent_topical = False
    for item in intake["topical_products"]:
        found = vocabulary.match(item["name"])
        if found is None:
            unrecognised = True
        else:
            classes.update(found.classes)
            if item["last_used_days_ago"] < 7 and TOPICAL_CLASSES.intersection(found.classes):
                recent_topical = True

    refer: list[str] = []
    postpone: list[str] = []
    caution: list[str] = []
    areas = intake["treatment_areas"]
    autoimmune = intake["autoimmune_conditions"]
    other_skin = intake["other_skin_conditions"]
    allergies = set(intake["allergies"]) | (TEXT_ALLERGENS & classes)
    if intake["allergy_details"]:
        allergies |= TEXT_ALLERGENS & vocabulary.named_classes(intake["allergy_details"])
    goal = intake["treatment_goal"]
    diabetes = intake["diabetes"]
    infections = intake["active_infections"]
    months = intake["isotretinoin_last_dose_months_ago"]

    if (
        any(i["type"] != "cold_sore" and i["in_treatment_area"] for i in infections)
        or any(i["type"] in INFECTION_ANYWHERE for i in infections)
        or intake["unwell_or_fever_today"]
    ):
        postpone.append("ACTIVE_INFECTION")
    if any(i["type"] in ("fungal", "warts") and not i["in_treatment_area"] for i in infections):
        caution.append("LOCALISED_INFECTION_ELSEWHERE")
    if any(i["type"] == "cold_sore" for i in infections):
        postpone.append("HERPES_SIMPLEX_ACTIVE")
    if intake["cold_sore_history"]:
        if "face" in areas and not intake["antiviral_prophylaxis_arranged"]:
            refer.append("HERPES_SIMPLEX_HISTORY")
        else:
            caution.append("HERPES_SIMPLEX_HISTORY")
    if intake["open_wounds_in_area"]:
        postpone.append("OPEN_WOUND")
    acne = intake["acne_in_area"]
    if acne == "inflammatory":
        postpone.append("ACNE_ACTIVE_INFLAMMATORY")
    elif acne == "nodulocystic":
        refer.append("ACNE_NODULOCYSTIC")
    elif acne == "comedonal":
        caution.append("ACNE_COMEDONAL")
    eczema = intake["eczema"]
    if eczema in ("active_in_area", "active_elsewhere"):
        postpone.append("ECZEMA_ACTIVE")
    elif eczema == "history":
        caution.append("ECZEMA_HISTORY")
    if intake["psoriasis"] != "none" or "psoriasis" in autoimmune or goal == "psoriasis":
        refer.append("PSORIASIS")
    if "lichen_planus" in other_skin:
        refer.append("KOEBNER_DERMATOSIS")
    if intake["vitiligo"] != "none" or "vitiligo" in autoimmune or goal == "vitiligo":
        refer.append("VITILIGO_PERSONAL")
    if intake["vitiligo_family_history"]:
        refer.append("VITILIGO_FAMILY_HISTORY")
    if intake["previous_depigmentation"]:
        refer.append("PREVIOUS_DEPIGMENTATION")
    if (
        AUTOIMMUNE_OTHER.intersection(autoimmune)
        or diabetes == "type1"
        or "autoimmune_disease_therapy" in classes
    ):
        refer.append("AUTOIMMUNE_DISORDER")
    if intake["keloid_or_hypertrophic_scarring"]:
        refer.append("KELOID_HYPERTROPHIC_SCARRING")
    if BLOOD_THINNERS & classes:
        refer.append("ANTICOAGULANT_ANTIPLATELET")
    if intake["bleeding_disorder"]:
        refer.append("BLEEDING_DISORDER")
    if "otc_bleeding_risk" in classes:
        caution.append("OTC_BLOOD_THINNING_AGENTS")
    if (months is not None and months < 6) or "isotretinoin_oral" in classes:
        postpone.append("ISOTRETINOIN_RECENT")
    if "systemic_retinoid_other" in classes:
        refer.append("SYSTEMIC_RETINOID_OTHER")
    if recent_topical or TOPICAL_CLASSES & medication_classes:
        postpone.append("TOPICAL_RETINOID_EXFOLIANT")
    if "photosensitiser" in classes:
        refer.append("PHOTOSENSITISING_DRUG")
    if (
        IMMUNE_CLASSES & classes
        or intake["immunodeficiency_or_transplant"]
        or intake["chemotherapy_or_radiotherapy"] in ("current", "within_12_months")
    ):
        refer.append("IMMUNOSUPPRESSION")
    if intake["radiotherapy_to_treatment_area_ever"]:
        refer.append("RADIOTHERAPY_TO_AREA")
    if intake["sunburn_in_area_last_14_days"] or intake["tanning_in_area_last_14_days"]:
        postpone.append("SUNBURN_OR_TAN")
    if intake["pregnant"] or intake["breastfeeding"]:
        postpone.append("PREGNANCY_BREASTFEEDING")
    if diabetes != "none":
        if intake["diabetes_well_controlled"] is True:
            caution.append("DIABETES_CONTROLLED")
        else:
            refer.append("DIABETES_UNCONTROLLED")
    if "topical_anaesthetic" in allergies:
        refer.append("ALLERGY_TOPICAL_ANAESTHETIC")
    if "nickel_or_metal" in allergies:
        refer.append("ALLERGY_METAL")
    if ALLERGY_OTHER.intersection(allergies) or (not allergies and intake["allergy_details"]):
        caution.append("ALLERGY_OTHER_PRODUCT")
    rosacea = intake["rosacea"]
    if rosacea == "active_flare":
        refer.append("ROSACEA_ACTIVE")
    elif rosacea == "controlled":
        caution.append("ROSACEA_CONTROLLED")
    if any(
        p["in_treatment_area"] and p["days_ago"] < PROCEDURES[p["type"]]
        for p in intake["recent_procedures"]
    ):
        postpone.append("RECENT_PROCEDURE")
    cancer = intake["skin_cancer_history"]
    if cancer in ("current", "in_treatment_area") or intake["suspicious_lesion_in_area"]:
        refer.append("SKIN_CANCER_OR_SUSPICIOUS_LESION")
    if cancer == "treated_elsewhere":
        caution.append("SKIN_CANCER_HISTORY_ELSEWHERE")
    if (
        intake["fitzpatrick_type"] >= 4
        or intake["history_of_pih"]
        or "melasma" in other_skin
        or goal == "hyperpigmentation_melasma"
    ):
        caution.append("FITZPATRICK_PIH_RISK")
    if goal == "keratosis_pilaris" or "keratosis_pilaris" in other_skin:
        caution.append("KERATOSIS_PILARIS")
    if intake["cardiac_condition_or_implanted_device"]:
        refer.append("CARDIAC_CONDITION_OR_DEVICE")
    if intake["tattoo_or_pmu_in_area"]:
        caution.append("TATTOO_PMU_IN_AREA")
    if unrecognised:
        caution.append("UNRECOGNISED_MEDICATION")

    outcome = "refer" if refer else "postpone" if postpone else "proceed"
    codes = refer + postpone + caution
    codes.sort()
    return outcome, codes


def best_times(sides: dict, intakes: list, rounds: int) -> dict[str, float]:
    """Seconds per side for all intakes: the best of ``rounds`` for each chunk of intakes, summed.

    The sides take turns on each chunk, so a noisy moment on the machine slows one chunk of one
    side and the best of the rounds drops it; the ratios are then steady from run to run.
    """
    chunks = [intakes[start : start + CHUNK] for start in range(0, len(intakes), CHUNK)]
    best = {name: [float("inf")] * len(chunks) for name in sides}
    for _ in range(rounds):
        for number, chunk in enumerate(chunks):
            for name, work in sides.items():
                start = time.perf_counter()
                work(chunk)
                best[name][number] = min(best[name][number], time.perf_counter() - start)
    return {name: sum(times) for name, times in best.items()}


def main() -> None:
    rule_set, vocabulary = load_fixtures()
    rng = random.Random(SEED)
    intakes = [validate_intake(generate(rng)) for _ in range(COUNT)]

    # Warm the shared match cache and check that all sides agree before timing anything.
    outcomes = Counter()
    for number, intake in enumerate(intakes):
        decision = rule_set.evaluate(intake, on=ON)
        full = (decision["outcome"], sorted({f["rule"] for f in decision["findings"]}))
        outcome, codes = rule_set.fired_codes(intake, on=ON)
        check = (outcome, list(codes))
        floor = floor_decide(intake, vocabulary)
        assert full == check == floor, f"intake {number}: full {full}, check {check}, floor {floor}"
        outcomes[outcome] += 1

    def run_floor(chunk):
        for intake in chunk:
            floor_decide(intake, vocabulary)

    sides = {
        "engine evaluate (decision JSON)": evaluating(rule_set),
        "engine check (outcome + codes)": checking(rule_set),
        "floor (outcome + codes)": run_floor,
    }
    timings = best_times(sides, intakes, RUNS)
    floor_us = timings["floor (outcome + codes)"] / COUNT * 1e6
    print(f"intakes: {COUNT} (seed {SEED}; best of {RUNS} rounds per chunk of {CHUNK})")
    for name, seconds in timings.items():
        us = seconds / COUNT * 1e6
        print(f"{name:32} {us:6.1f} us per evaluation  {us / floor_us:5.1f}x floor")
    print("outcomes: " + ", ".join(f"{k} {outcomes[k]}" for k in ("proceed", "postpone", "refer")))
    print_scaling(intakes[:SCALING_INTAKES], len(rule_set.rules))


def evaluating(rule_set):
    """A side that evaluates each intake of a chunk and keeps no decision, as the app does (a
    side that kept a chunk's decisions would time the garbage collector walking them too)."""

    def run(chunk):
        for intake in chunk:
            rule_set.evaluate(intake, on=ON)

    return run


def checking(rule_set):
    def run(chunk):
        for intake in chunk:
            rule_set.fired_codes(intake, on=ON)

    return run


def print_scaling(intakes: list, seeded: int) -> None:
    """Time per intake with the seeded rules copied up to 1,000 and 5,000 (each copy fires like
    its original), and how that grows against the number of rules."""
    print(f"scaling ({len(intakes)} intakes, the seeded rules copied; best of {RUNS} rounds):")
    base = None
    for count in (seeded, *SCALED_RULE_COUNTS):
        rule_set, _ = load_fixtures(count)
        sides = {"evaluate": evaluating(rule_set), "check": checking(rule_set)}
        for side in sides.values():
            side(intakes)  # warm up
        times = best_times(sides, intakes, RUNS)
        us = {name: seconds / len(intakes) * 1e6 for name, seconds in times.items()}
        base = base or us
        growth = "  ".join(
            f"{name} {us[name]:8.1f} us ({us[name] / base[name]:5.1f}x)" for name in sides
        )
        print(f"  {count:5,} rules ({count / seeded:5.1f}x): {growth}")


if __name__ == "__main__":
    main()
