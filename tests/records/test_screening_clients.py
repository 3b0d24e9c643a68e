"""Which client a new screening is kept under: the clinic's client of that name (in any case),
date of birth and reference, or a new one. On PostgreSQL a returning client's screening is
written by one statement; these tests run on both databases."""

import copy
import datetime

import pytest

from screening.records.models import Client, FindingCode
from screening.records.services import record_screening
from tests.engine.baseline import BASELINE
from tests.records.factories import make_client

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 12, 10)


def screened(clinic, practitioner, name="Ada Lovelace", born=BORN, reference=None, **answers):
    client = {"name": name, "date_of_birth": born.isoformat(), "reference": reference}
    intake = {**copy.deepcopy(BASELINE), **answers, "client": client}
    return record_screening(clinic=clinic, practitioner=practitioner, intake=intake)


def test_it_keeps_a_returning_clients_screening_under_them_whatever_the_case(clinic, practitioner):
    ada = make_client(clinic, name="Ada Lovelace", date_of_birth=BORN)
    screening = screened(clinic, practitioner, name="  ada LOVELACE ", pregnant=True)
    assert screening.client_id == ada.pk and Client.objects.count() == 1
    screening.refresh_from_db()
    assert (screening.client, screening.outcome, screening.intake["pregnant"]) == (
        ada,
        "postpone",
        True,
    )


def test_it_keeps_the_finding_codes_of_a_returning_clients_screening(clinic, practitioner):
    make_client(clinic, date_of_birth=BORN)
    screening = screened(clinic, practitioner, pregnant=True, vitiligo_family_history=True)
    screening.refresh_from_db()
    rows = FindingCode.objects.filter(screening=screening).order_by("code")
    assert [(row.code, row.created_at, row.screened_on) for row in rows] == [
        ("PREGNANCY_BREASTFEEDING", screening.created_at, screening.screened_on),
        ("VITILIGO_FAMILY_HISTORY", screening.created_at, screening.screened_on),
    ]


def test_a_returning_client_without_findings_has_no_codes(clinic, practitioner):
    make_client(clinic, date_of_birth=BORN)
    screening = screened(clinic, practitioner)
    assert screening.outcome == "proceed" and not FindingCode.objects.exists()


@pytest.mark.parametrize(
    "other",
    [{"born": datetime.date(1990, 12, 11)}, {"reference": "A-17"}, {"name": "Ada Byron"}],
    ids=["date of birth", "reference", "name"],
)
def test_it_makes_a_new_client_for_another_person(clinic, practitioner, other):
    ada = make_client(clinic, date_of_birth=BORN)
    screening = screened(clinic, practitioner, **other)
    assert screening.client_id != ada.pk and Client.objects.count() == 2
    assert FindingCode.objects.count() == 0 and screening.client.clinic == clinic


def test_it_never_keeps_a_screening_under_another_clinics_client(
    clinic, other_clinic, practitioner
):
    theirs = make_client(other_clinic, date_of_birth=BORN)
    screening = screened(clinic, practitioner, pregnant=True)
    assert screening.client_id != theirs.pk and screening.client.clinic == clinic
    assert list(screening.finding_codes.values_list("code", flat=True)) == [
        "PREGNANCY_BREASTFEEDING"
    ]
