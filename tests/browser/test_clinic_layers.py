"""A clinic's rules admin makes a floor rule stricter; a medical director approves the publish."""

import datetime

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.rules.models import Scenario
from screening.rules.seed import seed_scenarios_v1
from screening.rules.services import decide
from tests.api.support import intake
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.conftest import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = {"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}


def test_a_stricter_wait_takes_effect_when_a_medical_director_approves_it(
    page, clinic, other_clinic, published_rules, settings
):
    settings.RULES_APPROVAL_WAIVED = False
    seed_scenarios_v1(Scenario)  # transactional tests flush the migration's scenarios
    make_member(clinic, Role.RULES_ADMIN, username="clinicrules")
    make_member(clinic, Role.MEDICAL_DIRECTOR, username="director")

    sign_in(page, "clinicrules", PASSWORD)
    page.goto("/rules/clinic/")
    page.get_by_role("button", name="Start the clinic's first layer").click()
    expect(page.get_by_role("heading", name="Rules of version 1")).to_be_visible()
    page.get_by_role("link", name="Make stricter Dermal filler in the area recently").click()
    expect(page.locator("#stricter-note")).to_be_visible()
    page.get_by_label("Wait", exact=True).fill("365")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_text("Rule RECENT_PROCEDURE saved.")).to_be_visible()
    expect(page.get_by_text("stricter than the floor", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Preview and publish…").click()
    page.get_by_label("Change note (required)").fill("A year after filler, as our insurer asks")
    page.get_by_role("button", name="Ask a medical director to approve version 1").click()
    expect(page.locator("#request-status")).to_contain_text("Waiting for approval")
    expect(page.locator("#why-not")).to_contain_text("Only a medical director")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    sign_in(page, "director", PASSWORD)
    page.get_by_role("button", name="Show navigation").click()  # folded below 1,200 px
    page.get_by_role("link", name="Rules approvals").click()
    page.get_by_role("link", name="Clinic A's own rules").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Version 1").click()
    expect(page.locator("#request-changes")).to_contain_text("wait 365 days")
    expect(page.locator("#request-scenarios")).to_contain_text("scenarios pass")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Approve and publish version 1").click()
    expect(page.get_by_text("Approved: version 1 is published and in use.")).to_be_visible()

    with_filler = intake(recent_procedures=[FILLER])
    on = datetime.date(2026, 6, 1)
    assert decide(with_filler, on=on, clinic=clinic)[0]["findings"][0]["rescreen_after_days"] == 355
    assert decide(with_filler, on=on, clinic=other_clinic)[0]["clinic_layer_version"] is None
