"""Scenarios against the draft or the published version; the impact preview of a draft."""

import datetime
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.records import impact
from screening.records.models import Screening
from screening.records.tasks import impact_preview
from screening.rules.models import ImpactRun, Scenario
from screening.rules.seed import read_fixture
from tests.conftest import make_member
from tests.records.factories import make_client, make_screening
from tests.rules.support import draft_rule

pytestmark = pytest.mark.django_db


def test_the_seeded_scenarios_cover_every_precaution_and_a_baseline():
    data = read_fixture("scenarios_v1.json")["scenarios"]
    assert Scenario.objects.count() == len(data)
    baseline = Scenario.objects.get(name="Healthy baseline")
    assert baseline.expected_outcome == "proceed" and baseline.required_codes == []
    codes = {code for s in Scenario.objects.all() for code in s.required_codes}
    rules = read_fixture("rules_v1.json")["rules"]
    assert {rule["code"] for rule in rules} <= codes


def test_the_scenario_page_shows_failures_with_reasons(client, rules_admin):
    client.force_login(rules_admin)
    response = client.get(reverse("rules:scenarios") + "?target=published")
    assert b"scenarios passed" in response.content and not response.context["failures"]

    draft, rule = draft_rule("PREGNANCY_BREASTFEEDING")
    rule.action, rule.wait_days, rule.wait_from = "caution", None, ""
    rule.save()
    response = client.get(reverse("rules:scenarios") + "?target=draft")
    failures = response.context["failures"]
    assert failures and all("PREGNANCY" in f.scenario.name for f in failures)
    page = response.content.decode()
    assert "Expected outcome postpone, got proceed" in page


def test_an_inactive_scenario_does_not_block():
    draft, rule = draft_rule("PREGNANCY_BREASTFEEDING")
    rule.action, rule.wait_days, rule.wait_from = "caution", None, ""
    rule.save()
    Scenario.objects.filter(name__startswith="PREGNANCY").update(active=False)
    from screening.rules.versions import check_publishable

    assert check_publishable(draft)


@pytest.fixture
def known_screenings(clinic, other_clinic, practitioner):
    """3 refer (vitiligo family history) and 2 proceed here; 4 refer in another clinic."""
    other = make_member(other_clinic, "practitioner")
    made = [make_screening(clinic=clinic, practitioner=practitioner) for _ in range(3)]
    made += [
        make_screening(clinic=clinic, practitioner=practitioner, pregnant=False) for _ in range(2)
    ]
    made += [
        make_screening(clinic=other_clinic, practitioner=other, client=make_client(other_clinic))
        for _ in range(4)
    ]
    return made


def test_the_impact_preview_counts_outcome_changes(
    known_screenings, clinic, rules_admin, monkeypatch
):
    draft, rule = draft_rule("VITILIGO_FAMILY_HISTORY")
    rule.action = "caution"
    rule.save()
    run = impact.start_run(rule_set=draft, user=rules_admin, clinic=clinic)
    monkeypatch.setattr(impact, "CHUNK_SIZE", 2)  # several chunks on a small set
    steps = 0
    while not run.finished:
        run = impact.advance(run.pk, seconds=0)
        steps += 1
    assert steps == 5

    assert run.done == run.total == 9
    assert run.changes == {"refer->proceed": 7}
    own = known_screenings[:3]
    assert sorted(c["id"] for c in run.own_changes) == sorted(s.pk for s in own)
    assert run.own_changes[0]["screened_on"] == own[0].screened_on.isoformat()


def test_the_impact_pages_show_counts_without_client_names(
    client, known_screenings, clinic, rules_admin
):
    draft, rule = draft_rule("VITILIGO_FAMILY_HISTORY")
    rule.action = "caution"
    rule.save()
    client.force_login(rules_admin)
    response = client.post(reverse("impact:start"))
    run = ImpactRun.objects.get()
    assert response["Location"] == reverse("impact:run", args=[run.pk])

    page = client.get(response["Location"]).content.decode()

    assert "Done: 9 past screenings" in page
    word = r"<td><span[^>]*><svg.*?</svg> {}</span></td>"
    assert re.search(word.format("Refer") + word.format("Proceed") + "<td>7</td>", page)
    assert known_screenings[0].client.name not in page
    assert f"#{known_screenings[0].pk}" in page and f"#{known_screenings[5].pk}" not in page
    assert 'http-equiv="refresh"' not in page
    rule.message = "changed again"
    rule.save()
    assert "The draft has changed" in client.get(response["Location"]).content.decode()


QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def writes(queries) -> list[str]:
    """The statements of `queries` that change a table."""
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_a_queued_preview_refreshes_itself_and_reading_it_writes_nothing(
    client, known_screenings, clinic, rules_admin
):
    draft_rule()
    client.force_login(rules_admin)
    with override_settings(TASKS=QUEUED_ONLY):  # queued, and no worker takes it
        run_url = client.post(reverse("impact:start"))["Location"]
        run = ImpactRun.objects.get()
        assert run.task_id
        with CaptureQueriesContext(connection) as queries:
            first = client.get(run_url).content.decode()
            second = client.get(run_url).content.decode()

    for page in (first, second):
        assert 'http-equiv="refresh"' in page and "0 of 9 screenings" in page
    assert [sql for sql in writes(queries) if "django_session" not in sql] == []
    run.refresh_from_db()
    assert (run.done, run.finished) == (0, False)

    impact_preview.call(run.pk)  # what a worker does with the queued task
    page = client.get(run_url).content.decode()
    assert "Done: 9 past screenings" in page and 'http-equiv="refresh"' not in page


def test_a_preview_nothing_drives_says_so_and_offers_another(client, clinic, rules_admin):
    draft, _ = draft_rule()
    run = impact.start_run(rule_set=draft, user=rules_admin, clinic=clinic)  # no task queued
    client.force_login(rules_admin)
    page = client.get(reverse("impact:run", args=[run.pk])).content.decode()
    assert "stopped after 0 of" in page and "Preview again" in page
    assert 'http-equiv="refresh"' not in page


def test_posting_to_a_preview_page_is_refused(client, clinic, rules_admin):
    draft, _ = draft_rule()
    run = impact.start_run(rule_set=draft, user=rules_admin, clinic=clinic)
    client.force_login(rules_admin)
    assert client.post(reverse("impact:run", args=[run.pk])).status_code == 405


def test_past_intakes_that_no_longer_validate_are_counted_not_fatal(clinic, practitioner):
    draft, _ = draft_rule()
    good = make_screening(clinic=clinic, practitioner=practitioner)
    Screening.objects.create(
        clinic=clinic,
        client=good.client,
        practitioner=practitioner,
        screened_on=datetime.date(2026, 1, 1),
        intake={"old": "shape"},
        decision={},
        outcome="proceed",
        rule_set_version=1,
    )
    run = impact.run_to_end(impact.start_run(rule_set=draft, user=None, clinic=clinic))
    assert run.done == 2 and run.unreadable == 1 and run.changes == {}
