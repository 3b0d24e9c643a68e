"""Seed the published rule set version 1 from fixtures/rules_v1.json and medications_v1.json."""

from types import SimpleNamespace

from django.db import migrations
from django.utils import timezone

from screening.rules.seed import create_rule_set, read_fixture


def seed(apps, schema_editor):
    models = SimpleNamespace(
        **{
            name: apps.get_model("rules", name)
            for name in ["RuleSet", "Rule", "MedicationClass", "MedicationName"]
        }
    )
    if models.RuleSet.objects.filter(version=1).exists():
        return
    rules = read_fixture("rules_v1.json")
    create_rule_set(
        models,
        version=rules["version"],
        rules=rules["rules"],
        vocabulary=read_fixture("medications_v1.json"),
        status="published",
        note="Seeded from PRECAUTIONS.md catalogue v1.",
        published_at=timezone.now(),
    )


def unseed(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
