"""The precaution codes kept beside each screening, which the records list filters on."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import QuerySet

from screening.records.models import FindingCode, RecordChangeRefused
from screening.records.selectors import RecordFilters, filtered_screenings
from tests.conftest import make_member
from tests.engine.support import procedure
from tests.records.factories import make_screening
from tests.triggers import triggers_off

pytestmark = pytest.mark.django_db

fill_codes = importlib.import_module("screening.records.migrations.0004_finding_codes").fill_codes


def codes_of(screening) -> list[str]:
    return sorted(screening.finding_codes.values_list("code", flat=True))


# Two recent procedures in the area: two RECENT_PROCEDURE findings, one code.
TWO_PROCEDURES = [procedure("dermal_filler", 10), procedure("botulinum_toxin", 3)]


def test_it_keeps_each_code_of_a_decision_once(clinic, practitioner):
    screening = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        vitiligo_family_history=True,
        recent_procedures=TWO_PROCEDURES,
    )
    rules = [finding["rule"] for finding in screening.decision["findings"]]
    assert rules.count("RECENT_PROCEDURE") == 2
    assert codes_of(screening) == sorted(set(rules))


def test_it_lists_a_screening_under_each_of_its_codes_once(clinic, practitioner):
    screening = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        vitiligo_family_history=True,
        recent_procedures=TWO_PROCEDURES,
    )
    make_screening(clinic=clinic, practitioner=practitioner, pregnant=True)
    for code in ("VITILIGO_FAMILY_HISTORY", "RECENT_PROCEDURE"):
        listed = filtered_screenings(clinic, RecordFilters(precaution=code))
        assert list(listed) == [screening]


def test_it_never_lists_another_clinics_screening_under_a_code(clinic, other_clinic):
    make_screening(clinic=other_clinic, practitioner=make_member(other_clinic, "practitioner"))
    listed = filtered_screenings(clinic, RecordFilters(precaution="VITILIGO_FAMILY_HISTORY"))
    assert not listed.exists()


def test_its_rows_cannot_be_changed(clinic, practitioner):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    with pytest.raises(RecordChangeRefused):
        FindingCode.objects.filter(screening=screening).update(code="PREGNANCY_BREASTFEEDING")
    with pytest.raises(RecordChangeRefused):
        FindingCode.objects.filter(screening=screening).delete()
    assert codes_of(screening) == ["VITILIGO_FAMILY_HISTORY"]


def test_the_migration_fills_the_codes_of_screenings_kept_before_it(clinic, practitioner):
    refer = make_screening(clinic=clinic, practitioner=practitioner)
    mixed = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        pregnant=True,
        recent_procedures=TWO_PROCEDURES,
    )
    proceed = make_screening(
        clinic=clinic, practitioner=practitioner, vitiligo_family_history=False
    )
    expected = {s.pk: codes_of(s) for s in (refer, mixed, proceed)}
    with triggers_off():  # as before the migration
        QuerySet.delete(FindingCode.objects.all())

    fill_codes(apps, connection)

    assert {s.pk: codes_of(s) for s in (refer, mixed, proceed)} == expected
    assert expected[proceed.pk] == [] and len(expected[mixed.pk]) == 2
