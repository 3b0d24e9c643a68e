"""Rate counts in an unlogged table on PostgreSQL: a count commits without waiting for the disk.

Every API call moves its key's count on and commits it; in a logged table each of those commits
waits for a WAL flush (1-3 ms on a busy disk, more than the rest of the call). Counts of fixed
one-minute windows are worth nothing after a crash, which is all an unlogged table loses (it is
emptied on crash recovery, and not copied to standbys, which never rate-limit)."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "accounts_ratecount" SET UNLOGGED')


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "accounts_ratecount" SET LOGGED')


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_rate_counts")]

    operations = [migrations.RunPython(unlogged, logged, elidable=True)]
