"""Builders shared by the engine tests: a small vocabulary, rules and intakes."""

from __future__ import annotations

import copy
import datetime

from screening.engine import (
    MedicationClass,
    MedicationVocabulary,
    RuleSpec,
    VocabularyName,
    compile_rule_set,
    validate_intake,
)
from tests.engine.baseline import BASELINE

ON = datetime.date(2026, 6, 1)

CLASSES = (
    MedicationClass("anticoagulant", "Anticoagulant", "ANTICOAGULANT_ANTIPLATELET"),
    MedicationClass("antiplatelet", "Antiplatelet", "ANTICOAGULANT_ANTIPLATELET"),
    MedicationClass("otc_bleeding_risk", "Bleeding risk (OTC)", "OTC_BLOOD_THINNING_AGENTS"),
    MedicationClass("immunosuppressant", "Immunosuppressant", "IMMUNOSUPPRESSION"),
    MedicationClass("isotretinoin_oral", "Oral isotretinoin", "ISOTRETINOIN_RECENT"),
    MedicationClass("topical_retinoid", "Topical retinoid", "TOPICAL_RETINOID_EXFOLIANT"),
    MedicationClass("photosensitiser", "Photosensitiser", "PHOTOSENSITISING_DRUG"),
)
NAMES = (
    ("warfarin", "warfarin", ("anticoagulant",)),
    ("xarelto", "rivaroxaban", ("anticoagulant",)),
    ("rivaroxaban", "rivaroxaban", ("anticoagulant",)),
    ("eliquis", "apixaban", ("anticoagulant",)),
    ("aspirin", "aspirin", ("antiplatelet",)),
    ("low dose aspirin", "aspirin", ("antiplatelet",)),
    ("fish oil", "fish oil", ("otc_bleeding_risk",)),
    ("naproxen", "naproxen", ("otc_bleeding_risk", "photosensitiser")),
    ("methotrexate", "methotrexate", ("immunosuppressant",)),
    ("accutane", "isotretinoin", ("isotretinoin_oral",)),
    ("isotretinoin", "isotretinoin", ("isotretinoin_oral",)),
    ("isotretinoin gel", "isotretinoin (topical)", ("topical_retinoid",)),
    ("retin-a", "tretinoin", ("topical_retinoid",)),
    ("retinol", "retinol", ("topical_retinoid",)),
    ("metformin", "metformin", ()),
    ("cerave moisturising cream", "moisturiser", ()),
)


def vocabulary() -> MedicationVocabulary:
    names = tuple(VocabularyName(name, generic, classes) for name, generic, classes in NAMES)
    return MedicationVocabulary(CLASSES, names)


def intake(**changes) -> dict:
    """The healthy baseline with some answers changed, validated."""
    answers = copy.deepcopy(BASELINE)
    answers.update(changes)
    return validate_intake(answers)


def when(field: str, op: str, value: object = None) -> dict:
    """A test of a condition (``value`` left out when None)."""
    node = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    return node


def rule(
    code, action, *tests, wait_days=None, wait_unit="days", wait_from=None, kind="all", **texts
) -> RuleSpec:
    return RuleSpec(
        code=code,
        title=texts.get("title", ""),
        action=action,
        message=texts.get("message", f"{code} message"),
        client_message=texts.get("client_message", f"{code} client message"),
        wait_days=wait_days,
        wait_unit=wait_unit,
        wait_from=wait_from,
        source=texts.get("source", "E11 SkinPen Precision labelling"),
        source_section=texts.get("source_section", ""),
        condition={kind: list(tests)},
    )


def rule_set(*rules: RuleSpec, version: int = 1):
    return compile_rule_set(version=version, rules=list(rules), vocabulary=vocabulary())


def procedure(kind: str, days: int, in_area: bool = True) -> dict:
    return {"type": kind, "days_ago": days, "in_treatment_area": in_area}


def product(name: str, days: int) -> dict:
    return {"name": name, "last_used_days_ago": days}
