"""A whole consultation in Chromium: follow-ups, autosave, and the decision at the end."""

import re
import time

import pytest
from django import forms
from django.db import OperationalError
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.intake.forms import IntakeForm
from screening.intake.models import Draft
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member
from tests.intake.factories import answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = IntakeForm()


@pytest.fixture
def practitioner_page(page, clinic, published_rules):
    make_member(clinic, Role.PRACTITIONER, username="nurse")
    sign_in(page, "nurse", PASSWORD)
    return page


def start_consultation(page):
    button = page.get_by_role("link", name="Start a consultation")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Consultation", exact=True).wait_for()
    page.wait_for_load_state()  # the autosave script is listening before anything is typed


def question(page, name):
    """The input (or group of inputs) of question `name`, found by its label as a person would."""
    field = QUESTIONS.fields[name]
    scope = page
    row = row_legend(name)
    if row:
        scope = page.get_by_role("group", name=row, exact=True)
    # The whole label: "If yes: which ones?" is asked twice, but never in the same place.
    label = re.compile(rf"^\s*{re.escape(field.label)}\s*\*?\s*$")
    if field.widget.use_fieldset:
        return scope.get_by_role("group", name=label)
    return scope.get_by_label(label)


def row_legend(name):
    # active_infections_2_type -> "Infection 2" (the row's legend)
    for prefix, noun in [
        ("active_infections_", "Infection"),
        ("topical_products_", "Product"),
        ("recent_procedures_", "Procedure"),
    ]:
        if name.startswith(prefix):
            return f"{noun} {name[len(prefix) :].split('_')[0]}"
    return None


def answer(page, name, value):
    field = QUESTIONS.fields[name]
    target = question(page, name)
    if field.widget.use_fieldset:
        labels = dict(field.choices)
        for one in value if isinstance(value, list) else [value]:
            target.get_by_label(labels[one], exact=True).check()
    elif isinstance(field.widget, forms.Select):
        target.select_option(value)
    else:
        target.fill(value)


def answer_all(page, posted):
    for name, value in posted.items():
        if value:  # empty optional answers stay untouched (their follow-ups stay hidden)
            answer(page, name, value)


def screen(page):
    button = page.get_by_role("button", name="Screen this client")
    button.focus()
    page.keyboard.press("Enter")


