"""fill_demo: synthetic clients and screenings, decided by the published rules."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from screening.accounts.models import Clinic
from screening.records.models import Client, Screening
from screening.rules.services import decide


def test_it_fills_a_clinic_with_decided_screenings_over_two_years(db):
    out = io.StringIO()
    call_command("fill_demo", clients=20, screenings=120, clinic="Filled", batch=50, stdout=out)

    clinic = Clinic.objects.get(name="Filled")
    screenings = list(Screening.objects.for_clinic(clinic))
    assert Client.objects.for_clinic(clinic).count() == 20 and len(screenings) == 120
    assert "120 screenings" in out.getvalue()
    oldest = min(s.created_at for s in screenings)
    assert timezone.now() - oldest > datetime.timedelta(days=60)  # spread, not all "now"
    assert len({s.outcome for s in screenings}) == 3
    for screening in screenings[:10]:
        decision, _ = decide(screening.intake, on=screening.screened_on)
        assert decision == screening.decision
        assert screening.intake["client"]["name"] == screening.client.name
    # Written with bulk_create, so without save: the precaution codes are written beside them.
    for screening in screenings:
        codes = {finding["rule"] for finding in screening.decision["findings"]}
        assert set(screening.finding_codes.values_list("code", flat=True)) == codes
