"""The consultation's questions are rendered once per answer and kept by the process
(screening/intake/rendering.py): what is kept never carries one consultation into another."""

import re

import pytest
from django.urls import reverse

from tests.intake.factories import answers, make_draft
from tests.records.factories import make_screening


@pytest.mark.django_db
def test_each_page_shows_its_own_answers_and_addresses_only(client, clinic, practitioner):
    client.force_login(practitioner)
    first = make_draft(clinic, practitioner)
    second = make_draft(clinic, practitioner)
    save = "intake:save"
    client.post(reverse(save, args=[first.token]), answers(), HTTP_ACCEPT="application/json")
    changed = answers(client_name="Grace Hopper", pregnant="yes", eczema="active_in_area")
    client.post(reverse(save, args=[second.token]), changed, HTTP_ACCEPT="application/json")

    pages = {
        draft.token: client.get(reverse("intake:consultation", args=[draft.token])).content
        for draft in (first, second, first)
    }

    assert str(second.token).encode() not in pages[first.token]
    assert str(first.token).encode() not in pages[second.token]
    assert b"Grace Hopper" in pages[second.token] and b"Grace Hopper" not in pages[first.token]
    pregnant_yes = b'name="pregnant" value="yes"  id="id_pregnant_0" required checked'
    assert pregnant_yes in pages[second.token] and pregnant_yes not in pages[first.token]


@pytest.mark.django_db
def test_a_page_with_errors_leaves_no_error_mark_on_the_next_page(client, clinic, practitioner):
    """Every form shares the questions' fields: an answer shown as wrong on one page is not
    marked wrong on the next (crispy-forms writes its CSS classes into the field's widget)."""
    client.force_login(practitioner)
    wrong, right = make_draft(clinic, practitioner), make_draft(clinic, practitioner)
    client.post(
        reverse("intake:save", args=[right.token]), answers(), HTTP_ACCEPT="application/json"
    )

    refused = client.post(
        reverse("intake:consultation", args=[wrong.token]),
        answers(client_name="", client_date_of_birth="2999-01-01", medications="aspirin"),
    )
    page = client.get(reverse("intake:consultation", args=[right.token])).content.decode()

    assert refused.content.decode().count("is-invalid") >= 2
    assert "is-invalid" not in page and 'value="Ada Lovelace"' in page


@pytest.mark.django_db
def test_the_correction_page_fixes_the_client_questions_there_only(
    client, clinic, practitioner, records_keeper
):
    """The correction page disables the client's name, date of birth and reference; the
    consultation page, rendered after it by the same process, still lets them be typed."""
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    client.force_login(records_keeper)
    correction = client.get(reverse("intake:correct", args=[screening.pk])).content.decode()
    client.force_login(practitioner)
    draft = make_draft(clinic, practitioner)
    page = client.get(reverse("intake:consultation", args=[draft.token])).content.decode()

    reference = re.compile(r'<input[^>]*name="client_reference"[^>]*>')
    assert "disabled" in reference.search(correction).group()
    assert "disabled" not in reference.search(page).group()


@pytest.mark.django_db
def test_typed_answers_come_back_escaped_in_their_boxes(client, clinic, practitioner):
    client.force_login(practitioner)
    draft = make_draft(clinic, practitioner)
    typed = answers(client_name='Ann "<b>" & co', takes_medications="yes", medications="<i>x</i>")
    client.post(reverse("intake:save", args=[draft.token]), typed, HTTP_ACCEPT="application/json")

    page = client.get(reverse("intake:consultation", args=[draft.token])).content.decode()

    assert 'value="Ann &quot;&lt;b&gt;&quot; &amp; co"' in page
    assert re.search(r'<textarea name="medications"[^>]*>\s*&lt;i&gt;x&lt;/i&gt;</textarea>', page)
    assert "<b>" not in page and "<i>x" not in page
