"""Every API endpoint x key: 401 without a valid key, 403 without the scope, 404 for another
clinic's object. Add each new endpoint to ENDPOINTS."""

import pytest

from screening.api.keys import revoke_key
from screening.records.fhir import response_items
from tests.api.support import ALL_SCOPES, assert_problem, call, intake, new_key, with_client
from tests.conftest import make_member
from tests.records.factories import make_screening

FHIR_BODY = {
    "resourceType": "QuestionnaireResponse",
    "status": "completed",
    "item": response_items(with_client()),
}
CDS_BODY = {
    "hook": "appointment-book",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/1", "patientId": "1"},
    "prefetch": {"questionnaireResponse": FHIR_BODY},
}
# name -> (method, url builder from a screening of the key's clinic, body, scope, success status)
ENDPOINTS = {
    "evaluate": ("post", lambda s: "/api/v1/evaluate", intake(), "evaluate", 200),
    "create": ("post", lambda s: "/api/v1/screenings", with_client(), "screen", 201),
    "list": ("get", lambda s: "/api/v1/screenings", None, "read", 200),
    "detail": ("get", lambda s: f"/api/v1/screenings/{s.pk}", None, "read", 200),
    "fhir": ("post", lambda s: "/api/v1/fhir/QuestionnaireResponse", FHIR_BODY, "screen", 201),
    "cds": ("post", lambda s: "/cds-services/microneedling-screening", CDS_BODY, "evaluate", 200),
}


@pytest.fixture
def screening(clinic):
    return make_screening(clinic=clinic, practitioner=make_member(clinic, "practitioner"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_endpoint_wants_its_scope(client, clinic, screening, name):
    method, url, body, scope, success = ENDPOINTS[name]
    _, allowed = new_key(clinic, [scope])
    _, others = new_key(clinic, [s for s in ALL_SCOPES if s != scope])
    assert call(client, method, url(screening), allowed, body).status_code == success
    body_403 = assert_problem(call(client, method, url(screening), others, body), 403)
    assert scope in body_403["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_endpoint_refuses_a_missing_wrong_or_revoked_key(client, clinic, screening, name):
    method, url, body, _, _ = ENDPOINTS[name]
    row, key = new_key(clinic)
    revoke_key(row)
    for sent in [None, "", "msk_nothere_x", key[:-1] + ("A" if key[-1] != "A" else "B"), key]:
        response = call(client, method, url(screening), sent, body)
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_a_key_sees_only_its_clinics_screenings(client, clinic, other_clinic, screening):
    _, key_b = new_key(other_clinic)
    assert_problem(call(client, "get", f"/api/v1/screenings/{screening.pk}", key_b), 404)
    assert call(client, "get", "/api/v1/screenings", key_b).json()["items"] == []
    _, key_a = new_key(clinic)
    items = call(client, "get", "/api/v1/screenings", key_a).json()["items"]
    assert [item["id"] for item in items] == [screening.pk]


@pytest.mark.django_db
def test_a_screening_saved_by_a_key_belongs_to_its_clinic(client, clinic, other_clinic):
    _, key_b = new_key(other_clinic)
    created = call(client, "post", "/api/v1/screenings", key_b, with_client()).json()
    _, key_a = new_key(clinic)
    assert_problem(call(client, "get", f"/api/v1/screenings/{created['id']}", key_a), 404)
    assert call(client, "get", f"/api/v1/screenings/{created['id']}", key_b).status_code == 200


@pytest.mark.django_db
def test_a_key_over_its_rate_limit_gets_429_and_others_do_not(client, clinic, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    _, busy = new_key(clinic)
    _, quiet = new_key(clinic)
    statuses = [call(client, "get", "/api/v1/screenings", busy).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = call(client, "get", "/api/v1/screenings", busy)
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert call(client, "get", "/api/v1/screenings", quiet).status_code == 200
