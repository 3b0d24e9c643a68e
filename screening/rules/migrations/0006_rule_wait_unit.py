"""Waits in calendar months (PRECAUTIONS.md section 0, rule 8).

Every rule gets a wait unit (days unless said otherwise). The seeded isotretinoin rule, whose
source says "6 months after the last dose", waited 183 days; it now waits 6 calendar months, in
every version that still carries the seeded wait. (A database created after this change seeds v1
from the new fixture in migration 0002, before the unit exists: its 6 is made 6 months here too.)
"""

from django.db import migrations, models

MONTHS_ANCHOR = "isotretinoin_last_dose_months_ago"


def isotretinoin_in_months(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    seeded = Rule.objects.filter(
        code="ISOTRETINOIN_RECENT",
        wait_days__in=[6, 183],
        wait_from=MONTHS_ANCHOR,
        wait_unit="days",
    )
    seeded.update(wait_days=6, wait_unit="months")


def isotretinoin_in_days(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    months = Rule.objects.filter(
        code="ISOTRETINOIN_RECENT", wait_days=6, wait_from=MONTHS_ANCHOR, wait_unit="months"
    )
    months.update(wait_days=183, wait_unit="days")


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_scenario_history")]

    operations = [
        migrations.AddField(
            model_name="rule",
            name="wait_unit",
            field=models.CharField(
                choices=[("days", "days"), ("months", "calendar months")],
                default="days",
                help_text="Days, or calendar months (six months after 15 March is 15 September).",
                max_length=6,
            ),
        ),
        migrations.AlterField(
            model_name="rule",
            name="wait_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Postpone only: the wait before re-screening, in wait_unit.",
                null=True,
            ),
        ),
        migrations.RunPython(isotretinoin_in_months, isotretinoin_in_days),
    ]
