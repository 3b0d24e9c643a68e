"""Amendments and overrides: the flows, required fields, immutability, isolation."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from screening.audit.models import AuditAction, AuditEvent
from screening.records.models import Amendment, Override, RecordChangeRefused, Screening
from tests.audit.support import amend, corrected, override
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
    url = reverse("intake:correct", args=[screening.pk])
    data = {
        "reason": "Client confirmed no family history.",
        **corrected(screening, vitiligo_family_history=False),
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
    typed = corrected(screening, vitiligo_family_history=False, allergy_details="plasters")
    typed["allergies"] = ["adhesive"]
    typed["has_allergies"] = "yes"
    url = reverse("intake:correct", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "  ", **typed})

    assert response.status_code == 200
    assert not Amendment.objects.exists()
    assert response.context["reason"].errors["reason"] == [
        "Reason for the correction: say why the answers change."
    ]
    html = response.content.decode()
    assert "plasters</textarea>" in html
    assert re.search(r'name="vitiligo_family_history" value="no"[^>]*checked', html)


@pytest.mark.django_db
def test_it_names_each_wrong_answer_and_keeps_what_was_typed(keeper_client, screening):
    typed = corrected(screening, fitzpatrick_type=9)
    typed.pop("pregnant")
    url = reverse("intake:correct", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "Typo", **typed})

    errors = response.context["form"].errors
    assert set(errors) == {"fitzpatrick_type", "pregnant"}
    assert errors["pregnant"] == ["Pregnant or may be pregnant: choose Yes or No."]
    assert not Amendment.objects.exists()
    assert "Typo</textarea>" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_amendment_that_changes_nothing(keeper_client, screening):
    url = reverse("intake:correct", args=[screening.pk])
    response = keeper_client.post(url, {"reason": "None", **corrected(screening)})
    assert "No answer was changed" in response.context["form"].non_field_errors()[0]
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
def test_it_shows_the_consultation_form_filled_with_the_answers_in_force(keeper_client, screening):
    amend(screening, screening.practitioner, pregnant=True)

    response = keeper_client.get(reverse("intake:correct", args=[screening.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="vitiligo_family_history" value="yes"[^>]*checked', html)
    assert re.search(r'name="pregnant" value="yes"[^>]*checked', html)  # the amendment's
    assert re.search(r'name="client_name"[^>]*disabled', html)  # the client record's
    # Every answer is the record's: corrections change answers one by one, never all at once.
    assert "None of these apply in any section" not in html


@pytest.mark.django_db
def test_a_made_up_press_for_every_section_answers_nothing_in_a_correction(
    keeper_client, screening
):
    typed = corrected(screening, vitiligo_family_history=False)
    for cleared in ("pregnant", "breastfeeding", "cold_sore_history"):
        typed.pop(cleared)
    url = reverse("intake:correct", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "Typo", "apply_none": "all", **typed})

    assert response.status_code == 200
    assert not Amendment.objects.exists()
    html = response.content.decode()
    assert "Typo</textarea>" in html
    assert re.search(r'name="vitiligo_family_history" value="no"[^>]*checked', html)
    for cleared in ("pregnant", "breastfeeding", "cold_sore_history"):
        assert not re.search(rf'name="{cleared}" value="[^"]*"[^>]*checked', html)
    assert "section by section" in html


@pytest.mark.django_db
def test_a_sections_own_button_still_answers_it_in_a_correction(keeper_client, screening):
    typed = corrected(screening)
    for cleared in ("pregnant", "cold_sore_history"):
        typed.pop(cleared)
    url = reverse("intake:correct", args=[screening.pk])

    response = keeper_client.post(url, {"reason": "Typo", "apply_none": "health", **typed})

    html = response.content.decode()
    assert re.search(r'name="pregnant" value="no"[^>]*checked', html)
    assert not re.search(r'name="cold_sore_history" value="[^"]*"[^>]*checked', html)
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_practitioners_cannot_amend_or_override(client, practitioner, screening):
    client.force_login(practitioner)
    for name in ("intake:correct", "records:screening_override"):
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

    for name in ("intake:correct", "records:screening_override"):
        url = reverse(name, args=[screening_b.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "comment": "y"}).status_code == 404
    assert Amendment.objects.for_clinic(clinic).count() == 0
    assert Override.objects.for_clinic(clinic).count() == 0
    assert Amendment.objects.count() == 1 and Override.objects.count() == 1
    assert not AuditEvent.objects.filter(clinic=clinic, action=AuditAction.AMENDED).exists()
