import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine import INTAKE_FIELDS, IntakeInvalid, validate_intake
from screening.engine.facts import prepare_facts
from tests.engine.strategies import intakes
from tests.engine.support import rule_set
from tests.engine.test_seeded_rules import rule_set as seeded_rule_set
from tests.engine.varied_rules import VARIED_RULES

RULES = rule_set(*VARIED_RULES)
SEVERITIES = ["proceed", "postpone", "refer"]
screening_days = st.dates(
    min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31)
)


def most_severe(findings: list[dict]) -> str:
    levels = [{"caution": "proceed"}.get(f["action"], f["action"]) for f in findings]
    return max(levels, key=SEVERITIES.index, default="proceed")


@settings(max_examples=300, deadline=None)
@given(answers=intakes(), on=screening_days)
def test_it_decides_every_valid_intake_by_its_most_severe_finding(answers, on):
    decision = RULES.evaluate(validate_intake(answers), on=on)

    assert decision["outcome"] == most_severe(decision["findings"])
    severity = [["refer", "postpone", "caution"].index(f["action"]) for f in decision["findings"]]
    assert severity == sorted(severity)
    waits = [f["rescreen_after_days"] for f in decision["findings"] if f["action"] == "postpone"]
    assert all(wait is None or wait >= 1 for wait in waits)
    known = [wait for wait in waits if wait is not None]
    expected = (on + datetime.timedelta(days=max(known))).isoformat() if known else None
    assert decision["rescreen_after"] == expected
    entered = len(answers["medications"]) + len(answers["topical_products"])
    listed = len(decision["medications"]) + len(decision["unrecognised_medications"])
    assert listed <= entered  # blank medication entries are dropped by validation
    json.dumps(decision)


@pytest.mark.parametrize("rules", [RULES, seeded_rule_set()], ids=["varied", "seeded"])
@settings(max_examples=300, deadline=None)
@given(answers=intakes(), on=screening_days)
def test_it_fires_exactly_the_rules_whose_condition_holds_guarded_or_not(rules, answers, on):
    # Evaluation checks only the rules whose guards are met; checking every rule must agree.
    intake = validate_intake(answers)
    values = prepare_facts(intake, rules.vocabulary).values
    holding = [rule.spec for rule in rules.rules if rule.condition.check(values)]
    decision = rules.evaluate(intake, on=on)

    fired = sorted((f["rule"], f["action"], f["message"]) for f in decision["findings"])
    assert fired == sorted((spec.code, spec.action, spec.message) for spec in holding)
    codes = tuple(sorted({spec.code for spec in holding}))
    assert rules.fired_codes(intake, on=on) == (decision["outcome"], codes)


@settings(max_examples=50, deadline=None)
@given(answers=intakes(), field=st.sampled_from(list(INTAKE_FIELDS)))
def test_it_names_a_missing_field_of_any_intake(answers, field):
    del answers[field]
    with pytest.raises(IntakeInvalid) as raised:
        validate_intake(answers)
    assert [error.field for error in raised.value.errors] == [field]
