"""The consultation at the chair: a healthy client in a handful of taps or key presses, sections
that fit a tablet, and every width without sideways scrolling."""

import datetime

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import Screening
from tests.browser.conftest import Actions, assert_no_axe_violations, sign_in
from tests.conftest import PASSWORD, make_member
from tests.engine.baseline import BASELINE
from tests.records.factories import make_client, make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
MAX_ACTIONS = 12


@pytest.fixture
def open_page(browser, live_server, clinic, published_rules):
    """A new signed-in practitioner's page in a browser of the given viewport."""
    make_member(clinic, Role.PRACTITIONER, username="nurse")
    contexts = []

    def opened(viewport, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="en-GB", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, "nurse", PASSWORD)
        return page

    yield opened
    for context in contexts:
        context.close()


def section(page, key):
    return page.locator(f"#section-{key}")


def none_apply(actions, page, key):
    actions.tap(section(page, key).get_by_role("button", name="None of these apply"))


def every_section_button(page):
    return page.get_by_role("button", name="None of these apply in any section below")


HEALTH_SECTIONS = (
    "Infection and skin today",
    "Skin conditions",
    "Pigment and autoimmune",
    "Healing and general health",
    "Medicines, allergies and procedures",
)


def assert_healthy_record(**changes):
    screening = Screening.objects.get()
    assert screening.outcome == "proceed"
    recorded = {
        k: v for k, v in screening.intake.items() if k not in ("client", "client_age_years")
    }
    assert recorded == {k: v for k, v in {**BASELINE, **changes}.items() if k != "client_age_years"}
    return screening


def start_on_a_tablet(open_page):
    """A consultation begun by taps on a tablet: the client, the area, the goal and skin type."""
    page = open_page(TABLET, has_touch=True)
    actions = Actions(page)
    actions.tap(page.get_by_role("link", name="Start a consultation"))
    page.get_by_label("Client's full name").fill("Ada Lovelace")
    page.get_by_label("Date of birth").fill("1992-06-01")
    client = section(page, "client")
    actions.tap(client.get_by_role("group", name="Which areas").get_by_text("Face", exact=True))
    actions.tap(client.get_by_text("Fine lines and wrinkles"))
    actions.tap(client.get_by_text("II: usually burns"))
    list_the_moisturiser(actions, page)
    return page, actions


def list_the_moisturiser(actions, page):
    """The baseline's one product, listed by taps: Yes, then the days (its name is typed)."""
    products = section(page, "client").get_by_role("group", name="creams, serums")
    actions.tap(products.get_by_text("Yes", exact=True))
    product = page.get_by_role("group", name="Product 1", exact=True)
    product.get_by_label("Product name").fill("CeraVe moisturising cream")  # typing
    product.get_by_label("Days since last used").focus()
    actions.press("0")


def screen_the_client(actions, page):
    expect_answered_no(page)
    actions.tap(page.get_by_role("button", name="Screen this client"))
    expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()


def expect_answered_no(page):
    """A health question answered by "None of these apply", visibly."""
    pregnant = section(page, "health").get_by_role("group", name="Is the client pregnant")
    expect(pregnant.get_by_label("No", exact=True)).to_be_checked()


def test_a_healthy_client_takes_at_most_twelve_taps_on_a_tablet_section_by_section(open_page):
    page, actions = start_on_a_tablet(open_page)
    for key in ("infection", "skin", "pigment", "health", "medicines"):
        none_apply(actions, page, key)
    screen_the_client(actions, page)

    print(f"\nA healthy client on a tablet, section by section: {actions.count} taps")
    assert actions.count <= MAX_ACTIONS
    screening = assert_healthy_record()
    assert [s["section"] for s in screening.none_applied] == list(HEALTH_SECTIONS)
    assert not any(s.get("all_at_once") for s in screening.none_applied)
    expect(page.get_by_text("Answered with “None of these apply”")).to_have_count(5)


def test_a_healthy_client_takes_fewer_taps_with_the_button_for_every_section(open_page):
    page, actions = start_on_a_tablet(open_page)
    actions.tap(every_section_button(page))
    screen_the_client(actions, page)

    print(f"\nA healthy client on a tablet, every section at once: {actions.count} taps")
    assert actions.count <= MAX_ACTIONS - 4
    screening = assert_healthy_record()
    assert [(s["section"], s.get("all_at_once")) for s in screening.none_applied] == [
        (title, True) for title in HEALTH_SECTIONS
    ]
    expect(
        page.get_by_text("Answered all at once, with “None of these apply in any")
    ).to_have_count(5)


