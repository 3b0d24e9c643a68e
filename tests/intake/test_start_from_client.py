"""Starting a consultation for a returning client: the draft opens with their details."""

import datetime

from django.urls import resolve, reverse

from screening.intake.models import Draft
from screening.records.models import Client, Screening
from tests.intake.factories import answers
from tests.records.factories import make_client

NEW = reverse("intake:new")


def test_it_prefills_the_form_and_saves_the_draft_with_the_first_answer(
    client, clinic, practitioner
):
    grace = Client.objects.create(
        clinic=clinic,
        name="Grace Hopper",
        date_of_birth=datetime.date(1986, 12, 9),
        reference="R-7",
    )
    client.force_login(practitioner)

    response = client.post(NEW, {"client": grace.pk})

    assert response.status_code == 302 and not Draft.objects.exists()  # nothing typed yet
    page = client.get(response["Location"]).content.decode()
    assert 'value="Grace Hopper"' in page and 'value="1986-12-09"' in page
    assert 'value="R-7"' in page
    token = resolve(response["Location"]).kwargs["token"]
    shown = {"client_name": "Grace Hopper", "client_date_of_birth": "1986-12-09"}
    client.post(
        reverse("intake:save", args=[token]), {**shown, "client_reference": "R-7", "eczema": "none"}
    )
    draft = Draft.objects.get()
    assert draft.token == token and draft.data["client_name"] == ["Grace Hopper"]
    assert draft.data["eczema"] == ["none"]


def test_another_new_consultation_is_not_filled_with_the_client(client, clinic, practitioner):
    client.force_login(practitioner)
    client.post(NEW, {"client": make_client(clinic, name="Grace Hopper").pk})

    blank = client.get(client.get(NEW)["Location"]).content.decode()

    assert "Grace Hopper" not in blank


def test_it_refuses_another_clinics_client(client, other_clinic, practitioner):
    stranger = make_client(other_clinic)
    client.force_login(practitioner)

    response = client.post(NEW, {"client": stranger.pk})

    assert response.status_code == 404
    assert not Draft.objects.exists()


def test_it_refuses_a_malformed_client_id(client, practitioner):
    client.force_login(practitioner)
    assert client.post(NEW, {"client": "1 OR 1=1"}).status_code == 404
    assert not Draft.objects.exists()


def test_it_starts_a_blank_consultation_without_a_client(client, practitioner):
    client.force_login(practitioner)
    response = client.post(NEW)
    assert response.status_code == 302 and not Draft.objects.exists()


def test_it_keeps_the_screening_with_the_same_client(client, clinic, practitioner):
    ada = make_client(clinic, name="Ada Lovelace", date_of_birth=datetime.date(1992, 6, 1))
    client.force_login(practitioner)
    started = client.post(NEW, {"client": ada.pk})

    client.post(started["Location"], answers())

    assert Screening.objects.get().client == ada
    assert Client.objects.count() == 1
