import django.db.models.deletion
from django.db import migrations, models

# One row per distinct precaution code of every screening kept so far, in one statement.
BACKFILL = {
    "postgresql": """
        INSERT INTO {codes} (clinic_id, screening_id, code, created_at, screened_on)
        SELECT DISTINCT s.clinic_id, s.id, finding.value->>'rule', s.created_at, s.screened_on
        FROM {screenings} s, jsonb_array_elements(s.decision->'findings') AS finding(value)
    """,
    "sqlite": """
        INSERT INTO {codes} (clinic_id, screening_id, code, created_at, screened_on)
        SELECT DISTINCT s.clinic_id, s.id, json_extract(finding.value, '$.rule'), s.created_at,
            s.screened_on
        FROM {screenings} s, json_each(s.decision, '$.findings') AS finding
    """,
}


def fill_codes(apps, connection):
    codes = apps.get_model("records", "FindingCode")._meta.db_table
    screenings = apps.get_model("records", "Screening")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL[connection.vendor].format(codes=codes, screenings=screenings))


def backfill(apps, schema_editor):
    fill_codes(apps, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("records", "0003_historicalclient_amendment_override"),
    ]

    # The rows are written before the indexes are built: building once is faster than
    # updating them row by row.
    operations = [
        migrations.CreateModel(
            name="FindingCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=64)),
                (
                    "created_at",
                    models.DateTimeField(help_text="The screening's, so the list's order is here."),
                ),
                (
                    "screened_on",
                    models.DateField(help_text="The screening's, for the dashboard's weeks."),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.clinic",
                    ),
                ),
                (
                    "screening",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="finding_codes",
                        to="records.screening",
                    ),
                ),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="findingcode",
            index=models.Index(
                fields=["clinic", "code", "-created_at", "-screening"],
                name="finding_code_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="findingcode",
            index=models.Index(
                fields=["clinic", "screened_on", "code"], name="finding_code_day_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="findingcode",
            constraint=models.UniqueConstraint(
                fields=("screening", "code"), name="finding_code_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(
                fields=["clinic", "screened_on", "outcome"], name="screening_day_idx"
            ),
        ),
    ]
