"""The main pages on a tablet (768 px) and a phone (390 px): nothing wider than the screen, and
the whole navigation, Sign out included, within reach."""

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import Client as ClinicClient
from screening.rules.versions import start_draft
from tests.browser.conftest import sideways_overflow, signed_in
from tests.conftest import make_member
from tests.records.factories import make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_sign_out_within_reach(page, width):
    toggler = page.get_by_role("button", name="Show navigation")
    expect(toggler).to_be_visible()  # collapsed below 1200 px
    toggler.click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_in_viewport()
    box = sign_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("width", [768, 390])
def test_the_main_pages_fit_a_tablet_and_a_phone(page, live_server, clinic, published_rules, width):
    page.set_viewport_size({"width": width, "height": 900})
    clinic.name = "Dermatology and Aesthetic Skin Clinic of the Northern Quarter"
    clinic.save()
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse.with.a.rather.long.username")
    keeper = make_member(clinic, Role.RECORDS_KEEPER)
    admin = make_member(clinic, Role.RULES_ADMIN)
    client = ClinicClient.objects.create(
        clinic=clinic, name="Maximiliana Featherstonehaugh-Cholmondeley", date_of_birth="1980-02-29"
    )
    screening = make_screening(clinic=clinic, practitioner=nurse, client=client)
    cold_sore = [{"type": "cold_sore", "in_treatment_area": True}]
    make_screening(clinic=clinic, practitioner=nurse, client=client, active_infections=cold_sore)
    rule = start_draft().rules.get(code="TATTOO_PMU_IN_AREA")
    pages = {
        nurse: [
            "/",
            "/consultations/new/",
            "/records/",
            screening.get_absolute_url(),
            client.get_absolute_url(),
            "/records/due/",
            "/records/clients/",
            "/sources/",
            "/accounts/sessions/",
        ],
        keeper: ["/", "/records/", screening.get_absolute_url(), "/records/dashboard/"],
        admin: [
            "/rules/",
            "/rules/v2/",
            f"/rules/draft/rules/{rule.pk}/",
            "/rules/v2/vocabulary/",
            "/rules/diff/?old=1&new=2",
            "/rules/scenarios/",
        ],
    }
    for user, urls in pages.items():
        signed_in(page, live_server, user)
        for url in urls:
            page.goto(url)
            assert page.get_by_role("navigation", name="Main").count() == 1, url
            assert sideways_overflow(page) == 0, f"{url} is wider than {width} px"
        assert_sign_out_within_reach(page, width)
