"""Before the visit, in two browsers: the practitioner's desktop invites, the client answers on
their phone, the practitioner reviews, screens and takes consent with a drawn signature."""

import pytest
from playwright.sync_api import expect

from screening.accounts.models import Role
from screening.records.models import Consent, Screening
from tests.browser.conftest import Actions, assert_no_axe_violations, sign_in
from tests.conftest import PASSWORD, make_member
from tests.records.factories import make_client, make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SECRETS = ("Zed Secret", "nurse")  # another client of the clinic, and the practitioner


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


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


def invite(desk):
    desk.get_by_role("link", name="Invite a client to answer before the visit").click()
    desk.get_by_role("button", name="Make the link").click()
    return desk.locator("#invitation-link").input_value()


def only_the_clients_own(page, links_seen):
    """Nothing of the clinic on the page beyond its name: no other client, no practitioner, no
    decision or rule; its links are kept to be opened later."""
    text = page.content()
    for secret in SECRETS:
        assert secret not in text
    for word in ("Proceed", "Postpone", "Refer", "precaution", "Sign out"):
        assert word not in text
    links_seen.update(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_the_first_half(phone, actions):
    phone.get_by_label("Your full name").fill("Mary Seacole")
    phone.get_by_label("Date of birth").fill("1985-07-02")
    section = phone.locator("#section-client")
    actions.tap(section.get_by_role("group", name="Which areas").get_by_text("Face", exact=True))
    actions.tap(section.get_by_text("Fine lines and wrinkles"))
    actions.tap(section.get_by_text("II: usually burns"))
    for key in ("infection", "skin"):
        actions.tap(
            phone.locator(f"#section-{key}").get_by_role("button", name="None of these apply")
        )


def answer_the_rest(phone, actions):
    for key in ("pigment", "health", "medicines"):
        actions.tap(
            phone.locator(f"#section-{key}").get_by_role("button", name="None of these apply")
        )
    products = phone.locator("#section-client").get_by_role("group", name="creams, serums")
    actions.tap(products.get_by_text("Yes", exact=True))
    product = phone.get_by_role("group", name="Product 1", exact=True)
    product.get_by_label("Product name").fill("CeraVe moisturising cream")
    product.get_by_label("Days since last used").focus()
    actions.press("0")


def test_the_client_answers_on_their_phone_and_the_practitioner_reviews_screens_and_takes_consent(
    page, phone, clinic, published_rules, live_server, settings
):
    settings.SITE_URL = live_server.url  # the link the client opens
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse")
    make_screening(clinic=clinic, practitioner=nurse, client=make_client(clinic, "Zed Secret"))
    desk = page
    desk.set_viewport_size(DESKTOP)
    sign_in(desk, "nurse", PASSWORD)
    link = invite(desk)

    # The client, on their phone: half the answers, a reload, the rest, send.
    links_seen = set()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Before your visit")).to_be_visible()
    expect(phone.get_by_role("button", name="None of these apply in any section")).to_have_count(0)
    assert_no_axe_violations(phone)
    only_the_clients_own(phone, links_seen)
    actions = Actions(phone)
    answer_the_first_half(phone, actions)
    expect(phone.locator("#save-status")).to_contain_text("Saved at")
    phone.reload()
    expect(phone.get_by_label("Your full name")).to_have_value("Mary Seacole")
    expect(phone.get_by_role("radio", name="II: usually burns, tans a little")).to_be_checked()
    skin = phone.locator("#section-skin").get_by_role("group", name="Eczema")
    expect(skin.get_by_label("None", exact=True)).to_be_checked()
    answer_the_rest(phone, actions)
    only_the_clients_own(phone, links_seen)
    actions.tap(phone.get_by_role("button", name="Send my answers"))

    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_no_axe_violations(phone)
    only_the_clients_own(phone, links_seen)
    print(f"\nThe client's form for the healthy baseline: {actions.count} taps and key presses")
    refused = phone.goto(link)
    assert refused.status == 410
    expect(phone.get_by_text("These answers have already been sent.")).to_be_visible()
    assert_no_axe_violations(phone)
    only_the_clients_own(phone, links_seen)
    for address in links_seen - {link}:  # every page the link leads to
        phone.goto(address)
        only_the_clients_own(phone, set())

    # The practitioner reviews, corrects one answer, screens and takes consent.
    desk.goto("/")
    desk.get_by_role("button", name="Review the answers").click()
    review = desk.get_by_role("region", name="The client's answers")
    expect(review).to_contain_text("Mary Seacole")
    expect(review).to_contain_text("Needs a look")  # the product's name is the client's words
    desk.get_by_role("radio", name="III: sometimes burns, tans evenly").check()
    for box in desk.get_by_role("checkbox", name="Checked with the client").all():
        box.check()
    desk.get_by_role("button", name="Screen this client").click()

    expect(desk.get_by_role("heading", name="Proceed", exact=True)).to_be_visible()
    screening = Screening.objects.get(client__name="Mary Seacole")
    assert screening.intake["fitzpatrick_type"] == 3
    assert screening.client_answers.intake["fitzpatrick_type"] == 2
    answers = desk.get_by_role("region", name="Answers", exact=True)
    expect(answers).to_contain_text("Changed by the practitioner")
    expect(answers).to_contain_text("the client answered: 2")

    take_consent(desk)

    expect(desk.get_by_text("kept with the record")).to_be_visible()
    assert Consent.objects.get(screening=screening).signature_png
    consent = desk.get_by_role("region", name="Consent")
    expect(consent.get_by_role("img", name="Signature of Mary Seacole")).to_be_visible()
    desk.emulate_media(media="print")
    expect(consent).to_be_visible()
    expect(consent).to_contain_text("Countersigned")
