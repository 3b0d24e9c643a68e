"""A returning client in Chromium: find them, screen them again, open the record."""

import datetime

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import Client, Screening
from tests.browser.conftest import sign_in
from tests.browser.test_consultation import answer_all, screen
from tests.conftest import PASSWORD, make_member
from tests.intake.factories import answers
from tests.records.factories import make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_client_screens_them_and_opens_the_record(page, clinic, published_rules):
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse")
    ada = Client.objects.create(
        clinic=clinic, name="Ada Lovelace", date_of_birth=datetime.date(1992, 6, 1)
    )
    make_screening(clinic=clinic, practitioner=nurse, client=ada)  # refer: vitiligo family
    sign_in(page, "nurse", PASSWORD)

    page.get_by_role("link", name="Find a client").first.click()
    search = page.get_by_label("Name or reference")
    expect(search).to_be_focused()
    search.fill("lovel")
    search.press("Enter")
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    assert "lovel" not in page.url

    page.get_by_role("button", name="Start a consultation: Ada Lovelace").click()
    page.get_by_role("heading", name="Consultation: Ada Lovelace").wait_for()
    expect(page.get_by_label("Client's full name")).to_have_value("Ada Lovelace")
    client_fields = ("client_name", "client_date_of_birth", "client_reference")
    answer_all(page, {k: v for k, v in answers().items() if k not in client_fields})
    screen(page)

    expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()
    changes = page.get_by_role("region", name="Changed since the previous screening")
    expect(changes).to_contain_text("Family history of vitiligo")
    assert Screening.objects.filter(client=ada).count() == 2

    page.get_by_role("link", name="All screenings of Ada Lovelace").click()
    rows = page.locator("table.screening-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Proceed")
    rows.first.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Answers", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Print", exact=False).first).to_be_visible()
    stylesheet = page.locator('link[rel="stylesheet"][media="print"]')
    expect(stylesheet).to_have_attribute("href", "/static/css/records-print.css")