def wait_for_saved(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            draft = Draft.objects.first()  # made by the first save
        except OperationalError as error:  # SQLite: the page's autosave is writing it; look again
            if "locked" not in str(error):
                raise
            draft = None
        if draft is not None and predicate(draft.data):
            return draft.data
        time.sleep(0.1)
    raise AssertionError(f"the draft was not saved as expected: {Draft.objects.first()}")


def test_it_takes_a_healthy_client_through_to_proceed(practitioner_page):
    page = practitioner_page
    start_consultation(page)

    answer_all(page, answers())
    screen(page)

    expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()
    assert Draft.objects.get().screening.outcome == "proceed"


def test_it_refers_a_client_with_a_family_history_of_vitiligo(practitioner_page):
    page = practitioner_page
    start_consultation(page)

    answer_all(page, answers(vitiligo_family_history="yes"))
    screen(page)

    expect(page.get_by_role("heading", name="Refer", exact=True)).to_be_visible()
    assert "VITILIGO_FAMILY_HISTORY" in page.content()


def test_it_shows_follow_ups_only_when_they_apply(practitioner_page):
    page = practitioner_page
    start_consultation(page)
    status = question(page, "vitiligo_status")
    rows = page.get_by_role("group", name="Product 1", exact=True)

    expect(status).to_be_hidden()
    expect(rows).to_be_hidden()
    answer(page, "has_vitiligo", "yes")
    answer(page, "uses_topical_products", "yes")
    expect(status).to_be_visible()
    expect(rows).to_be_visible()
    answer(page, "has_vitiligo", "no")
    expect(status).to_be_hidden()


def test_it_says_what_is_missing_and_keeps_every_answer(practitioner_page):
    page = practitioner_page
    start_consultation(page)

    answer_all(page, answers(pregnant=None, treatment_areas=["face", "neck"]))
    screen(page)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Pregnant or may be pregnant: choose Yes or No.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Pregnant or may be pregnant").click()
    expect(question(page, "pregnant").get_by_label("Yes", exact=True)).to_be_focused()
    expect(question(page, "treatment_areas").get_by_label("Neck", exact=True)).to_be_checked()
    expect(question(page, "topical_products_1_name")).to_have_value("CeraVe moisturising cream")


def test_it_autosaves_so_a_reload_keeps_the_answers(practitioner_page):
    page = practitioner_page
    start_consultation(page)
    expect(page.locator('[data-section="client"]')).to_contain_text("not complete")

    answer(page, "client_name", "Grace Hopper")
    answer(page, "client_date_of_birth", "1986-12-09")
    answer(page, "treatment_areas", ["face", "neck"])
    answer(page, "treatment_goal", "acne_scars")
    answer(page, "fitzpatrick_type", "4")
    answer(page, "history_of_pih", "no")
    answer(page, "uses_topical_products", "yes")
    answer(page, "topical_products_1_name", "Retin-A 0.025%")
    answer(page, "topical_products_1_last_used_days_ago", "2")
    wait_for_saved(lambda data: data.get("topical_products_1_last_used_days_ago") == ["2"])
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    expect(page.locator('[data-section="client"]')).to_contain_text("complete")
    expect(page.locator('[data-section="client"]')).not_to_contain_text("not complete")

    page.reload()

    expect(question(page, "client_name")).to_have_value("Grace Hopper")
    expect(question(page, "client_date_of_birth")).to_have_value("1986-12-09")
    areas = question(page, "treatment_areas")
    expect(areas.get_by_label("Face", exact=True)).to_be_checked()
    expect(areas.get_by_label("Neck", exact=True)).to_be_checked()
    expect(areas.get_by_label("Chest", exact=True)).not_to_be_checked()
    expect(question(page, "treatment_goal").get_by_label("Acne scars")).to_be_checked()
    expect(question(page, "history_of_pih").get_by_label("No", exact=True)).to_be_checked()
    expect(question(page, "topical_products_1_name")).to_have_value("Retin-A 0.025%")
    expect(question(page, "topical_products_1_last_used_days_ago")).to_have_value("2")
    expect(page.locator('[data-section="client"]')).not_to_contain_text("not complete")


def test_it_saves_what_was_typed_when_the_page_is_left(practitioner_page):
    page = practitioner_page
    start_consultation(page)

    answer(page, "client_name", "Left In A Hurry")
    page.goto("/")

    wait_for_saved(lambda data: data.get("client_name") == ["Left In A Hurry"])
    page.reload()  # the home page may have been drawn before the last save arrived
    expect(page.get_by_role("link", name="Resume: Left In A Hurry")).to_be_visible()


def test_it_works_without_javascript(browser, live_server, clinic, published_rules):
    make_member(clinic, Role.PRACTITIONER, username="nurse")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, "nurse", PASSWORD)
        start_consultation(page)

        expect(question(page, "vitiligo_status")).to_be_visible()
        expect(page.get_by_role("group", name="Procedure 6", exact=True)).to_be_visible()
        answer(page, "client_name", "No Script")
        answer(page, "treatment_areas", ["face", "scalp"])
        page.get_by_role("button", name="Save and continue later").click()

        expect(page.get_by_text("Saved at")).to_have_count(2)  # the message and the status
        expect(question(page, "client_name")).to_have_value("No Script")
        expect(question(page, "treatment_areas").get_by_label("Scalp", exact=True)).to_be_checked()

        answer_all(page, answers(client_name="No Script"))
        screen(page)
        expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()
    finally:
        context.close()
