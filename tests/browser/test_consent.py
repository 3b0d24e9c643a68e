"""Consent at the chair in Chromium: the client draws a signature, the practitioner countersigns."""

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import Consent
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.conftest import PASSWORD, make_member
from tests.records.factories import make_client, make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def draw_signature(page):
    """A signature drawn with the mouse: a few strokes across the pad."""
    pad = page.locator("[data-signature-pad] canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        dy = (-1) ** step * box["height"] * 0.2
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2 + dy, steps=3)
    page.mouse.up()


def take_consent(page):
    """On a proceeding record: the client signs with the mouse, the practitioner countersigns."""
    page.get_by_role("link", name="Take consent").click()
    expect(page.get_by_role("heading", name="Consent to microneedling")).to_be_visible()
    assert_no_axe_violations(page)
    draw_signature(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("img", name="Signature of")).to_be_visible()
    page.get_by_label("I explained the treatment").check()
    page.get_by_role("button", name="Countersign and keep the consent").click()


def test_the_client_draws_a_signature_and_the_record_shows_and_prints_it(
    page, clinic, published_rules
):
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse")
    client = make_client(clinic, name="Grace Hopper")
    screening = make_screening(clinic=clinic, practitioner=nurse, client=client, eczema="history")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "nurse", PASSWORD)
    page.goto(screening.get_absolute_url())

    take_consent(page)

    expect(page.get_by_text("kept with the record")).to_be_visible()
    consent = Consent.objects.get(screening=screening)
    assert consent.signature_png and len(bytes(consent.signature_png)) > 500
    section = page.get_by_role("region", name="Consent")
    expect(section.get_by_role("img", name="Signature of Grace Hopper")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    expect(section).to_be_visible()
    expect(section).to_contain_text("Countersigned")
