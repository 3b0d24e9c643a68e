"""Create a rule set from the JSON of fixtures/rules_v1.json and fixtures/medications_v1.json.

Written against model classes passed in, so the data migration can use its historical models.
"""

import json
import uuid
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def read_fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def create_rule_set(models, *, version, rules, vocabulary, status, note="", **extra):
    """Create rule set `version` with its rules and vocabulary; return it."""
    rule_set = models.RuleSet.objects.create(version=version, status=status, note=note, **extra)
    models.Rule.objects.bulk_create(
        rule_row(models, rule_set, position, rule) for position, rule in enumerate(rules)
    )
    models.MedicationClass.objects.bulk_create(
        class_row(models, rule_set, item) for item in vocabulary["classes"]
    )
    models.MedicationName.objects.bulk_create(
        name_row(models, rule_set, item) for item in vocabulary["names"]
    )
    return rule_set


def rule_row(models, rule_set, position, rule):
    """The (unsaved) Rule of one rule of the JSON."""
    # The data migration of v1 runs before rules had keys.
    fields = {f.name for f in models.Rule._meta.get_fields()}
    has_keys = "key" in fields
    has_units = "wait_unit" in fields  # added by migration 0006
    has_titles = "title" in fields  # added by migration 0009
    return models.Rule(
        rule_set=rule_set,
        position=position,
        code=rule["code"],
        **({"title": rule.get("title", "")} if has_titles else {}),
        action=rule["action"],
        message=rule["message"],
        client_message=rule["client_message"],
        wait_days=rule.get("wait_days"),
        **({"wait_unit": rule.get("wait_unit", "days")} if has_units else {}),
        wait_from=rule.get("wait_from") or "",
        source=rule["source"],
        source_section=rule.get("source_section", ""),
        condition=rule["condition"],
        reviewed_on=rule.get("reviewed_on"),
        **({"key": rule.get("key") or uuid.uuid4()} if has_keys else {}),
    )


def class_row(models, rule_set, item):
    return models.MedicationClass(
        rule_set=rule_set,
        code=item["code"],
        label=item["label"],
        precaution=item.get("precaution", ""),
    )


def name_row(models, rule_set, item):
    return models.MedicationName(
        rule_set=rule_set, name=item["name"], generic=item["generic"], classes=item["classes"]
    )


def seed_published_v1(models, *, published_at):
    """Create the published rule set v1 from the fixtures, unless it exists."""
    if models.RuleSet.objects.filter(version=1).exists():
        return
    rules = read_fixture("rules_v1.json")
    create_rule_set(
        models,
        version=rules["version"],
        rules=rules["rules"],
        vocabulary=read_fixture("medications_v1.json"),
        status="published",
        note="Seeded from the PRECAUTIONS.md catalogue v1.",
        published_at=published_at,
    )


def seed_scenarios_v1(scenario_model):
    """Create the scenarios of fixtures/scenarios_v1.json that do not exist yet."""
    for item in read_fixture("scenarios_v1.json")["scenarios"]:
        scenario_model.objects.get_or_create(
            name=item["name"],
            defaults={
                "intake": item["intake"],
                "expected_outcome": item["expected_outcome"],
                "required_codes": item["required_codes"],
            },
        )
