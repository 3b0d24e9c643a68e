"""What the rule pages show: rules in words, and the schema the row editor builds from."""

from __future__ import annotations

from screening import engine

from .models import RuleSet
from .services import condition_as_decided, floor_waits
from .versions import needs_review

LAYER_NAMESPACE = "clinic_rules"  # the rules pages under /rules/clinic/ edit the clinic's layer


def describe(condition, class_labels) -> str:
    try:
        return engine.describe_condition(condition, class_labels=class_labels)
    except (KeyError, TypeError, AttributeError, StopIteration):
        return "(this condition cannot be put in words: open the rule to fix it)"


def rule_rows(rule_set: RuleSet, classes_from: RuleSet | None = None) -> list[dict]:
    """Each rule in words; a layer's rules name the classes of `classes_from`, its floor."""
    labels = dict((classes_from or rule_set).medication_classes.values_list("code", "label"))
    waits = floor_waits(rule_set)
    return [
        {
            "rule": rule,
            # A stricter copy's window as it decides: widened to its longer wait.
            "description": describe(condition_as_decided(rule, waits.get(rule.overrides)), labels),
            "needs_review": needs_review(rule),
        }
        for rule in rule_set.rules.all()
    ]


def _field(spec: engine.FieldSpec, classes: list[list[str]]) -> dict:
    choices = classes if spec.from_vocabulary else [list(choice) for choice in spec.choices]
    return {
        "name": spec.name,
        "type": spec.type,
        "label": spec.label,
        "choices": choices,
        "items": [_field(item, classes) for item in spec.items],
    }


def editor_schema(rule_set: RuleSet) -> dict:
    """Fields, their types and allowed values, and the operators of each type (docs/rules.md)."""
    classes = [
        [code, f"{label} ({code})"]
        for code, label in rule_set.medication_classes.values_list("code", "label")
    ]
    return {
        "fields": [_field(spec, classes) for spec in engine.CONDITION_FIELDS.values()],
        "operators": engine.OPERATORS,
        "operator_words": engine.OPERATOR_WORDS,
    }
