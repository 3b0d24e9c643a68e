"""The CDS Hooks 2.0 service of DESIGN.md section 6, checked against the specification's rules."""

import json
import time
import uuid
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from screening.api.models import CdsClient
from screening.audit.models import AuditEvent
from screening.records.dashboard import overrides_by_rule
from screening.records.fhir import response_items
from screening.records.models import Screening
from tests.api.support import assert_problem, intake, new_key

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = json.loads((ROOT / "fixtures" / "scenarios_v1.json").read_text())["scenarios"]
SERVICE = "/cds-services/microneedling-screening"
FEEDBACK = SERVICE + "/feedback"
INDICATORS = {"info", "warning", "critical"}
OUTCOME_INDICATOR = {"refer": "critical", "postpone": "warning", "proceed": "info"}
OUTCOME_WORD = {"refer": "Refer", "postpone": "Postpone", "proceed": "Proceed"}
TOPIC_SYSTEM = "urn:microneedling-screening:precaution"


def questionnaire_response(answers: dict) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": response_items(answers),
    }


def hook_request(answers: dict) -> dict:
    return {
        "hook": "appointment-book",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "123", "appointments": []},
        "prefetch": {"questionnaireResponse": questionnaire_response(answers)},
    }


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **headers)


@pytest.fixture
def key(clinic):
    return new_key(clinic, ["evaluate"])[1]


def check_card_rules(card):
    """The CDS Hooks 2.0 card rules, and ours: uuid, summary < 140, indicator, source.label."""
    assert uuid.UUID(card["uuid"])
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in INDICATORS
    assert isinstance(card["source"]["label"], str) and card["source"]["label"]
    assert isinstance(card.get("detail", ""), str)
    for reason in card.get("overrideReasons", []):
        assert reason["code"] and reason["system"] and reason["display"]


@pytest.mark.django_db
def test_discovery_lists_the_service_with_its_prefetch(client):
    services = client.get("/cds-services").json()["services"]
    assert [(s["id"], s["hook"]) for s in services] == [
        ("microneedling-screening", "appointment-book")
    ]
    assert "QuestionnaireResponse" in services[0]["prefetch"]["questionnaireResponse"]
    assert services[0]["description"]


@pytest.mark.django_db
def test_cards_follow_the_decision_for_every_seeded_scenario(client, key):
    for scenario in SCENARIOS:
        answers = scenario["intake"]
        response = post(client, SERVICE, hook_request(answers), key)
        assert response.status_code == 200, scenario["name"]
        cards = response.json()["cards"]
        evaluate = client.post(
            "/api/v1/evaluate",
            data=json.dumps(answers),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        ).json()
        outcome, *findings = cards
        assert outcome["indicator"] == OUTCOME_INDICATOR[evaluate["outcome"]]
        assert outcome["summary"].startswith(OUTCOME_WORD[evaluate["outcome"]])
        assert [c["source"]["topic"]["code"] for c in findings] == [
            f["rule"] for f in evaluate["findings"]
        ]
        for card, finding in zip(findings, evaluate["findings"], strict=True):
            assert card["source"]["topic"]["system"] == TOPIC_SYSTEM
            assert card["summary"].split(": ", 1)[1] in finding["title"] + "…"
            assert card["summary"].startswith(("Refer: ", "Postpone: ", "Caution: "))
            assert card["source"]["url"].startswith("http")
            assert card["indicator"] == {"refer": "critical", "postpone": "warning"}.get(
                finding["action"], "info"
            )
            assert ("overrideReasons" in card) == (finding["action"] != "caution")
        for card in cards:
            check_card_rules(card)
        assert len({card["uuid"] for card in cards}) == len(cards)
    assert Screening.objects.count() == 0
    assert AuditEvent.objects.filter(action="evaluated").count() == 2 * len(SCENARIOS)


@pytest.mark.django_db
def test_a_referral_card_carries_the_referral_in_its_detail(client, key):
    cards = post(client, SERVICE, hook_request(intake(vitiligo_family_history=True)), key).json()[
        "cards"
    ]
    assert cards[0]["summary"].startswith("Refer")
    assert "Reasons for referral" in cards[0]["detail"]
    assert "VITILIGO\\_FAMILY\\_HISTORY" in cards[0]["detail"]
    assert [r["display"] for r in cards[0]["overrideReasons"]]


@pytest.mark.django_db
def test_typed_text_cannot_inject_markdown_or_html(client, key):
    answers = intake(medications=["<img src=x onerror=alert(1)> [click](http://evil)"])
    cards = post(client, SERVICE, hook_request(answers), key).json()["cards"]
    text = json.dumps(cards)
    assert "<img" not in text and "](http://evil)" not in text


