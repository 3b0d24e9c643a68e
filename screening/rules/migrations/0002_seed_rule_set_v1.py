"""Seed the published rule set version 1 from fixtures/rules_v1.json and medications_v1.json."""

from types import SimpleNamespace

from django.db import migrations
from django.utils import timezone

from screening.rules.seed import seed_published_v1


def seed(apps, schema_editor):
    models = SimpleNamespace(
        **{
            name: apps.get_model("rules", name)
            for name in ["RuleSet", "Rule", "MedicationClass", "MedicationName"]
        }
    )
    seed_published_v1(models, published_at=timezone.now())


def unseed(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
