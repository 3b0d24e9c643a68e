"""CDS clients: booking systems that sign their CDS Hooks calls with a JWT (callers.py checks
them). A records keeper registers each one's issuer with its public key or JWKS, and removes it;
both are in the audit trail."""

import json

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.db import transaction

from screening import audit
from screening.audit.models import AuditAction

from .models import CdsClient

# The key types of callers.ALGORITHMS (RS* and ES*).
KEY_TYPES = {"RSA", "EC"}


class KeyNotUsable(ValueError):
    """A public key or JWKS that cannot check the client's signatures (the message says why)."""


def pem_key(text: str) -> str:
    """`text` when it is an RSA or EC public key in PEM; else KeyNotUsable."""
    try:
        key = load_pem_public_key(text.strip().encode())
    except (ValueError, TypeError):
        raise KeyNotUsable("is not a public key in PEM (-----BEGIN PUBLIC KEY-----).") from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise KeyNotUsable("must be an RSA or EC key (signatures RS256 to ES512).")
    return text.strip()


def jwks_keys(data: object) -> dict:
    """`data` when it is a JWKS holding at least one RSA or EC key; else KeyNotUsable."""
    try:
        keys = jwt.PyJWKSet.from_dict(data).keys if isinstance(data, dict) else []
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, json.JSONDecodeError):
        keys = []
    if not any(key.key_type in KEY_TYPES for key in keys):
        raise KeyNotUsable('must be a JWKS, {"keys": [...]}, with at least one RSA or EC key.')
    return data


@transaction.atomic
def register_client(*, clinic, issuer: str, public_key_pem="", jwks=None, registered_by=None):
    client = CdsClient.objects.create(
        clinic=clinic, issuer=issuer, public_key_pem=public_key_pem, jwks=jwks
    )
    audit.log_event(AuditAction.KEY_CREATED, user=registered_by, clinic=clinic, obj=client)
    return client


@transaction.atomic
def remove_client(client: CdsClient, *, removed_by=None) -> None:
    """Its calls are refused from now on (the next JWT finds no registered issuer)."""
    audit.log_event(AuditAction.KEY_REVOKED, user=removed_by, clinic=client.clinic, obj=client)
    client.delete()