@pytest.mark.django_db
def test_the_source_link_opens_the_precaution(client, key):
    cards = post(client, SERVICE, hook_request(intake(vitiligo_family_history=True)), key).json()[
        "cards"
    ]
    page = client.get(cards[1]["source"]["url"])
    assert page.status_code == 200 and b"VITILIGO_FAMILY_HISTORY" in page.content
    assert client.get(reverse("cds_precaution", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
def test_feedback_is_audited_and_overrides_count_on_the_dashboard(client, clinic, key):
    cards = post(client, SERVICE, hook_request(intake(vitiligo_family_history=True)), key).json()[
        "cards"
    ]
    feedback = {
        "feedback": [
            {
                "card": cards[0]["uuid"],
                "outcome": "accepted",
                "outcomeTimestamp": "2026-12-01T10:00:00Z",
            },
            {
                "card": cards[1]["uuid"],
                "outcome": "overridden",
                "overrideReason": {
                    "reason": cards[1]["overrideReasons"][0],
                    "userComment": "Letter on file",
                },
                "outcomeTimestamp": "2026-12-01T10:00:00Z",
            },
        ]
    }
    assert post(client, FEEDBACK, feedback, key).status_code == 200
    assert AuditEvent.objects.filter(action="card_feedback").count() == 2
    assert overrides_by_rule(clinic)["VITILIGO_FAMILY_HISTORY"] == 1


@pytest.mark.django_db
def test_feedback_for_another_clinics_card_is_refused(client, clinic, other_clinic, key):
    cards = post(client, SERVICE, hook_request(intake()), key).json()["cards"]
    _, key_b = new_key(other_clinic, ["evaluate"])
    body = {"feedback": [{"card": cards[0]["uuid"], "outcome": "accepted"}]}
    problem = assert_problem(post(client, FEEDBACK, body, key_b), 422)
    assert problem["errors"][0]["field"] == "feedback[0].card"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{", "body"),
        ({"hook": "patient-view", "hookInstance": "x", "prefetch": {}}, "hook"),
        ({"hook": "appointment-book", "hookInstance": "x"}, "prefetch.questionnaireResponse"),
        (
            {
                "hook": "appointment-book",
                "hookInstance": "x",
                "prefetch": {
                    "questionnaireResponse": {
                        "resourceType": "QuestionnaireResponse",
                        "status": "completed",
                        "item": [],
                    }
                },
            },
            "client_age_years",
        ),
    ],
)
def test_a_bad_hook_request_gets_422_naming_the_field(client, key, body, field):
    problem = assert_problem(post(client, SERVICE, body, key), 422)
    assert field in [error["field"] for error in problem["errors"]]


@pytest.mark.django_db
def test_the_service_wants_a_valid_key_with_the_evaluate_scope(client, clinic):
    body = hook_request(intake())
    assert_problem(post(client, SERVICE, body), 401)
    assert_problem(post(client, SERVICE, body, "msk_abc_def"), 401)
    _, read_only = new_key(clinic, ["read"])
    assert_problem(post(client, SERVICE, body, read_only), 403)
    assert_problem(post(client, FEEDBACK, {"feedback": []}), 401)


# JWT signed by a registered CDS client.

SERVICE_URL = "http://testserver" + SERVICE


@pytest.fixture
def signer(clinic):
    private = ec.generate_private_key(ec.SECP384R1())
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    CdsClient.objects.create(
        clinic=clinic, issuer="https://booking.example", public_key_pem=pem.decode()
    )

    def sign(**claims):
        now = int(time.time())
        payload = {
            "iss": "https://booking.example",
            "aud": SERVICE_URL,
            "exp": now + 300,
            "iat": now,
            "jti": str(uuid.uuid4()),
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, private, algorithm="ES384", headers={"kid": "k1"})

    return sign


@pytest.mark.django_db
def test_a_signed_jwt_of_a_registered_client_is_accepted_once(client, signer):
    token = signer()
    assert post(client, SERVICE, hook_request(intake()), token).status_code == 200
    assert_problem(post(client, SERVICE, hook_request(intake()), token), 401)  # replayed jti
    event = AuditEvent.objects.filter(action="evaluated").get()
    assert event.username == "cds:https://booking.example"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "http://testserver/cds-services/other"},
        {"exp": int(time.time()) - 10},
        {"iss": "https://unknown.example"},
        {"jti": None},
    ],
    ids=["wrong aud", "expired", "unknown issuer", "no jti"],
)
def test_a_jwt_failing_a_check_is_refused(client, signer, claims):
    token = signer(**claims)  # signed by the registered key: only the claim is wrong
    assert_problem(post(client, SERVICE, hook_request(intake()), token), 401)


@pytest.mark.django_db
def test_a_jwt_signed_by_another_key_is_refused(client, signer):
    forged = jwt.encode(
        {
            "iss": "https://booking.example",
            "aud": SERVICE_URL,
            "exp": int(time.time()) + 60,
            "jti": "1",
        },
        ec.generate_private_key(ec.SECP384R1()),
        algorithm="ES384",
    )
    assert_problem(post(client, SERVICE, hook_request(intake()), forged), 401)


@pytest.mark.django_db
def test_a_client_registered_with_a_jwks_is_accepted(client, clinic):
    private = ec.generate_private_key(ec.SECP384R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    CdsClient.objects.create(
        clinic=clinic, issuer="https://ehr.example", jwks={"keys": [{**jwk, "kid": "ehr-1"}]}
    )
    claims = {
        "iss": "https://ehr.example",
        "aud": SERVICE_URL,
        "exp": int(time.time()) + 60,
        "jti": "a",
    }
    token = jwt.encode(claims, private, algorithm="ES384", headers={"kid": "ehr-1"})
    assert post(client, SERVICE, hook_request(intake()), token).status_code == 200
