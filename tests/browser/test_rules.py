"""A rules admin edits a rule's condition with the row editor, then publishes the draft."""

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.engine import describe_condition
from screening.rules.models import Rule, RuleSet, Scenario
from screening.rules.seed import seed_scenarios_v1
from screening.rules.services import published_rule_set
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture
def admin_page(page, clinic, published_rules):
    seed_scenarios_v1(Scenario)  # transactional tests flush the migration's scenarios
    make_member(clinic, Role.RULES_ADMIN, username="rulesadmin")
    sign_in(page, "rulesadmin", PASSWORD)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    return page


def test_it_edits_a_condition_in_rows_and_publishes(admin_page):
    page = admin_page
    page.goto("/rules/")
    page.get_by_role("button", name="Start a draft from version 1").click()
    expect(page.get_by_role("heading", name="Rules of version 2")).to_be_visible()
    page.get_by_role("link", name="Edit TATTOO_PMU_IN_AREA").click()

    editor = page.locator("#condition-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#raw-condition")).not_to_have_attribute("open", "")
    editor.get_by_role("button", name="Add a test").first.click()
    row = editor.locator(".cond-row").nth(1)
    row.get_by_label("Field").select_option(label="Treatment areas")
    expect(row.get_by_label("Operator")).to_have_value("contains")
    row.get_by_label("Value").select_option("face")
    page.get_by_role("textbox", name="Message", exact=True).fill(PAYLOAD)
    page.get_by_role("button", name="Save the rule").click()

    expect(page.get_by_text("Rule TATTOO_PMU_IN_AREA saved.")).to_be_visible()
    rule = Rule.objects.get(rule_set__version=2, code="TATTOO_PMU_IN_AREA")
    assert rule.condition == {
        "all": [
            {"field": "tattoo_or_pmu_in_area", "op": "equals", "value": True},
            {"field": "treatment_areas", "op": "contains", "value": "face"},
        ]
    }
    card = page.locator(f"#rule-{rule.pk}")
    expect(card).to_contain_text(describe_condition(rule.condition))
    expect(card).to_contain_text(PAYLOAD)  # shown as text, never run
    assert page.dialogs == []

    page.get_by_role("link", name="Preview and publish…").click()
    page.get_by_label("Change note (required)").fill("Tattoo caution: face only")
    page.get_by_role("button", name="Publish version 2").click()

    expect(page.get_by_text("Version 2 is published and in use.")).to_be_visible()
    assert published_rule_set().version == 2
    assert RuleSet.objects.get(version=2).note == "Tattoo caution: face only"
    assert page.dialogs == []


def test_it_shows_a_problem_beside_its_row(admin_page):
    page = admin_page
    page.goto("/rules/")
    page.get_by_role("button", name="Start a draft from version 1").click()
    page.get_by_role("link", name="Edit TATTOO_PMU_IN_AREA").click()
    editor = page.locator("#condition-editor")
    editor.get_by_role("button", name="Add a test").first.click()
    row = editor.locator(".cond-row").nth(1)
    row.get_by_label("Field").select_option(label="Treatment areas")
    row.get_by_label("Operator").select_option("contains_any")
    for box in row.get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_role("button", name="Save the rule").click()

    problem = page.locator(".cond-row").nth(1).locator(".cond-problem")
    expect(problem).to_contain_text("non-empty list")
