"""Clinical records that never change once written, refused by the database itself.

The models already refuse ``save()`` of a saved row and their managers refuse ``update()`` and
``delete()``; these triggers also stop ``_base_manager``, a hand-built ``QuerySet`` and plain SQL.

- PostgreSQL: ``protect_triggers()`` in the model's ``Meta.triggers`` (django-pgtrigger), installed
  by the app's migrations. TRUNCATE fires no row trigger; the app's database role has no TRUNCATE
  (README, "Running in production"), so only the tables' owner can empty them.
- SQLite: ``sqlite_protect(table)`` in a migration creates the same refusal as
  ``BEFORE UPDATE``/``BEFORE DELETE`` triggers. Django rebuilds a SQLite table for many
  ``AlterField``/``AddField`` operations, which drops its triggers: ``protect_sqlite_tables``
  creates any missing one again after every ``migrate`` (connected in the audit app).

The test suite empties these tables between transactional tests: on PostgreSQL by TRUNCATE, on
SQLite by dropping the triggers around Django's flush and creating them again (tests/conftest.py).
The application itself has no way around them.
"""

import pgtrigger
from django.apps import apps
from django.db import connections, migrations

# Every model whose rows are never updated or deleted (tests/records/test_immutability.py checks
# each one on the database).
IMMUTABLE_MODELS = (
    "records.Screening",
    "records.FindingCode",
    "records.Amendment",
    "records.Override",
    "records.CardFeedback",
    "records.ConsentText",
    "records.Consent",
    "records.ClientAnswers",
    "records.FollowUp",
    "audit.AuditEvent",
    "audit.AuditLink",
)

TRIGGER_NAME = "refuse_update_delete"


def protect_triggers() -> list:
    """The ``Meta.triggers`` of an immutable model (PostgreSQL)."""
    return [pgtrigger.Protect(name=TRIGGER_NAME, operation=pgtrigger.Update | pgtrigger.Delete)]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_refuse_{operation.lower()}" '
        f'BEFORE {operation} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table}: rows are never changed or deleted'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def sqlite_protect(*tables: str) -> migrations.RunPython:
    """A migration operation that creates the SQLite triggers of ``tables`` (no-op elsewhere)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for table in tables:
            for statement in _sqlite_statements(table):
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for table in tables:
            for operation in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_refuse_{operation}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


def protect_sqlite_tables(using="default", **kwargs):
    """After ``migrate`` (post_migrate): create the SQLite triggers a table rebuild dropped."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for label in IMMUTABLE_MODELS:
            table = apps.get_model(label)._meta.db_table
            if table in tables:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)
