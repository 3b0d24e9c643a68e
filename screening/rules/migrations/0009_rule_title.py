"""Titles written for people on every rule (e.g. "Family history of vitiligo").

Rules that have no title yet get the title of the seeded rule with the same code and condition, or
failing that the first seeded rule with that code; a rule an admin added keeps an empty title (its
code is shown) until it is edited.
"""

import json

from django.db import migrations, models

from screening.rules.seed import read_fixture


def fill_titles(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    seeded = read_fixture("rules_v1.json")["rules"]
    by_condition = {(r["code"], _key(r["condition"])): r["title"] for r in seeded}
    by_code = {}
    for r in seeded:
        by_code.setdefault(r["code"], r["title"])
    for rule in Rule.objects.filter(title=""):
        title = by_condition.get((rule.code, _key(rule.condition))) or by_code.get(rule.code)
        if title:
            Rule.objects.filter(pk=rule.pk).update(title=title)


def _key(condition) -> str:
    return json.dumps(condition, sort_keys=True)


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0008_free_text_allergens"),
    ]

    operations = [
        migrations.AddField(
            model_name="rule",
            name="title",
            field=models.CharField(
                blank=True,
                help_text='For people, e.g. "Family history of vitiligo".',
                max_length=120,
            ),
        ),
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
    ]
