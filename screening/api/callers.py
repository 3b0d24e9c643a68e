"""Who calls the CDS Hooks service: a clinic API key, or a CDS client's signed JWT (the CDS
Hooks rule: `iss` registered for a clinic, `aud` = the URL called, `exp`, and a `jti` used once)."""

import datetime
from dataclasses import dataclass

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone

from .auth import bearer_token
from .keys import KEY_START, calling, over_rate_limit
from .models import CdsClient, Scope, SeenToken
from .problems import Problem

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]


@dataclass(frozen=True)
class Caller:
    clinic: object
    user: object  # the key's account, or None for a JWT client
    name: str  # for the audit trail


UNKNOWN = "Send a clinic API key, or a JWT signed by a registered CDS client."
TOO_MANY = "Too many requests from this caller; try again in a minute."


def caller(request) -> Caller:
    """The authenticated caller, or Problem 401 / 403 / 429."""
    token = bearer_token(request)
    if token and token.startswith(KEY_START):
        return key_caller(token)
    client = None
    if token:
        client = verified_client(token, audience=request.build_absolute_uri(request.path))
    if client is None:
        raise Problem(401, UNKNOWN)
    if over_rate_limit(f"cds:{client.pk}"):
        raise Problem(429, TOO_MANY)
    return Caller(client.clinic, None, f"cds:{client.issuer}"[:150])


def key_caller(token: str) -> Caller:
    called = calling(token)
    if called is None:
        raise Problem(401, UNKNOWN)
    api_key, over_limit = called
    if Scope.EVALUATE not in api_key.scopes:
        raise Problem(403, "This key lacks the 'evaluate' scope.")
    if over_limit:
        raise Problem(429, TOO_MANY)
    return Caller(api_key.clinic, api_key.user, "")


def verified_client(token: str, *, audience: str) -> CdsClient | None:
    """The registered client that signed `token` for `audience`, once; None otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = unverified.get("iss")
    if not isinstance(issuer, str):
        return None
    client = CdsClient.objects.select_related("clinic").filter(issuer=issuer).first()
    key = signing_key(client, header.get("kid")) if client else None
    if key is None:
        return None
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=client.issuer,
            options={"require": ["iss", "aud", "exp", "jti"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    return client if first_use(client.issuer, str(claims["jti"]), claims["exp"]) else None


def signing_key(client: CdsClient, kid):
    try:
        if client.jwks:
            keys = jwt.PyJWKSet.from_dict(client.jwks).keys
            chosen = [k for k in keys if kid is None or k.key_id == kid]
            return chosen[0].key if chosen else None
        return client.public_key_pem.strip() or None
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None


def first_use(issuer: str, jti: str, exp) -> bool:
    """Remember `jti` until the token expires; False if it was seen before (a replay)."""
    now = timezone.now()
    SeenToken.objects.filter(expires_at__lt=now).delete()
    expires = datetime.datetime.fromtimestamp(int(exp), tz=datetime.UTC)
    try:
        with transaction.atomic():
            SeenToken.objects.create(issuer=issuer, jti=jti[:200], expires_at=expires)
    except IntegrityError:
        return False
    return True
