"""The records keepers' page of CDS clients: register a booking system's issuer with its public
key or JWKS (its signed CDS Hooks calls are then accepted), and remove it."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from screening.api.models import CdsClient
from screening.audit.models import AuditEvent
from tests.api.support import assert_problem, intake
from tests.api.test_cds_hooks import SERVICE, hook_request, post

ISSUER = "https://booking.example"


def public_pem(private) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def signed(private, issuer=ISSUER, kid=None) -> str:
    claims = {
        "iss": issuer,
        "aud": "http://testserver" + SERVICE,
        "exp": int(time.time()) + 60,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, private, algorithm="ES384", headers={"kid": kid} if kid else None)


@pytest.fixture
def keeper(client, records_keeper):
    client.force_login(records_keeper)
    return client


@pytest.fixture
def private():
    return ec.generate_private_key(ec.SECP384R1())


def register(client, **fields):
    return client.post(reverse("cds_clients"), {"issuer": ISSUER, **fields})


@pytest.mark.django_db
def test_a_registered_clients_signed_calls_pass_until_it_is_removed(client, keeper, private):
    assert_problem(post(client, SERVICE, hook_request(intake()), signed(private)), 401)
    response = register(keeper, public_key_pem=public_pem(private))
    assert response.status_code == 302
    registered = CdsClient.objects.get()
    assert registered.issuer == ISSUER and registered.jwks is None
    assert ISSUER.encode() in keeper.get(reverse("cds_clients")).content
    assert post(client, SERVICE, hook_request(intake()), signed(private)).status_code == 200

    keeper.post(reverse("cds_client_remove", args=[registered.pk]))
    assert not CdsClient.objects.exists()
    assert_problem(post(client, SERVICE, hook_request(intake()), signed(private)), 401)
    actions = AuditEvent.objects.filter(object_type="api.cdsclient").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["key_created", "key_revoked"]


@pytest.mark.django_db
def test_a_client_is_registered_with_its_jwks(client, keeper, private):
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwks = {"keys": [{**jwk, "kid": "k1"}]}
    assert register(keeper, jwks=json.dumps(jwks)).status_code == 302
    assert CdsClient.objects.get().jwks == jwks
    assert (
        post(client, SERVICE, hook_request(intake()), signed(private, kid="k1")).status_code == 200
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "public_key_pem", "either the public key or the JWKS"),
        ({"public_key_pem": "PEM", "jwks": '{"keys": []}'}, "public_key_pem", "not a public key"),
        ({"public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n"}, "public_key_pem", "PEM"),
        ({"jwks": "{"}, "jwks", "not valid JSON"),
        ({"jwks": '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}'}, "jwks", "RSA or EC key"),
        ({"jwks": "[1, 2]"}, "jwks", "must be a JWKS"),
        ({"issuer": " ", "jwks": "{}"}, "issuer", "required"),
    ],
)
def test_a_key_that_cannot_check_signatures_is_refused_naming_the_field(
    keeper, fields, field, message
):
    response = keeper.post(reverse("cds_clients"), {"issuer": ISSUER, **fields})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not CdsClient.objects.exists()


@pytest.mark.django_db
def test_both_a_key_and_a_jwks_is_refused(keeper, private):
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    response = register(
        keeper, public_key_pem=public_pem(private), jwks=json.dumps({"keys": [jwk]})
    )
    assert response.status_code == 400
    assert not CdsClient.objects.exists()


@pytest.mark.django_db
def test_an_issuer_is_registered_once(keeper, other_clinic, private):
    CdsClient.objects.create(clinic=other_clinic, issuer=ISSUER, public_key_pem=public_pem(private))
    response = register(keeper, public_key_pem=public_pem(private))
    assert response.status_code == 400
    assert "registered already" in response.context["form"].errors["issuer"][0]


@pytest.mark.django_db
def test_another_clinics_client_is_neither_listed_nor_removed(keeper, other_clinic, private):
    theirs = CdsClient.objects.create(
        clinic=other_clinic, issuer="https://theirs.example", public_key_pem=public_pem(private)
    )
    assert b"theirs.example" not in keeper.get(reverse("cds_clients")).content
    assert keeper.post(reverse("cds_client_remove", args=[theirs.pk])).status_code == 404
    assert CdsClient.objects.filter(pk=theirs.pk).exists()
