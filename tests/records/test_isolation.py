"""Clinic isolation: every record URL of clinic B is a 404 for every member of clinic A.

Add each new URL that shows one clinic's data to RECORD_URLS, with the roles that may open it.
"""

import pytest
from django.urls import reverse

from screening.accounts.models import Role
from tests.conftest import ROLES, make_member
from tests.records.factories import make_screening

# url name -> (how to build its arguments from a screening, roles that may open it)
RECORD_URLS = {
    "records:screening_detail": (
        lambda s: [s.pk],
        {Role.PRACTITIONER, Role.RECORDS_KEEPER},
    ),
    "records:client_detail": (
        lambda s: [s.client_id],
        {Role.PRACTITIONER, Role.RECORDS_KEEPER},
    ),
    "intake:correct": (lambda s: [s.pk], {Role.RECORDS_KEEPER}),
    "records:screening_override": (lambda s: [s.pk], {Role.RECORDS_KEEPER}),
    "records:screening_fhir": (lambda s: [s.pk], {Role.RECORDS_KEEPER}),
    "records:client_export": (lambda s: [s.client_id], {Role.RECORDS_KEEPER}),
}


@pytest.fixture
def screening_of_b(other_clinic):
    return make_screening(
        clinic=other_clinic, practitioner=make_member(other_clinic, "practitioner")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RECORD_URLS)
def test_it_answers_not_found_for_another_clinics_records(
    client, clinic, screening_of_b, name, role
):
    build_args, _ = RECORD_URLS[name]
    client.force_login(make_member(clinic, role))

    response = client.get(reverse(name, args=build_args(screening_of_b)))

    expected = 404 if role in RECORD_URLS[name][1] else 403
    assert response.status_code == expected
    assert screening_of_b.client.name.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RECORD_URLS)
def test_it_opens_own_clinic_records_for_allowed_roles(client, clinic, name, role):
    build_args, allowed = RECORD_URLS[name]
    screening = make_screening(clinic=clinic, practitioner=make_member(clinic, "practitioner"))
    client.force_login(make_member(clinic, role))

    response = client.get(reverse(name, args=build_args(screening)))

    assert response.status_code == (200 if role in allowed else 403)
    if role in allowed:
        assert b"MISSING_TEMPLATE_VARIABLE" not in response.content