def test_the_button_for_every_section_keeps_each_answer_given_and_each_stays_changeable(
    open_page,
):
    page = open_page(TABLET, has_touch=True)
    page.get_by_role("link", name="Start a consultation").click()
    page.get_by_label("Client's full name").fill("Ada Lovelace")
    cold_sores = section(page, "infection").get_by_role("group", name="ever had cold sores")
    cold_sores.get_by_text("Yes", exact=True).click()

    every_section_button(page).click()

    expect(cold_sores.get_by_label("Yes", exact=True)).to_be_checked()
    expect(
        page.get_by_text("32 questions answered No or None; 1 already answered kept")
    ).to_be_visible()
    pregnant = section(page, "health").get_by_role("group", name="Is the client pregnant")
    expect(pregnant.get_by_label("No", exact=True)).to_be_checked()
    pregnant.get_by_text("Yes", exact=True).click()
    expect(pregnant.get_by_label("Yes", exact=True)).to_be_checked()
    products = section(page, "client").get_by_role("group", name="creams, serums")
    expect(products.get_by_role("radio", checked=True)).to_have_count(0)  # not a health section


@pytest.mark.parametrize("listed", [True, False], ids=["a product to list", "nothing to list"])
def test_a_keyboard_alone_takes_a_healthy_client_to_the_decision(open_page, listed):
    page = open_page({"width": 1280, "height": 900})
    page.get_by_role("link", name="Start a consultation").focus()
    keys = Actions(page)
    client = section(page, "client")

    keys.press("Enter")
    expect(page.get_by_label("Client's full name")).to_be_focused()
    page.wait_for_load_state()  # the form's script is listening before a key is pressed
    page.keyboard.type("Ada Lovelace")
    keys.press("Tab")
    page.keyboard.type("01061992")
    keys.press("Enter")  # on to the next question to answer, past the optional reference
    expect(client.get_by_role("checkbox", name="Face")).to_be_focused()
    keys.press("Enter")  # nothing chosen yet: Enter chooses the option in focus
    expect(client.get_by_role("radio", name="Fine lines and wrinkles")).to_be_focused()
    keys.press("Enter")
    expect(client.get_by_role("radio", name="I: always burns")).to_be_focused()
    keys.press("2")  # a digit chooses that option: II
    products = client.get_by_role("group", name="creams, serums")
    expect(products.get_by_label("Yes", exact=True)).to_be_focused()
    if listed:
        keys.press("1")  # Yes, and into the list
        product = page.get_by_role("group", name="Product 1", exact=True)
        expect(product.get_by_label("Product name")).to_be_focused()
        page.keyboard.type("CeraVe moisturising cream")
        keys.press("Enter")  # a row begun: on to its other column
        expect(product.get_by_label("Days since last used")).to_be_focused()
        keys.press("0")
        keys.press("Enter")
    else:
        keys.press("2")  # No
    expect(every_section_button(page)).to_be_focused()  # nothing below is answered yet
    keys.press("Enter")
    expect_answered_no(page)
    expect(page.get_by_role("button", name="Screen this client")).to_be_focused()  # all done
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()

    said = "a product to list" if listed else "nothing to list"
    print(f"\nA healthy client by keyboard, {said}: {keys.count} key presses besides typing")
    assert keys.count <= (MAX_ACTIONS if listed else MAX_ACTIONS - 3)
    screening = assert_healthy_record(**({} if listed else {"topical_products": []}))
    assert all(s.get("all_at_once") for s in screening.none_applied)


