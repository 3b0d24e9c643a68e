"""Create the database cache table (rate limits), so that `migrate` alone sets up a fresh clone.

The table is made even when REDIS_URL is set (it then stays empty), so that switching back needs
nothing; `createcachetable` leaves an existing table alone.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    alias = schema_editor.connection.alias
    call_command("createcachetable", "screening_cache", database=alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
