"""The audit rows each action on a record writes, and the trail shown on the record page."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.urls import reverse

from screening import audit
from screening.audit.models import AuditAction, AuditEvent
from screening.intake.services import screen_draft
from screening.records.models import Amendment, Override
from tests.audit.support import corrected
from tests.conftest import make_member
from tests.engine.baseline import BASELINE
from tests.intake.factories import make_draft
from tests.records.factories import make_screening


@pytest.fixture
def screening(clinic, practitioner):
    return make_screening(clinic=clinic, practitioner=practitioner)


def events(**lookup):
    return list(AuditEvent.objects.filter(**lookup).values_list("action", "object_type"))


@pytest.mark.django_db
def test_screening_a_draft_logs_created_once(clinic, practitioner):
    intake = {
        **copy.deepcopy(BASELINE),
        "client": {"name": "Mary Seacole", "date_of_birth": "1985-11-23", "reference": None},
    }
    draft = make_draft(clinic, practitioner)
    who = {"clinic": clinic, "practitioner": practitioner}
    screening = screen_draft(draft.pk, answers={}, intake=intake, **who)
    screen_draft(draft.pk, answers={}, intake=intake, **who)

    event = AuditEvent.objects.get(action=AuditAction.CREATED)
    assert (event.user, event.clinic, event.object_id) == (practitioner, clinic, str(screening.pk))


@pytest.mark.django_db
def test_opening_a_record_logs_viewed(client, practitioner, screening):
    client.force_login(practitioner)
    client.get(reverse("records:screening_detail", args=[screening.pk]))
    event = AuditEvent.objects.get(action=AuditAction.VIEWED)
    assert (event.user, event.object_type, event.object_id) == (
        practitioner,
        "records.screening",
        str(screening.pk),
    )


@pytest.mark.django_db
def test_printing_logs_printed_with_script_and_without(client, practitioner, screening):
    client.force_login(practitioner)
    url = reverse("records:screening_printed", args=[screening.pk])

    assert client.post(url, HTTP_ACCEPT="application/json").status_code == 204
    response = client.post(url)

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PRINTED).count() == 2
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_printing_another_clinics_record_is_not_found(client, clinic, other_clinic):
    screening_b = make_screening(
        clinic=other_clinic, practitioner=make_member(other_clinic, "practitioner")
    )
    client.force_login(make_member(clinic, "practitioner"))
    url = reverse("records:screening_printed", args=[screening_b.pk])
    assert client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PRINTED).exists()


@pytest.mark.django_db
def test_amending_and_overriding_log_their_actions(client, records_keeper, screening):
    client.force_login(records_keeper)
    client.post(
        reverse("intake:correct", args=[screening.pk]),
        {
            "reason": "Wrong answer",
            **corrected(screening, vitiligo_family_history=False),
        },
    )
    client.post(
        reverse("records:screening_override", args=[screening.pk]),
        {"outcome": "refer", "reason_code": "other", "comment": "Practitioner unsure"},
    )
    assert events(user=records_keeper, object_type="records.screening") == [
        (AuditAction.OVERRODE, "records.screening"),
        (AuditAction.AMENDED, "records.screening"),
    ]


@pytest.mark.django_db
def test_a_failed_amendment_logs_nothing(client, records_keeper, screening):
    client.force_login(records_keeper)
    client.post(reverse("intake:correct", args=[screening.pk]), {"reason": ""})
    assert not AuditEvent.objects.filter(action=AuditAction.AMENDED).exists()


@pytest.mark.django_db
def test_every_export_logs_exported(client, records_keeper, screening):
    client.force_login(records_keeper)
    b"".join(client.get(reverse("records:export_csv")).streaming_content)
    client.get(reverse("records:screening_fhir", args=[screening.pk]))
    client.get(reverse("records:questionnaire_fhir"))
    client.get(reverse("records:client_export", args=[screening.client.pk]))
    assert sorted(events(action=AuditAction.EXPORTED)) == sorted(
        [
            (AuditAction.EXPORTED, ""),
            (AuditAction.EXPORTED, "records.screening"),
            (AuditAction.EXPORTED, ""),
            (AuditAction.EXPORTED, "records.client"),
        ]
    )


@pytest.mark.django_db
def test_records_keepers_see_the_records_trail_and_practitioners_do_not(
    client, clinic, practitioner, records_keeper, screening
):
    client.force_login(practitioner)
    page = client.get(reverse("records:screening_detail", args=[screening.pk])).content.decode()
    assert "Audit trail of this record" not in page

    client.force_login(records_keeper)
    response = client.get(reverse("records:screening_detail", args=[screening.pk]))

    trail = response.context["audit_trail"]
    assert [(e.user, e.action) for e in trail] == [
        (records_keeper, AuditAction.VIEWED),
        (practitioner, AuditAction.VIEWED),
    ]
    assert "Audit trail of this record" in response.content.decode()


@pytest.mark.django_db
def test_a_records_trail_never_shows_another_clinics_events(
    client, clinic, other_clinic, records_keeper, screening
):
    # An event of clinic B that happens to name the same object id must not appear.
    from screening import audit

    audit.log_event(
        AuditAction.VIEWED,
        user=make_member(other_clinic, "records_keeper"),
        clinic=other_clinic,
        obj=screening,
    )
    client.force_login(records_keeper)
    response = client.get(reverse("records:screening_detail", args=[screening.pk]))
    assert [e.clinic for e in response.context["audit_trail"]] == [clinic]


@pytest.fixture
def audit_write_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("the audit trail could not be written")

    monkeypatch.setattr(audit, "log_event", fail)


@pytest.mark.django_db
def test_no_correction_is_kept_when_its_audit_event_cannot_be_written(
    client, records_keeper, screening, audit_write_fails
):
    client.force_login(records_keeper)
    amend = {"reason": "Wrong answer", **corrected(screening, pregnant=True)}
    override = {"outcome": "proceed", "reason_code": "other", "comment": "Cleared by Dr Lee"}

    with pytest.raises(DatabaseError):
        client.post(reverse("intake:correct", args=[screening.pk]), amend)
    with pytest.raises(DatabaseError):
        client.post(reverse("records:screening_override", args=[screening.pk]), override)

    assert not Amendment.objects.exists() and not Override.objects.exists()


@pytest.mark.django_db
def test_a_correction_and_its_event_are_written_together(client, records_keeper, screening):
    """The event carries the author's address, given to the service inside its transaction."""
    client.force_login(records_keeper)
    client.post(
        reverse("intake:correct", args=[screening.pk]),
        {"reason": "Wrong answer", **corrected(screening, pregnant=True)},
        REMOTE_ADDR="192.0.2.44",
    )
    event = AuditEvent.objects.get(action=AuditAction.AMENDED)
    assert (event.object_id, event.remote_addr) == (str(screening.pk), "192.0.2.44")
    assert Amendment.objects.get().screening == screening


