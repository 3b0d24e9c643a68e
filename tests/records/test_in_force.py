"""Records show what is in force: an override, else the latest correction, else the original."""

import csv
import io

import pytest
from django.urls import reverse

from screening.records.models import OutcomeInForce
from tests.audit.support import amend, override
from tests.records.factories import make_client, make_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper_client(client, records_keeper):
    client.force_login(records_keeper)
    return client


def page(client, name, *args):
    return client.get(reverse(name, args=args)).content.decode()


def test_a_corrected_record_opens_on_the_corrected_outcome(
    keeper_client, clinic, practitioner, records_keeper
):
    screening = make_screening(clinic=clinic, practitioner=practitioner)  # refer
    amend(screening, records_keeper, vitiligo_family_history=False)

    html = page(keeper_client, "records:screening_detail", screening.pk)

    in_force, original = html.index('id="outcome">Proceed'), html.index("Original decision")
    assert in_force < original < html.index(">Refer</p>")
    assert "Corrected by " + records_keeper.get_username() in html


def test_an_override_wins_over_a_correction_everywhere(
    keeper_client, clinic, practitioner, records_keeper
):
    ada = make_client(clinic)
    screening = make_screening(clinic=clinic, practitioner=practitioner, client=ada)  # refer
    amend(screening, records_keeper, sunburn_in_area_last_14_days=True)  # still refer
    override(screening, records_keeper, outcome="proceed")
    row = OutcomeInForce.objects.get(screening=screening)
    assert (row.outcome, row.corrected, row.overridden) == ("proceed", True, True)

    record = page(keeper_client, "records:screening_detail", screening.pk)
    assert record.index('id="outcome">Proceed') < record.index("Original decision")
    assert "Overridden by " in record

    for html in (
        page(keeper_client, "records:screening_list"),
        page(keeper_client, "records:client_detail", ada.pk),
    ):
        assert "</svg> Proceed</span> " in html
        assert '<span class="badge text-bg-light border in-force-mark">Overridden</span>' in html
        assert "</svg> Refer</span>" not in html

    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    keeper_client.get(reverse("records:export_csv")).streaming_content
                ).decode()
            )
        )
    )
    assert [
        (r["outcome_in_force"], r["original_outcome"], r["corrected"], r["overridden"])
        for r in rows
    ] == [("proceed", "refer", "yes", "yes")]


def test_the_list_filters_by_the_outcome_in_force(
    keeper_client, clinic, practitioner, records_keeper
):
    overridden = make_screening(clinic=clinic, practitioner=practitioner)
    bertha = make_client(clinic, "Bertha Zed")
    make_screening(clinic=clinic, practitioner=practitioner, client=bertha)
    override(overridden, records_keeper, outcome="proceed")
    url = reverse("records:screening_list")
    proceed = keeper_client.get(url, {"outcome": "proceed"}).content.decode()
    refer = keeper_client.get(url, {"outcome": "refer"}).content.decode()
    assert "Ada Lovelace" in proceed and "Bertha Zed" not in proceed
    assert "Bertha Zed" in refer and "Ada Lovelace" not in refer


def test_the_list_reads_the_outcome_in_force_without_a_query_per_row(
    keeper_client, clinic, practitioner, records_keeper, django_assert_max_num_queries
):
    for number in range(3):
        screening = make_screening(
            clinic=clinic, practitioner=practitioner, client=make_client(clinic, f"C{number}")
        )
        override(screening, records_keeper, outcome="proceed")
    keeper_client.get(reverse("records:screening_list"))  # warm the session and caches
    with django_assert_max_num_queries(8) as few:
        keeper_client.get(reverse("records:screening_list"))
    for number in range(3, 13):
        screening = make_screening(
            clinic=clinic, practitioner=practitioner, client=make_client(clinic, f"C{number}")
        )
        override(screening, records_keeper, outcome="postpone")
    with django_assert_max_num_queries(len(few.captured_queries)):
        keeper_client.get(reverse("records:screening_list"))


def test_the_due_list_and_dashboard_follow_the_outcome_in_force(
    keeper_client, clinic, practitioner, records_keeper
):
    import datetime

    from django.utils import timezone

    from screening.records.dashboard import due_for_rescreen, weekly_outcomes
    from screening.records.selectors import due_rescreens

    today = timezone.localdate()
    # A postponement overridden to proceed is no longer due; a refer corrected to a sunburn
    # postponement is due once its wait has passed.
    sunburn = make_screening(
        clinic=clinic, practitioner=practitioner, sunburn_in_area_last_14_days=True
    )
    override(sunburn, records_keeper, outcome="proceed")
    refer = make_screening(
        clinic=clinic, practitioner=practitioner, client=make_client(clinic, "Bo")
    )
    amend(refer, records_keeper, vitiligo_family_history=False, sunburn_in_area_last_14_days=True)
    later = today + datetime.timedelta(days=20)

    assert due_rescreens(clinic, today=today) == []
    assert [s.pk for s in due_rescreens(clinic, today=later)] == [refer.pk]
    assert due_for_rescreen(clinic, today=later) == 1
    counts = weekly_outcomes(clinic, today=today)[-1].counts
    assert (counts["proceed"], counts["postpone"], counts["refer"]) == (1, 1, 0)
    assert [s.pk for s in due_rescreens(clinic, today=later, limit=1)] == [refer.pk]
