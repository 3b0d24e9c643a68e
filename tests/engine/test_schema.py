import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from screening.engine import (
    CONDITION_FIELDS,
    DERIVED_FIELDS,
    INTAKE_FIELDS,
    OPERATORS,
    field_label,
    value_label,
)
from tests.engine.support import ON, intake, product, rule_set
from tests.engine.varied_rules import VARIED_RULES


def test_it_gives_every_field_a_type_with_operators_and_a_label():
    for spec in CONDITION_FIELDS.values():
        assert spec.type in OPERATORS
        assert spec.label.strip()
        for item in spec.items:
            assert item.type in OPERATORS
            assert item.label.strip()


def test_it_labels_every_allowed_value():
    for spec in INTAKE_FIELDS.values():
        for value, label in spec.choices:
            assert value == value.lower()
            assert label.strip()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("active_infections", "Active infections"),
        ("cold_sore_history", "Cold sore history"),
        ("recent_procedures.days_ago", "Days ago"),
        ("medication_classes", "Medication classes"),
        ("no_such_field", "no_such_field"),
    ],
)
def test_it_labels_fields(name, label):
    assert field_label(name) == label


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("eczema", "active_in_area", "Active in the area"),
        ("active_infections.type", "cold_sore", "Cold sore"),
        ("treatment_areas", "face", "Face"),
        ("pregnant", True, "yes"),
        ("pregnant", False, "no"),
        ("diabetes_well_controlled", None, "no answer"),
        ("fitzpatrick_type", 4, "4"),
    ],
)
def test_it_labels_values(field, value, label):
    assert value_label(field, value) == label


def test_it_keeps_derived_facts_out_of_the_intake():
    assert not set(DERIVED_FIELDS) & set(INTAKE_FIELDS)
    assert all(spec.derived for spec in DERIVED_FIELDS.values())


def test_it_is_immutable_and_gives_the_same_decision_from_many_threads():
    rules = rule_set(*VARIED_RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.version = 2
    answers = intake(
        medications=["Xarelto 20 mg", "Eliqus", "zzqx"],
        topical_products=[product("Retin-A", 2)],
        sunburn_in_area_last_14_days=True,
    )
    expected = rules.evaluate(answers, on=ON)
    with ThreadPoolExecutor(max_workers=8) as pool:
        decisions = list(pool.map(lambda _: rules.evaluate(answers, on=ON), range(200)))
    assert all(decision == expected for decision in decisions)
