from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "screening.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.db.models.signals import post_migrate

        from screening.immutable import protect_sqlite_tables

        from . import signals  # noqa: F401

        post_migrate.connect(protect_sqlite_tables, sender=self)
