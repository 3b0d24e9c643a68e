import uuid

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from screening import audit
from screening.audit.models import AuditAction
from screening.immutable import IMMUTABLE_MODELS, protect_sqlite_tables
from screening.records.consents import current_text, take_consent
from screening.records.models import (
    CardFeedback,
    ClientAnswers,
    FollowUp,
    RecordChangeRefused,
    Screening,
)
from tests.audit.support import amend, override
from tests.conftest import PASSWORD
from tests.records.factories import make_screening
from tests.triggers import triggers_off


@pytest.mark.django_db
def test_it_refuses_to_save_changes_to_a_screening(practitioner, clinic):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    screening.outcome = "proceed"
    with pytest.raises(RecordChangeRefused):
        screening.save()
    assert Screening.objects.get(pk=screening.pk).outcome == "refer"


@pytest.mark.django_db
def test_it_refuses_queryset_update_and_delete(practitioner, clinic):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    with pytest.raises(RecordChangeRefused):
        Screening.objects.filter(pk=screening.pk).update(outcome="proceed")
    with pytest.raises(RecordChangeRefused):
        Screening.objects.filter(pk=screening.pk).delete()
    with pytest.raises(RecordChangeRefused):
        screening.delete()
    assert Screening.objects.get(pk=screening.pk).outcome == "refer"


# The database itself refuses: raw SQL, _base_manager and hand-built querysets.


def _row_of(label, clinic, practitioner, records_keeper):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    rows = {
        "records.Screening": lambda: screening,
        "records.FindingCode": lambda: screening.finding_codes.get(),
        "records.Amendment": lambda: amend(
            screening, records_keeper, vitiligo_family_history=False
        ),
        "records.Override": lambda: override(screening, records_keeper),
        "records.CardFeedback": lambda: CardFeedback.objects.create(
            clinic=clinic, card=uuid.uuid4(), outcome="overridden", rules=["PREGNANCY"]
        ),
        "records.ConsentText": lambda: current_text(clinic),
        "records.Consent": lambda: _consent(clinic, practitioner),
        "records.FollowUp": lambda: FollowUp.objects.create(
            clinic=clinic, screening=screening, author=practitioner, due_on=screening.screened_on
        ),
        "records.ClientAnswers": lambda: ClientAnswers.objects.create(
            clinic=clinic, screening=screening, intake=screening.intake, sent_at=timezone.now()
        ),
        "audit.AuditEvent": lambda: audit.log_event(
            AuditAction.VIEWED, user=records_keeper, clinic=clinic, obj=screening
        ),
        "audit.AuditLink": lambda: (
            audit.log_event(
                AuditAction.VIEWED, user=records_keeper, clinic=clinic, obj=screening
            ).link
        ),
    }
    return rows[label]()


def _consent(clinic, practitioner):
    screening = make_screening(clinic=clinic, practitioner=practitioner, eczema="history")
    now = timezone.now()
    return take_consent(
        screening=screening,
        practitioner=practitioner,
        signature_png=None,
        typed_name="Ada Lovelace",
        client_signed_at=now,
        countersigned_at=now,
    )


def _refused(statement):
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        statement()
    assert "never changed or deleted" in str(refused.value) or "Cannot update or delete" in str(
        refused.value
    )


def _raw(sql, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.mark.django_db
@pytest.mark.parametrize("label", IMMUTABLE_MODELS)
def test_the_database_refuses_to_update_or_delete_a_row(
    label, clinic, practitioner, records_keeper
):
    row = _row_of(label, clinic, practitioner, records_keeper)
    model = apps.get_model(label)
    table = connection.ops.quote_name(model._meta.db_table)
    before = model._base_manager.filter(pk=row.pk).values().get()

    column = connection.ops.quote_name(model._meta.pk.column)
    update = f"UPDATE {table} SET {column} = {column} WHERE {column} = %s"  # noqa: S608
    delete = f"DELETE FROM {table} WHERE {column} = %s"  # noqa: S608 (a model's table)
    _refused(_raw(update, row.pk))
    _refused(_raw(delete, row.pk))
    name = model._meta.pk.name
    _refused(lambda: model._base_manager.filter(pk=row.pk).update(**{name: F(name)}))
    # A hand-built queryset's delete, past the model's guards and on_delete=PROTECT.
    _refused(lambda: QuerySet(model).filter(pk=row.pk)._raw_delete(connection.alias))

    assert model._base_manager.filter(pk=row.pk).values().get() == before


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update_of_a_screenings_outcome(practitioner, clinic):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    _refused(_raw("UPDATE records_screening SET outcome = 'proceed' WHERE id = %s", screening.pk))
    assert Screening.objects.get(pk=screening.pk).outcome == "refer"


@pytest.mark.django_db
def test_the_triggers_stand_in_the_way_of_tampering_until_lifted(practitioner, clinic):
    """The escape the test flush uses works, and the refusal is back after it."""
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    with triggers_off():
        Screening._base_manager.filter(pk=screening.pk).update(outcome="proceed")
    assert Screening.objects.get(pk=screening.pk).outcome == "proceed"
    _refused(lambda: Screening._base_manager.filter(pk=screening.pk).update(outcome="refer"))


# Deleting what records point at is refused with a message, not an error page.


@pytest.fixture
def admin_client(client, db):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(superuser)
    return client


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_a_user_with_records(admin_client, clinic, practitioner):
    make_screening(clinic=clinic, practitioner=practitioner)
    url = reverse("admin:auth_user_delete", args=[practitioner.pk])

    page = admin_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.text
    assert get_user_model().objects.filter(pk=practitioner.pk).exists()


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_a_clinic_with_records(admin_client, clinic, practitioner):
    make_screening(clinic=clinic, practitioner=practitioner)
    url = reverse("admin:accounts_clinic_delete", args=[clinic.pk])

    page = admin_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.text
    assert Screening.objects.filter(clinic=clinic).exists()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_empty_the_tables(practitioner, clinic, seeded_rules):
    """As pytest-django does after each transactional (and browser) test."""
    make_screening(clinic=clinic, practitioner=practitioner)
    call_command("flush", interactive=False, verbosity=0)
    assert not Screening.objects.exists()
    with connection.cursor() as cursor:  # and the refusal is back
        per_table = 2 if connection.vendor == "sqlite" else 1  # UPDATE and DELETE, or both in one
        assert _count_triggers(cursor) == per_table * len(IMMUTABLE_MODELS)


def _count_triggers(cursor):
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%refuse%'"
        )
    else:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_refuse_update_delete%'"
        )
    return cursor.fetchone()[0]


@pytest.mark.django_db
def test_migrate_restores_a_sqlite_trigger_that_a_table_rebuild_dropped(practitioner, clinic):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL keeps a table's triggers when it is altered")
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "records_screening_refuse_update"')  # as a rebuild does
    protect_sqlite_tables(using=connection.alias)  # sent after every migrate
    _refused(_raw("UPDATE records_screening SET outcome = 'proceed' WHERE id = %s", screening.pk))
