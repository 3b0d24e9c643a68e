import copy
import datetime

from django.utils import timezone

from screening.records.models import Client, Screening, decided_fields
from screening.rules.services import decide
from tests.engine.baseline import BASELINE


def make_client(clinic, name="Ada Lovelace", date_of_birth=datetime.date(1990, 12, 10)):
    return Client.objects.create(clinic=clinic, name=name, date_of_birth=date_of_birth)


def make_screening(*, clinic, practitioner, client=None, **answers):
    """A saved screening decided by the published rules; refers by default."""
    answers = answers or {"vitiligo_family_history": True}
    intake = {**copy.deepcopy(BASELINE), **answers}
    today = timezone.localdate()
    decision, version = decide(intake, on=today)
    return Screening.objects.create(
        clinic=clinic,
        client=client or make_client(clinic),
        practitioner=practitioner,
        screened_on=today,
        intake=intake,
        **decided_fields(decision, version),
    )
