import pytest

from screening.records.models import RecordChangeRefused, Screening
from tests.records.factories import make_screening


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
