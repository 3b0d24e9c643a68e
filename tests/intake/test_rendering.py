"""The consultation's questions are rendered once per answer and kept by the process
(screening/intake/rendering.py): what is kept never carries one consultation into another."""

import pytest
from django.urls import reverse

from tests.intake.factories import answers, make_draft


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
