"""The decision and record pages in Chromium: the outcome in force first, the referral letter,
the follow-up date, and no accessibility violation on them, the records list or the rule form."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import FollowUp
from screening.rules.versions import start_draft
from tests.audit.support import amend, override
from tests.browser.conftest import assert_no_axe_violations, signed_in
from tests.conftest import make_member
from tests.records.factories import make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(clinic, published_rules):
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse")
    keeper = make_member(clinic, Role.RECORDS_KEEPER, username="keeper")
    keeper.first_name, keeper.last_name = "Rosa", "Keeper"
    keeper.save()
    return nurse, keeper


def assert_in_force_first(page, word, mark, original):
    """The page opens on the outcome in force, marked, with who and when; the original beneath."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"{word} {mark}")
    expect(page.locator(".in-force")).to_contain_text(
        f"{mark} by Rosa Keeper on {timezone.localtime():%-d %b %Y}"
    )
    beneath = page.get_by_role("heading", name="Original decision")
    expect(beneath).to_be_visible()
    expect(page.locator(".original-decision")).to_contain_text(original)
    assert heading.bounding_box()["y"] < beneath.bounding_box()["y"]


def test_a_corrected_record_shows_the_corrected_outcome_first(page, live_server, clinic, people):
    nurse, keeper = people
    screening = make_screening(clinic=clinic, practitioner=nurse)  # refer: vitiligo in the family
    amend(screening, keeper, vitiligo_family_history=False)
    signed_in(page, live_server, nurse)

    page.goto(screening.get_absolute_url())

    assert_in_force_first(page, "Proceed", "Corrected", "Refer")
    expect(page.get_by_role("heading", name="Referral letter")).to_have_count(0)
    assert_no_axe_violations(page)


def test_an_overridden_record_shows_the_clinicians_outcome_first(page, live_server, clinic, people):
    nurse, keeper = people
    screening = make_screening(clinic=clinic, practitioner=nurse)  # refer
    override(screening, keeper, outcome="proceed")
    signed_in(page, live_server, keeper)

    page.goto(screening.get_absolute_url())

    assert_in_force_first(page, "Proceed", "Overridden", "Refer")
    assert_no_axe_violations(page)
    page.goto("/records/")
    row = page.locator("table.records-list tbody tr").first
    expect(row).to_contain_text("Proceed")
    expect(row).to_contain_text("Overridden")
    assert_no_axe_violations(page)


def test_a_referral_with_a_postponement_prints_a_letter_that_says_both(
    page, live_server, clinic, people
):
    nurse, _ = people
    screening = make_screening(
        clinic=clinic,
        practitioner=nurse,
        vitiligo_family_history=True,
        sunburn_in_area_last_14_days=True,
    )
    signed_in(page, live_server, nurse)

    page.goto(screening.get_absolute_url())
    banner = page.get_by_role("status").filter(has_text="Refer")
    expect(banner).to_contain_text("do not treat until a dermatologist, doctor or prescriber")
    expect(banner).to_contain_text(
        f"even once cleared, do not treat before {screening.rescreen_after:%-d %B %Y}"
    )
    icon = banner.locator("svg.outcome-icon")
    expect(icon).to_have_attribute("aria-hidden", "true")
    assert icon.bounding_box()["width"] > 30  # drawn, whatever fonts the machine has
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Print the referral letter on its own").click()
    letter = page.get_by_role("article", name="Referral letter")
    expect(letter).to_contain_text("Family history of vitiligo")
    expect(letter).to_contain_text("we will not treat before")
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the letter")).to_be_hidden()
    expect(letter).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type/Page") == 1


def test_a_cold_sore_gets_a_follow_up_date_that_reaches_the_due_list(
    page, live_server, clinic, people
):
    nurse, _ = people
    cold_sore = [{"type": "cold_sore", "in_treatment_area": True}]
    screening = make_screening(clinic=clinic, practitioner=nurse, active_infections=cold_sore)
    signed_in(page, live_server, nurse)
    page.goto(screening.get_absolute_url())
    date = page.get_by_role("textbox", name="Follow-up date")
    in_two_weeks = timezone.localdate() + datetime.timedelta(days=14)
    expect(date).to_have_value(in_two_weeks.isoformat())
    assert_no_axe_violations(page)

    date.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Set the follow-up date").click()

    expect(page.get_by_role("status").filter(has_text="Follow-up set")).to_be_visible()
    assert FollowUp.objects.get().due_on == timezone.localdate()
    page.goto("/records/due/")
    expect(page.locator("table.due-list")).to_contain_text(screening.client.name)


def test_the_rule_form_has_no_accessibility_violation(page, live_server, clinic, published_rules):
    rule = start_draft().rules.get(code="TATTOO_PMU_IN_AREA")
    signed_in(page, live_server, make_member(clinic, Role.RULES_ADMIN))

    page.goto(f"/rules/draft/rules/{rule.pk}/")
    row = page.locator("#condition-editor .cond-row").first
    row.get_by_label("Field").select_option(label="Age (years)")

    operators = row.get_by_label("Operator").locator("option").all_inner_texts()
    assert "is at most" in operators and "lte" not in operators
    assert_no_axe_violations(page)


def test_the_error_summary_links_are_readable(page, live_server, clinic, published_rules):
    signed_in(page, live_server, make_member(clinic, Role.PRACTITIONER))
    page.goto("/")
    page.get_by_role("link", name="Start a consultation").click()
    page.get_by_role("button", name="Screen this client").first.click()

    summary = page.get_by_role("alert").filter(has=page.get_by_role("link"))
    expect(summary).to_be_visible()
    link = summary.get_by_role("link").first
    colours = link.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a.closest('.alert')).backgroundColor]"
    )
    assert colours == ["rgb(88, 21, 28)", "rgb(248, 215, 218)"]  # 10.2:1, was blue at 3.37:1
    assert_no_axe_violations(page)
