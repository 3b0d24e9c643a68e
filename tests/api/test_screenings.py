"""POST and GET /api/v1/screenings: saved like a consultation, idempotent, paged, corrected."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from screening.audit.models import AuditEvent
from screening.records.amendments import amendment_record, editable_answers, override_record
from screening.records.models import Screening
from screening.rules import models as rules_models
from screening.rules.models import RuleSet, RuleSetStatus
from screening.rules.seed import seed_published_v1
from tests.api.support import assert_problem, call, new_key, with_client
from tests.conftest import make_member


@pytest.fixture
def key(clinic):
    return new_key(clinic)[1]


def create(client, key, body, **headers):
    return call(client, "post", "/api/v1/screenings", key, body, **headers)


@pytest.mark.django_db
def test_it_saves_a_record_like_a_consultation(client, clinic, key):
    response = create(client, key, with_client(vitiligo_family_history=True))
    assert response.status_code == 201
    body = response.json()
    screening = Screening.objects.get(pk=body["id"])
    assert screening.clinic == clinic and screening.client.name == "Grace Hopper"
    assert body["decision"] == screening.decision and body["decision"]["outcome"] == "refer"
    assert body["url"].endswith(f"/records/screenings/{screening.pk}/")
    assert AuditEvent.objects.filter(action="created", object_id=str(screening.pk)).exists()


@pytest.mark.django_db
def test_it_wants_the_client_block(client, key):
    body = with_client()
    del body["client"]
    problem = assert_problem(create(client, key, body), 422)
    assert [error["field"] for error in problem["errors"]] == ["client"]
    bad = with_client()
    bad["client"]["date_of_birth"] = "9 Dec 1986"
    problem = assert_problem(create(client, key, bad), 422)
    assert [error["field"] for error in problem["errors"]] == ["client.date_of_birth"]
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_the_same_idempotency_key_and_body_return_the_first_record(client, key):
    first = create(client, key, with_client(), HTTP_IDEMPOTENCY_KEY="booking-42")
    again = create(client, key, with_client(), HTTP_IDEMPOTENCY_KEY="booking-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Screening.objects.count() == 1
    other = create(client, key, with_client(), HTTP_IDEMPOTENCY_KEY="booking-43")
    assert other.status_code == 201 and Screening.objects.count() == 2


@pytest.mark.django_db
def test_an_idempotency_key_reused_with_another_body_is_refused(client, key):
    create(client, key, with_client(), HTTP_IDEMPOTENCY_KEY="booking-42")
    response = create(client, key, with_client(pregnant=True), HTTP_IDEMPOTENCY_KEY="booking-42")
    assert_problem(response, 409)
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_keys_are_per_clinic(client, clinic, other_clinic, key):
    _, key_b = new_key(other_clinic)
    create(client, key, with_client(), HTTP_IDEMPOTENCY_KEY="same")
    response = create(client, key_b, with_client(), HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201
    assert Screening.objects.filter(clinic=other_clinic).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_retries_make_one_record(live_server, clinic):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (database locked); run on PostgreSQL.")
    import http.client
    import json
    from urllib.parse import urlparse

    if not RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).exists():
        seed_published_v1(rules_models, published_at=timezone.now())  # flushed by an earlier test
    _, key = new_key(clinic)
    address = urlparse(live_server.url)
    body = json.dumps(with_client())
    statuses, barrier = [], threading.Barrier(10)

    def post():
        http_connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        barrier.wait()
        http_connection.request(
            "POST",
            "/api/v1/screenings",
            body=body,
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": "retry-1",
            },
        )
        response = http_connection.getresponse()
        statuses.append((response.status, json.loads(response.read())["id"]))

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in statuses) == [200] * 9 + [201]
    assert len({screening_id for _, screening_id in statuses}) == 1
    assert Screening.objects.count() == 1


@pytest.mark.django_db
def test_the_list_pages_newest_first_by_cursor(client, key, monkeypatch):
    monkeypatch.setattr("screening.api.endpoints.PAGE_SIZE", 2)
    ids = [create(client, key, with_client()).json()["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = call(
            client, "get", "/api/v1/screenings" + (f"?cursor={cursor}" if cursor else ""), key
        )
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    problem = assert_problem(call(client, "get", "/api/v1/screenings?cursor=junk", key), 422)
    assert problem["errors"][0]["field"] == "cursor"


@pytest.mark.django_db
def test_one_record_shows_the_outcome_in_force_and_its_corrections(client, clinic, key):
    created = create(client, key, with_client(vitiligo_family_history=True)).json()
    screening = Screening.objects.get(pk=created["id"])
    keeper = make_member(clinic, "records_keeper")
    url = f"/api/v1/screenings/{screening.pk}"
    assert call(client, "get", url, key).json()["outcome_in_force"] == "refer"

    answers = editable_answers(screening.intake) | {"vitiligo_family_history": False}
    amendment_record(screening=screening, author=keeper, reason="Misheard", answers=answers)
    body = call(client, "get", url, key).json()
    assert (body["outcome"], body["outcome_in_force"]) == ("refer", "proceed")
    assert body["amendments"][0]["reason"] == "Misheard"

    override_record(
        screening=screening,
        author=keeper,
        outcome="postpone",
        reason_code="other",
        comment="Wants to think",
    )
    body = call(client, "get", url, key).json()
    assert body["outcome_in_force"] == "postpone"
    assert body["overrides"][0]["comment"] == "Wants to think"
    assert body["decision"] == screening.decision
    assert call(client, "get", "/api/v1/screenings", key).json()["items"][0][
        "outcome_in_force"
    ] == ("postpone")
    assert_problem(call(client, "get", "/api/v1/screenings/999999", key), 404)


@pytest.mark.django_db
def test_no_browser_or_proxy_keeps_a_copy_of_a_record(client, key):
    created = create(client, key, with_client())
    listed = call(client, "get", "/api/v1/screenings", key)
    for response in (created, listed):
        assert "no-store" in response["Cache-Control"]
