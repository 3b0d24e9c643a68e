import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_password(username):
    out = StringIO()
    call_command("demo_setup", stdout=out)
    match = re.search(rf"^\s*{username}\s+(\S+)", out.getvalue(), re.MULTILINE)
    assert match, out.getvalue()
    return match.group(1)


def test_it_signs_in_the_demo_practitioner_and_shows_their_home(page):
    sign_in(page, "demo_practitioner", demo_password("demo_practitioner"))

    page.get_by_role("heading", name="Consultations").wait_for()
    assert "Demo Clinic" in page.content()
    assert page.get_by_role("main").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_it_keeps_a_wrong_password_out_with_a_clear_message(page):
    demo_password("demo_practitioner")
    sign_in(page, "demo_practitioner", "not-the-password")

    assert page.url.endswith("/accounts/login/")
    assert "Please enter a correct username and password" in page.content()


def test_the_sign_in_page_has_no_accessibility_violation(page):
    page.goto("/accounts/login/")

    assert_no_axe_violations(page)
