import dataclasses

import pytest

from screening.engine import RuleSetInvalid, RuleSpec, compile_rule_set, validate_rule
from tests.engine.support import CLASSES, rule, vocabulary, when

CLASS_CODES = {c.code for c in CLASSES}
FILLER = when(
    "recent_procedures",
    "any_item",
    {"all": [when("type", "equals", "dermal_filler"), when("days_ago", "lt", 180)]},
)
VALID = rule(
    "RECENT_PROCEDURE",
    "postpone",
    FILLER,
    wait_days=180,
    wait_from="recent_procedures.days_ago",
    source="004_9562d260a1800167.txt",
    source_section="Risk Factors and Considerations (lines 30-31)",
)


def problems_of(rule_or_dict):
    return validate_rule(rule_or_dict, class_codes=CLASS_CODES)


def test_it_accepts_a_valid_rule_and_its_dict():
    assert problems_of(VALID) == []
    assert problems_of(VALID.to_dict()) == []


def test_it_round_trips_a_rule_through_its_dict():
    assert RuleSpec.from_dict(VALID.to_dict()) == VALID
    assert list(VALID.to_dict()) == [
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
    ]


def test_it_refuses_unknown_or_missing_keys_when_building_from_a_dict():
    data = VALID.to_dict()
    data["wait"] = 3
    del data["source"]
    with pytest.raises(ValueError, match="Unknown key 'wait'.*source is missing"):
        RuleSpec.from_dict(data)


def changed(**changes):
    return dataclasses.replace(VALID, **changes)


CASES = [
    # (id, rule, part, key phrase)
    ("code-lower-case", changed(code="recent_procedure"), "code", "upper-case"),
    ("code-too-short", changed(code="AB"), "code", "3 to 64"),
    ("code-not-text", changed(code=7), "code", "upper-case"),
    ("code-null", changed(code=None), "code", "upper-case"),
    ("action-null", changed(action=None), "action", "must be one of"),
    ("message-null", changed(message=None), "message", "non-empty text"),
    ("unknown-action", changed(action="postpon"), "action", "did you mean 'postpone'?"),
    ("empty-message", changed(message="  "), "message", "non-empty text"),
    ("empty-client-message", changed(client_message=""), "client_message", "non-empty text"),
    ("empty-source", changed(source=""), "source", "non-empty text"),
    ("section-not-text", changed(source_section=None), "source_section", "must be text"),
    ("wait-zero", changed(wait_days=0), "wait_days", "1 or more"),
    ("wait-fraction", changed(wait_days=1.5), "wait_days", "whole number"),
    ("wait-a-bool", changed(wait_days=True), "wait_days", "whole number"),
    (
        "wait-on-refer",
        changed(action="refer", wait_days=14, wait_from=None),
        "wait_days",
        "only for postpone",
    ),
    ("wait-from-without-wait", changed(wait_days=None), "wait_from", "needs wait_days"),
    (
        "unknown-wait-from",
        changed(wait_from="recent_procedures.day_ago"),
        "wait_from",
        "did you mean 'recent_procedures.days_ago'?",
    ),
    (
        "wait-from-a-field-the-condition-does-not-test",
        changed(wait_from="isotretinoin_last_dose_months_ago"),
        "wait_from",
        "does not test that field",
    ),
    (
        "wait-from-an-item-field-the-condition-does-not-test",
        changed(
            condition={
                "all": [
                    when(
                        "recent_procedures",
                        "any_item",
                        {"all": [when("type", "equals", "surgery")]},
                    )
                ]
            }
        ),
        "wait_from",
        "does not test that field",
    ),
    (
        "condition-problem",
        changed(condition={"all": [FILLER, when("vitilgo", "equals", "none")]}),
        "condition.all[1]",
        "did you mean 'vitiligo'?",
    ),
    ("condition-not-a-group", changed(condition=FILLER), "condition", "must be a group"),
]


@pytest.mark.parametrize(
    ("spec", "part", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_reports_each_problem_of_a_rule_by_key(spec, part, phrase):
    problems = problems_of(spec)
    assert [p.part for p in problems] == [part]
    assert phrase in problems[0].message


def test_it_reports_unknown_and_missing_keys_of_a_dict():
    data = {**VALID.to_dict(), "wiat_days": 3}
    del data["action"]
    problems = problems_of(data)
    assert [p.part for p in problems] == ["wiat_days", "action"]
    assert "did you mean 'wait_days'?" in problems[0].message
    assert "action is missing" in problems[1].message


def test_it_accepts_a_dict_without_the_optional_keys():
    data = VALID.to_dict()
    for key in ("wait_days", "wait_from", "source_section"):
        del data[key]
    assert problems_of(data) == []


def test_it_accepts_a_postpone_until_resolved():
    assert problems_of(changed(wait_days=None, wait_from=None)) == []


def test_it_accepts_a_wait_from_months_when_the_condition_tests_it():
    spec = changed(
        wait_days=183,
        wait_from="isotretinoin_last_dose_months_ago",
        condition={
            "any": [
                when("isotretinoin_last_dose_months_ago", "lt", 6),
                when("medication_classes", "contains", "isotretinoin_oral"),
            ]
        },
    )
    assert problems_of(spec) == []


def test_it_refuses_to_compile_a_rule_set_with_invalid_rules():
    with pytest.raises(RuleSetInvalid) as raised:
        compile_rule_set(
            version=0,
            rules=[VALID, changed(action="deny"), VALID.to_dict(), {"code": "X"}],
            vocabulary=vocabulary(),
        )
    errors = raised.value.errors
    assert set(errors) == {"version", 1, 3}
    assert errors[1][0].part == "action"
    assert "rule 1: action:" in str(raised.value)


def test_it_compiles_rules_given_as_dicts():
    rules = compile_rule_set(version=2, rules=[VALID.to_dict()], vocabulary=vocabulary())
    assert rules.version == 2
    assert rules.rules[0].spec == VALID


def test_it_keeps_a_private_copy_of_each_condition():
    data = VALID.to_dict()
    rules = compile_rule_set(version=1, rules=[data], vocabulary=vocabulary())
    data["condition"]["all"].clear()
    assert rules.rules[0].spec.condition == VALID.condition
