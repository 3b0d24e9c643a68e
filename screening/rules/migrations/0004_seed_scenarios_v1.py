"""Seed the scenarios every publish runs, from fixtures/scenarios_v1.json."""

from django.db import migrations

from screening.rules.seed import read_fixture, seed_scenarios_v1


def seed(apps, schema_editor):
    seed_scenarios_v1(apps.get_model("rules", "Scenario"))


def unseed(apps, schema_editor):
    names = [item["name"] for item in read_fixture("scenarios_v1.json")["scenarios"]]
    apps.get_model("rules", "Scenario").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_versions_scenarios_impact")]

    operations = [migrations.RunPython(seed, unseed)]
