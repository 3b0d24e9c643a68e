"""The audit trail itself: append-only, written by log(), logins and failed logins."""

import pytest
from django.test import Client
from django.urls import reverse

from screening import audit
from screening.audit.models import AuditAction, AuditChangeRefused, AuditEvent
from tests.conftest import PASSWORD
from tests.records.factories import make_screening


@pytest.fixture
def event(clinic, records_keeper):
    return audit.log_event(AuditAction.VIEWED, user=records_keeper, clinic=clinic)


@pytest.mark.django_db
def test_it_refuses_to_change_an_event(event):
    event.action = AuditAction.EXPORTED
    with pytest.raises(AuditChangeRefused):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEWED


@pytest.mark.django_db
def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AuditChangeRefused):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_it_refuses_queryset_update_and_delete(event):
    with pytest.raises(AuditChangeRefused):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.EXPORTED)
    with pytest.raises(AuditChangeRefused):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditChangeRefused):
        AuditEvent.objects.for_clinic(event.clinic).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEWED


@pytest.mark.django_db
def test_it_refuses_an_unknown_action_in_the_database(clinic, records_keeper):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(action="edited", user=records_keeper, clinic=clinic)


@pytest.mark.django_db
def test_it_logs_the_user_clinic_object_and_address(rf, clinic, records_keeper, practitioner):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = records_keeper

    event = audit.log(request, AuditAction.VIEWED, screening)

    assert (event.user, event.clinic, event.username) == (
        records_keeper,
        clinic,
        records_keeper.username,
    )
    assert (event.object_type, event.object_id) == ("records.screening", str(screening.pk))
    assert event.remote_addr == "192.0.2.7"


@pytest.mark.django_db
def test_it_keeps_no_client_data(rf, clinic, records_keeper, practitioner):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    request = rf.get("/")
    request.user = records_keeper
    event = audit.log(request, AuditAction.VIEWED, screening)
    stored = " ".join(
        str(value) for value in AuditEvent.objects.filter(pk=event.pk).values()[0].values()
    )
    assert screening.client.name not in stored
    assert "1990" not in stored


@pytest.mark.django_db
def test_it_logs_a_login(clinic, records_keeper):
    client = Client(REMOTE_ADDR="192.0.2.8")
    response = client.post(
        reverse("login"), {"username": records_keeper.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.user, event.clinic, event.remote_addr) == (records_keeper, clinic, "192.0.2.8")


@pytest.mark.django_db
def test_it_logs_a_failed_login_without_the_password(records_keeper):
    client = Client(REMOTE_ADDR="192.0.2.9")
    client.post(reverse("login"), {"username": records_keeper.username, "password": "wrong-pw"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.user, event.clinic) == (None, None)
    assert event.username == records_keeper.username
    assert event.remote_addr == "192.0.2.9"
    assert "wrong-pw" not in str(AuditEvent.objects.filter(pk=event.pk).values()[0])
