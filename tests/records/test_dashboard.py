"""The records keepers' dashboard: numbers on a known set of screenings, and its query count."""

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.records import dashboard
from screening.records.dashboard import dashboard_numbers, due_for_rescreen, week_start
from screening.records.models import Screening, decided_fields
from screening.rules.services import decide
from tests.audit.support import override
from tests.conftest import make_member
from tests.engine.baseline import BASELINE
from tests.records.factories import make_client

TODAY = timezone.localdate()
THIS_WEEK = week_start(TODAY)
REFER = {"vitiligo_family_history": True}
SUNBURN = {"sunburn_in_area_last_14_days": True}  # postpone, re-screen after 14 days
UNWELL = {"unwell_or_fever_today": True}  # postpone, re-screen after 7 days
PROCEED = {}


def screened(clinic, practitioner, client, on, answers):
    intake = {**copy.deepcopy(BASELINE), **answers}
    decision, version = decide(intake, on=on)
    return Screening.objects.create(
        clinic=clinic,
        client=client,
        practitioner=practitioner,
        screened_on=on,
        intake=intake,
        **decided_fields(decision, version),
    )


@pytest.fixture
def known_set(clinic, other_clinic, practitioner, records_keeper):
    ada, bo, cy, di = (make_client(clinic, name) for name in ("Ada", "Bo", "Cy", "Di"))
    week = datetime.timedelta(weeks=1)
    # Bo was postponed 3 weeks ago and has been screened since (below): not due.
    screened(clinic, practitioner, bo, TODAY - 3 * week, UNWELL)
    # This week: one of each outcome.
    referred = screened(clinic, practitioner, ada, TODAY, REFER)
    screened(clinic, practitioner, bo, TODAY, PROCEED)
    # Cy: postponed 2 weeks + 1 day ago (sunburn, 14 days): due today.
    screened(clinic, practitioner, cy, TODAY - datetime.timedelta(days=15), SUNBURN)
    # Di: postponed today: re-screen in 7 days, not due yet.
    screened(clinic, practitioner, di, TODAY, UNWELL)
    # 13 weeks ago: outside the chart.
    screened(clinic, practitioner, ada, THIS_WEEK - 12 * week, REFER)
    # Another clinic's screening and overrides never count.
    other = make_member(other_clinic, "practitioner")
    other_referred = screened(other_clinic, other, make_client(other_clinic, "Ed"), TODAY, REFER)
    override(other_referred, make_member(other_clinic, "records_keeper"))
    override(referred, records_keeper)
    override(referred, records_keeper, outcome="postpone", reason_code="other")
    return referred


@pytest.mark.django_db
def test_it_counts_outcomes_per_week_over_twelve_weeks(clinic, known_set):
    numbers = dashboard_numbers(clinic, today=TODAY)

    weeks = numbers["weeks"]
    assert len(weeks) == 12
    assert weeks[-1].start == THIS_WEEK
    assert weeks[0].start == THIS_WEEK - datetime.timedelta(weeks=11)
    # Outcomes in force: Ada's refer of this week was overridden to postpone.
    assert weeks[-1].counts == {"proceed": 1, "postpone": 2, "refer": 0}
    assert sum(week.counts["postpone"] for week in weeks) == 4
    assert sum(week.counts["refer"] for week in weeks) == 0
    assert sum(week.total for week in weeks[:8]) == 0
    assert numbers["screenings"] == 5


@pytest.mark.django_db
def test_it_lists_the_precautions_found_most(clinic, known_set):
    top = dict(dashboard_numbers(clinic, today=TODAY)["top_precautions"])
    assert top == {"ACTIVE_INFECTION": 2, "SUNBURN_OR_TAN": 1, "VITILIGO_FAMILY_HISTORY": 1}


@pytest.mark.django_db
def test_it_counts_clients_due_for_rescreen(clinic, known_set):
    assert dashboard_numbers(clinic, today=TODAY)["due_for_rescreen"] == 1
    later = TODAY + datetime.timedelta(days=7)
    assert dashboard_numbers(clinic, today=later)["due_for_rescreen"] == 2
    assert due_for_rescreen(clinic, today=later, most=1) == 2  # "more than 1"


@pytest.mark.django_db
def test_it_counts_overrides_by_rule(clinic, known_set):
    numbers = dashboard_numbers(clinic, today=TODAY)
    assert numbers["overrides_by_rule"] == [("VITILIGO_FAMILY_HISTORY", 2)]


@pytest.mark.django_db
def test_it_reads_everything_in_five_queries(clinic, known_set, django_assert_num_queries):
    # The clients due are counted in two: screenings whose own decision is in force, and the
    # corrected or overridden ones, each read by its own index.
    with django_assert_num_queries(5):
        dashboard_numbers(clinic, today=TODAY)


@pytest.mark.django_db
def test_the_page_draws_the_chart_without_inline_styles_or_scripts(
    client, clinic, records_keeper, known_set, django_assert_max_num_queries
):
    client.force_login(records_keeper)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("records:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<rect" in html
    assert "style=" not in html
    assert "<script>" not in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
def test_the_page_shows_the_numbers(client, clinic, records_keeper, known_set):
    client.force_login(records_keeper)
    response = client.get(reverse("records:dashboard"))
    assert response.context["due_for_rescreen"] == 1
    assert response.context["screenings"] == 5
    assert b'id="overridden-rules"' in response.content
    assert b"VITILIGO_FAMILY_HISTORY" in response.content


def test_it_links_the_dashboard_and_csv_export_for_records_keepers(client, records_keeper):
    from django.urls import reverse

    client.force_login(records_keeper)
    home = client.get(reverse("home")).content.decode()
    listing = client.get(reverse("records:screening_list")).content.decode()

    assert reverse("records:dashboard") in home
    assert reverse("records:export_csv") in listing


@pytest.mark.django_db
def test_the_page_says_more_than_the_most_it_counts_of_clients_due(
    client, clinic, records_keeper, known_set, monkeypatch
):
    monkeypatch.setattr(dashboard, "DUE_COUNTED", 0)
    client.force_login(records_keeper)
    html = client.get(reverse("records:dashboard")).content.decode()
    assert '<p class="display-6 mb-0" id="due-count">More than 0</p>' in html