def test_a_client_with_more_products_than_the_usual_rows_gets_a_new_row_for_each(open_page):
    page = open_page(TABLET)
    page.get_by_role("link", name="Start a consultation").click()
    page.get_by_label("Client's full name").fill("Ada Lovelace")
    page.get_by_label("Date of birth").fill("1992-06-01")
    client = section(page, "client")
    client.get_by_role("group", name="Which areas").get_by_text("Face", exact=True).click()
    client.get_by_text("Fine lines and wrinkles").click()
    client.get_by_text("II: usually burns").click()
    products = client.get_by_role("group", name="creams, serums")
    products.get_by_text("Yes", exact=True).click()
    for key in ("infection", "skin", "pigment", "health", "medicines"):
        section(page, key).get_by_role("button", name="None of these apply").click()

    for number in range(1, 9):  # the form starts with 6 rows
        product = page.get_by_role("group", name=f"Product {number}", exact=True)
        product.get_by_label("Product name").fill(f"Moisturiser {number}")
        product.get_by_label("Days since last used").fill(str(number))
    expect(page.get_by_role("group", name="Product 9", exact=True)).to_be_visible()  # a spare
    page.get_by_role("button", name="Screen this client").click()

    expect(page.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()
    listed = Screening.objects.get().intake["topical_products"]
    assert listed == [{"name": f"Moisturiser {n}", "last_used_days_ago": n} for n in range(1, 9)]


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768px", "390px"])
def test_the_consultation_fits_the_width_with_progress_in_view(open_page, viewport):
    page = open_page(viewport)
    page.get_by_role("link", name="Start a consultation").click()
    page.locator("#section-health").scroll_into_view_if_needed()

    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    progress = page.get_by_role("navigation", name="Sections")
    expect(progress).to_be_in_viewport()
    if viewport is TABLET:
        bars = (
            progress.bounding_box()["height"]
            + page.locator(".consultation-actions").bounding_box()["height"]
        )
        for key in ("client", "infection", "skin", "pigment", "health", "medicines"):
            height = section(page, key).bounding_box()["height"]
            assert height <= viewport["height"] - bars, (key, height)
    assert_no_axe_violations(page)  # at both widths: the navigation fits 768 px too now


def test_a_records_keeper_corrects_answers_through_the_consultation_form(
    page, clinic, published_rules
):
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse")
    make_member(clinic, Role.RECORDS_KEEPER, username="keeper")
    screening = make_screening(clinic=clinic, practitioner=nurse)  # refer: vitiligo in family
    sign_in(page, "keeper", PASSWORD)
    page.goto(screening.get_absolute_url())

    page.get_by_role("link", name="Correct the answers").click()
    family = page.get_by_role("group", name="Does any blood relative have vitiligo?")
    expect(family.get_by_label("Yes", exact=True)).to_be_checked()  # the record's answer
    family.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the correction").click()

    expect(page.get_by_text("Reason for the correction: say why")).to_be_visible()
    expect(family.get_by_label("No", exact=True)).to_be_checked()  # nothing typed is lost
    page.get_by_label("Reason for the correction").fill("No relative has vitiligo.")
    page.get_by_role("button", name="Save the correction").click()

    expect(page.get_by_text("The correction is saved beside the original record.")).to_be_visible()
    amendment = screening.amendments.get()
    assert amendment.outcome == "proceed" and amendment.reason == "No relative has vitiligo."
    assert amendment.intake["vitiligo_family_history"] is False


def test_client_search_answers_as_you_type_without_the_name_in_any_address(
    page, clinic, published_rules
):
    make_member(clinic, Role.PRACTITIONER, username="nurse")
    make_client(clinic, name="Ada Lovelace", date_of_birth=datetime.date(1992, 6, 1))
    make_client(clinic, name="Grace Hopper", date_of_birth=datetime.date(1986, 12, 9))
    sign_in(page, "nurse", PASSWORD)
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))

    page.get_by_role("link", name="Find a client").first.click()
    page.wait_for_load_state()  # the search script is listening before anything is typed
    page.get_by_label("Name or reference").press_sequentially("lovel")  # no Enter

    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("link", name="Grace Hopper")).to_have_count(0)
    assert any(m == "POST" and url.endswith("/records/clients/") for m, url in sent)  # posted
    assert not any("lov" in url.lower() for _, url in sent)


def test_none_of_these_apply_and_enter_work_without_javascript(open_page):
    page = open_page(TABLET, java_script_enabled=False)
    page.get_by_role("link", name="Start a consultation").click()
    expect(page.get_by_text("From the keyboard: Enter moves on")).to_be_hidden()  # needs script
    page.get_by_label("Client's full name").fill("No Script")

    section(page, "health").get_by_role("button", name="None of these apply").click()

    expect(page.get_by_text("5. Healing and general health: 9 questions answered")).to_be_visible()
    assert page.url.endswith("#section-health")
    expect_answered_no(page)
    every_section_button(page).click()

    expect(
        page.get_by_text("Sections 2 to 6: 24 questions answered")
    ).to_be_visible()  # not 9 again
    assert page.url.endswith("#none-apply-all")
    cold_sores = section(page, "infection").get_by_role("group", name="ever had cold sores")
    expect(cold_sores.get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("Client's full name")).to_have_value("No Script")
    page.get_by_label("Client's full name").press("Enter")  # saves; never screens nor answers
    expect(page.get_by_text("Saved at")).to_have_count(2)
    assert not Screening.objects.exists()
