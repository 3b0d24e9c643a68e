"""Finding a client, and a client's page with every screening."""

import datetime

from django.urls import reverse

from screening.accounts.models import Role
from screening.records.models import Client
from screening.records.selectors import client_search
from tests.conftest import audit_event_statements, make_member
from tests.records.factories import make_client, make_screening
from tests.records.support import screenings_hourly

SEARCH = reverse("records:client_search")


def test_it_finds_clients_by_part_of_the_name_or_by_reference(clinic):
    ada = make_client(clinic, name="Ada Lovelace")
    grace = Client.objects.create(
        clinic=clinic, name="Grace Hopper", date_of_birth=datetime.date(1980, 1, 1), reference="R-7"
    )
    make_client(clinic, name="Alan Turing")

    assert client_search(clinic=clinic, term="LOVE") == [ada]
    assert client_search(clinic=clinic, term="r-7") == [grace]
    assert client_search(clinic=clinic, term="  ") == []


def test_it_never_finds_another_clinics_clients(clinic, other_clinic):
    make_client(other_clinic, name="Ada Lovelace")
    assert client_search(clinic=clinic, term="ada") == []


def test_it_posts_the_search_and_links_results_by_id_only(client, clinic, practitioner):
    ada = make_client(clinic, name="Ada Lovelace")
    make_client(clinic, name="Alan Turing")
    client.force_login(practitioner)

    response = client.post(SEARCH, {"q": "lovel"})

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("records:client_detail", args=[ada.pk]) in html
    assert "Alan Turing" not in html
    assert 'method="post"' in html
    assert "1 client found" in html
    assert f'name="client" value="{ada.pk}"' in html  # "Start a consultation" for this client


def test_it_asks_for_a_term(client, practitioner):
    client.force_login(practitioner)
    response = client.post(SEARCH, {"q": ""})
    assert "Enter part of the client" in response.content.decode()


def test_it_offers_a_new_client_to_practitioners_only(client, clinic, practitioner, records_keeper):
    client.force_login(practitioner)
    assert b"Add a new client" in client.get(SEARCH).content
    client.force_login(records_keeper)
    assert b"Add a new client" not in client.get(SEARCH).content


def test_it_lists_a_clients_screenings_newest_first(client, clinic, practitioner):
    ada = make_client(clinic)
    first, second, third = screenings_hourly(
        3, clinic=clinic, practitioner=practitioner, client=ada
    )
    client.force_login(practitioner)

    html = client.get(reverse("records:client_detail", args=[ada.pk])).content.decode()

    positions = [
        html.index(reverse("records:screening_detail", args=[s.pk])) for s in (first, second, third)
    ]
    assert positions == sorted(positions, reverse=True)
    assert "Refer" in html and "text-bg-danger" in html
    assert '<svg class="outcome-icon"' in html and "✋" not in html  # drawn, not an emoji
    assert "Screen again" in html


def test_it_shows_the_rescreen_date_of_a_postponement(client, clinic, practitioner):
    ada = make_client(clinic)
    screening = make_screening(
        clinic=clinic, practitioner=practitioner, client=ada, sunburn_in_area_last_14_days=True
    )
    assert screening.outcome == "postpone" and screening.rescreen_after
    client.force_login(practitioner)

    html = client.get(reverse("records:client_detail", args=[ada.pk])).content.decode()

    assert f"{screening.rescreen_after:%-d %b %Y}" in html
    assert "Postpone" in html


def test_it_hides_screen_again_from_records_keepers(client, clinic, records_keeper):
    ada = make_client(clinic)
    client.force_login(records_keeper)
    assert (
        b"Screen again" not in client.get(reverse("records:client_detail", args=[ada.pk])).content
    )


def _client_page_queries(client, django_assert_num_queries, clinic, count):
    keeper = make_member(clinic, Role.RECORDS_KEEPER)
    ada = make_client(clinic, name=f"Client of {count}")
    screenings_hourly(
        count, clinic=clinic, practitioner=make_member(clinic, Role.PRACTITIONER), client=ada
    )
    client.force_login(keeper)
    url = reverse("records:client_detail", args=[ada.pk])
    client.get(url)  # warm: session, content types
    return url


def test_it_reads_a_client_page_in_constant_queries(client, clinic, django_assert_num_queries):
    # session, user with membership and clinic, the session's two-factor device, client,
    # screenings (with their practitioners), and the audit event
    for count in (3, 30):
        url = _client_page_queries(client, django_assert_num_queries, clinic, count)
        with django_assert_num_queries(5 + audit_event_statements()):
            response = client.get(url)
        assert response.content.count(b"Open record") == count


def test_it_searches_clients_in_constant_queries(client, clinic, django_assert_num_queries):
    keeper = make_member(clinic, Role.RECORDS_KEEPER)
    client.force_login(keeper)
    for count in (3, 30):
        for n in range(count):
            make_client(clinic, name=f"Batch{count} client {n}")
        client.post(SEARCH, {"q": "warm"})
        # session, user with membership and clinic, the session's two-factor device, the
        # rate-limit count, clients, and the audit event
        with django_assert_num_queries(5 + audit_event_statements()):
            response = client.post(SEARCH, {"q": f"batch{count}"})
        assert f"{count} clients found".encode() in response.content
