"""Free text counts (PRECAUTIONS.md section 0, rule 9).

Adds to every version's vocabulary the classes whose codes are `allergies` answers (numbing creams
and local anaesthetics, metals, latex) and their names, from fixtures/medications_v1.json. A name
the vocabulary already has (emla, lidocaine, numbing cream) gains the class. A database seeded
from the new fixture already has them all, so this changes nothing there.
"""

from django.db import migrations

from screening.rules.seed import read_fixture

CODES = ("topical_anaesthetic", "nickel_or_metal", "latex")


def add_allergens(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    MedicationClass = apps.get_model("rules", "MedicationClass")
    MedicationName = apps.get_model("rules", "MedicationName")
    fixture = read_fixture("medications_v1.json")
    classes = [item for item in fixture["classes"] if item["code"] in CODES]
    names = [item for item in fixture["names"] if set(item["classes"]) & set(CODES)]
    for rule_set in RuleSet.objects.all():
        known = set(
            MedicationClass.objects.filter(rule_set=rule_set).values_list("code", flat=True)
        )
        MedicationClass.objects.bulk_create(
            MedicationClass(rule_set=rule_set, **item)
            for item in classes
            if item["code"] not in known
        )
        existing = {n.name: n for n in MedicationName.objects.filter(rule_set=rule_set)}
        for item in names:
            entry = existing.get(item["name"])
            if entry is None:
                MedicationName.objects.create(rule_set=rule_set, **item)
            elif not set(item["classes"]) <= set(entry.classes):
                entry.classes = [
                    *entry.classes,
                    *(c for c in item["classes"] if c not in entry.classes),
                ]
                entry.save(update_fields=["classes"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_impactrun_task_id")]

    operations = [migrations.RunPython(add_allergens, migrations.RunPython.noop)]