# Reads of client data: each page that shows it writes an event, with ids only.


def only_event(**lookup):
    (event,) = AuditEvent.objects.filter(**lookup)
    return event


def assert_no_client_data(event, *words):
    kept = " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get())
    for word in words:
        assert word not in kept


@pytest.mark.django_db
def test_opening_a_clients_page_logs_viewed(client, practitioner, screening):
    client.force_login(practitioner)
    client.get(reverse("records:client_detail", args=[screening.client.pk]))
    event = only_event(action=AuditAction.VIEWED, object_type="records.client")
    assert (event.user, event.object_id) == (practitioner, str(screening.client.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["intake:correct", "records:screening_override"])
def test_opening_a_correction_page_logs_viewed(client, records_keeper, screening, page):
    client.force_login(records_keeper)
    assert client.get(reverse(page, args=[screening.pk])).status_code == 200
    event = only_event(action=AuditAction.VIEWED, object_type="records.screening")
    assert (event.user, event.object_id) == (records_keeper, str(screening.pk))


@pytest.mark.django_db
def test_a_client_search_logs_searched_without_the_terms(client, practitioner, screening):
    client.force_login(practitioner)
    client.post(reverse("records:client_search"), {"q": "Lovelace"})
    event = only_event(action=AuditAction.SEARCHED)
    assert (event.user, event.object_type, event.object_id) == (practitioner, "records.client", "")
    assert_no_client_data(event, "Lovelace", "Ada")


@pytest.mark.django_db
def test_a_records_list_search_logs_searched_without_the_terms(client, practitioner, screening):
    client.force_login(practitioner)
    client.post(reverse("records:screening_list"), {"q": "Lovelace"}, follow=True)
    event = only_event(action=AuditAction.SEARCHED)
    assert (event.object_type, event.object_id) == ("records.screening", "")
    assert_no_client_data(event, "Lovelace")


@pytest.mark.django_db
def test_the_admins_draft_pages_log_viewed(client, clinic, practitioner):
    draft = make_draft(clinic, practitioner)
    superuser = get_user_model().objects.create_superuser("root", password="x" * 12)
    client.force_login(superuser)

    assert client.get(reverse("admin:intake_draft_changelist")).status_code == 200
    assert client.get(reverse("admin:intake_draft_change", args=[draft.pk])).status_code == 200

    events = AuditEvent.objects.filter(action=AuditAction.VIEWED, user=superuser)
    assert sorted(events.values_list("object_type", "object_id", "clinic")) == [
        ("intake.draft", "", None),
        ("intake.draft", str(draft.pk), clinic.pk),
    ]
