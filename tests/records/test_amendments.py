"""Amendments and overrides: the flows, required fields, immutability, isolation."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from screening.audit.models import AuditAction, AuditEvent
from screening.records.models import Amendment, Override, RecordChangeRefused, Screening
from tests.audit.support import amend, answers_json, override
from tests.conftest import make_member
from tests.records.factories import make_screening


@pytest.fixture
def screening(clinic, practitioner):
    return make_screening(clinic=clinic, practitioner=practitioner)  # refers


@pytest.fixture
def keeper_client(client, records_keeper):
    client.force_login(records_keeper)
    return client


# Amendments


@pytest.mark.django_db
def test_it_keeps_the_original_and_decides_the_corrected_answers(
    keeper_client, screening, records_keeper
):
    original = Screening.objects.get(pk=screening.pk)
    url = reverse("records:screening_amend", args=[screening.pk])
    data = {
        "reason": "Client confirmed no family history.",
        "answers": answers_json(screening, vitiligo_family_history=False),
    }

    response = keeper_client.post(url, data)

    amendment = Amendment.objects.get()
    assert (amendment.author, amendment.clinic, amendment.screening) == (
        records_keeper,
        screening.clinic,
        screening,
    )
    assert amendment.reason == "Client confirmed no family history."
    assert amendment.intake["vitiligo_family_history"] is False
    assert amendment.intake.get("client") == screening.intake.get("client")
    assert amendment.outcome == "proceed" == amendment.decision["outcome"]
    assert amendment.rule_set_version == amendment.decision["rule_set_version"]
    unchanged = Screening.objects.get(pk=screening.pk)
    assert (unchanged.intake, unchanged.decision, unchanged.outcome) == (
        original.intake,
        original.decision,
        "refer",
    )
    assert response.status_code == 302
    page = keeper_client.get(response["Location"]).content.decode()
    assert "Client confirmed no family history." in page
    assert "Family history of vitiligo" in page


@pytest.mark.django_db
def test_it_names_the_missing_reason_and_keeps_the_answers(keeper_client, screening):
    typed = answers_json(screening, vitiligo_family_history=False, allergy_details="plasters")
    url = reverse("records:screening_amend", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "  ", "answers": typed})

    assert response.status_code == 200
    assert not Amendment.objects.exists()
    assert response.context["form"].errors["reason"] == [
        "Give the reason for the correction (reason)."
    ]
    assert "plasters" in response.content.decode()


@pytest.mark.django_db
def test_it_names_each_invalid_field_and_keeps_what_was_typed(keeper_client, screening):
    typed = answers_json(screening, eczema="sometimes", fitzpatrick_type=9)
    url = reverse("records:screening_amend", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "Typo", "answers": typed})

    errors = " ".join(response.context["form"].errors["answers"])
    assert "eczema" in errors and "fitzpatrick_type" in errors
    assert not Amendment.objects.exists()
    assert "sometimes" in response.content.decode()
    assert "Typo" in response.content.decode()


@pytest.mark.django_db
def test_it_reports_json_that_does_not_parse(keeper_client, screening):
    url = reverse("records:screening_amend", args=[screening.pk])
    response = keeper_client.post(url, {"reason": "Typo", "answers": '{"eczema": '})
    assert "not valid JSON" in response.context["form"].errors["answers"][0]
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_amendment_that_changes_nothing(keeper_client, screening):
    url = reverse("records:screening_amend", args=[screening.pk])
    response = keeper_client.post(url, {"reason": "None", "answers": answers_json(screening)})
    assert "No answer was changed" in response.context["form"].errors["answers"][0]
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_it_amends_from_the_latest_amendment(screening, records_keeper):
    amend(screening, records_keeper, vitiligo_family_history=False)
    second = amend(
        screening,
        records_keeper,
        reason="Pregnant after all.",
        vitiligo_family_history=False,
        pregnant=True,
    )
    assert second.outcome != "proceed"
    assert Amendment.objects.filter(screening=screening).count() == 2


@pytest.mark.django_db
def test_it_shows_the_amendment_form_prefilled_without_the_client_block(keeper_client, screening):
    response = keeper_client.get(reverse("records:screening_amend", args=[screening.pk]))
    assert response.status_code == 200
    assert "vitiligo_family_history" in response.content.decode()
    assert '"client"' not in response.context["form"].initial["answers"]


@pytest.mark.django_db
def test_practitioners_cannot_amend_or_override(client, practitioner, screening):
    client.force_login(practitioner)
    for name in ("records:screening_amend", "records:screening_override"):
        assert client.get(reverse(name, args=[screening.pk])).status_code == 403
        assert client.post(reverse(name, args=[screening.pk]), {}).status_code == 403


# Overrides


@pytest.mark.django_db
def test_it_records_an_override_beside_the_computed_decision(
    keeper_client, screening, records_keeper
):
    url = reverse("records:screening_override", args=[screening.pk])
    data = {
        "outcome": "proceed",
        "reason_code": "clearance_letter",
        "comment": "Dermatologist letter of 2 Nov.",
    }

    response = keeper_client.post(url, data)

    item = Override.objects.get()
    assert (item.outcome, item.computed_outcome, item.reason_code) == (
        "proceed",
        "refer",
        "clearance_letter",
    )
    assert item.overridden_rules == ["VITILIGO_FAMILY_HISTORY"]
    assert item.author == records_keeper
    assert Screening.objects.get(pk=screening.pk).outcome == "refer"
    page = keeper_client.get(response["Location"]).content.decode()
    assert "Dermatologist letter of 2 Nov." in page
    assert "Clearance letter received" in page


@pytest.mark.django_db
def test_it_names_the_missing_comment_and_keeps_the_choices(keeper_client, screening):
    url = reverse("records:screening_override", args=[screening.pk])
    response = keeper_client.post(
        url, {"outcome": "proceed", "reason_code": "prescriber_approved", "comment": ""}
    )
    assert response.context["form"].errors["comment"] == [
        "Explain the override in the comment (comment)."
    ]
    assert not Override.objects.exists()
    assert 'value="prescriber_approved" selected' in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_override_to_the_computed_outcome_or_an_unknown_reason(
    keeper_client, screening
):
    url = reverse("records:screening_override", args=[screening.pk])
    response = keeper_client.post(
        url, {"outcome": "refer", "reason_code": "because", "comment": "x"}
    )
    errors = response.context["form"].errors
    assert "outcome" in errors and "reason_code" in errors
    assert not Override.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_reason_code_or_blank_comment(screening, records_keeper):
    for extra in ({"reason_code": "whim", "comment": "x"}, {"reason_code": "other", "comment": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Override.objects.create(
                clinic=screening.clinic,
                screening=screening,
                author=records_keeper,
                computed_outcome="refer",
                outcome="proceed",
                **extra,
            )


# Immutability


@pytest.mark.django_db
@pytest.mark.parametrize("make", [amend, override])
def test_corrections_refuse_save_and_delete(screening, records_keeper, make):
    record = (
        make(screening, records_keeper, vitiligo_family_history=False)
        if make is amend
        else make(screening, records_keeper)
    )
    model = type(record)
    record.outcome = "postpone"
    with pytest.raises(RecordChangeRefused):
        record.save()
    with pytest.raises(RecordChangeRefused):
        record.delete()
    with pytest.raises(RecordChangeRefused):
        model.objects.filter(pk=record.pk).update(outcome="postpone")
    with pytest.raises(RecordChangeRefused):
        model.objects.filter(pk=record.pk).delete()
    assert model.objects.get(pk=record.pk).outcome != "postpone"


# Isolation


@pytest.mark.django_db
def test_a_clinic_never_sees_another_clinics_corrections(client, clinic, other_clinic):
    keeper_b = make_member(other_clinic, "records_keeper")
    screening_b = make_screening(
        clinic=other_clinic, practitioner=make_member(other_clinic, "practitioner")
    )
    amend(screening_b, keeper_b, reason="B's secret reason", vitiligo_family_history=False)
    override(screening_b, keeper_b, comment="B's secret comment")
    client.force_login(make_member(clinic, "records_keeper"))

    for name in ("records:screening_amend", "records:screening_override"):
        url = reverse(name, args=[screening_b.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "comment": "y"}).status_code == 404
    assert Amendment.objects.for_clinic(clinic).count() == 0
    assert Override.objects.for_clinic(clinic).count() == 0
    assert Amendment.objects.count() == 1 and Override.objects.count() == 1
    assert not AuditEvent.objects.filter(clinic=clinic, action=AuditAction.AMENDED).exists()
