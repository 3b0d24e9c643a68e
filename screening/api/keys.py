"""Clinic API keys: made, found and revoked here. A key is `msk_PREFIX_SECRET`; only the SHA-256
of the whole key is stored, and the prefix finds its row."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from screening import audit
from screening.accounts.ratelimit import count_if, limited
from screening.audit.models import AuditAction

from .models import ApiKey, Scope

KEY_START = "msk_"
# last_used_at is written at most once a minute per key: a write per request would halve throughput.
LAST_USED_EVERY = 60


class KeyProblem(ValueError):
    """A key cannot be made or revoked as asked (the message says why)."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(text: str) -> list[str]:
    scopes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown or not scopes:
        raise KeyProblem(f"scopes must be some of {', '.join(Scope.values)}; got '{text}'.")
    return sorted(set(scopes), key=Scope.values.index)


@transaction.atomic
def create_key(*, clinic, label: str, scopes: list[str], created_by=None) -> tuple[ApiKey, str]:
    """Make a key for `clinic`; return the row and the key itself (shown once, never kept)."""
    label = label.strip()
    if not label:
        raise KeyProblem("the label (--name) must not be empty.")
    if ApiKey.objects.for_clinic(clinic).filter(label=label).exists():
        raise KeyProblem(f"{clinic} already has a key labelled '{label}'.")
    prefix = secrets.token_hex(6)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    user = get_user_model()(
        username=f"api-key-{prefix}", first_name="API key", last_name=label[:150], is_active=False
    )
    user.set_unusable_password()
    user.save()
    api_key = ApiKey.objects.create(
        clinic=clinic, label=label, prefix=prefix, key_hash=digest(key), scopes=scopes, user=user
    )
    audit.log_event(AuditAction.KEY_CREATED, user=created_by, clinic=clinic, obj=api_key)
    return api_key, key


@transaction.atomic
def revoke_key(api_key: ApiKey, *, revoked_by=None) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit.log_event(
            AuditAction.KEY_REVOKED, user=revoked_by, clinic=api_key.clinic, obj=api_key
        )
    return api_key


def _key_of(token: str) -> ApiKey | None:
    """The key `token` is, or None for a missing or wrong one (or one revoked when first read).

    A key never changes but for its revocation and last use, so its row (with its clinic and
    account) is read once per process. It may have been revoked since: only `calling`, which
    checks that on every call, uses this."""
    prefix, _, secret = token.removeprefix(KEY_START).partition("_")
    if not token.startswith(KEY_START) or not secret:
        return None
    token_hash = digest(token)
    if (api_key := _read_keys.get(token_hash)) is not None:
        return api_key
    api_key = ApiKey.objects.select_related("clinic", "user").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, token_hash):
        return None
    if api_key.revoked_at is not None:
        return None
    _read_keys[token_hash] = api_key
    return api_key


_read_keys: dict[str, ApiKey] = {}  # the hash of a key -> its row, as read first


def calling(token: str) -> tuple[ApiKey, bool] | None:
    """The active key `token` is and whether this call took it over its rate limit; None for a
    missing, wrong or revoked key.

    One statement counts the call only while the key's row is still unrevoked, so a key revoked
    in any process fails on its next call in every process."""
    api_key = _key_of(token)
    if api_key is None:
        return None
    limit, per_seconds = settings.RATE_LIMITS["api"]
    count = count_if(
        f"key:{api_key.prefix}",
        "api",
        per_seconds,
        where=_STILL_ACTIVE,
        params=[api_key.pk, api_key.key_hash],
    )
    if count is None:
        _read_keys.pop(api_key.key_hash, None)
        return None
    mark_used(api_key)
    return api_key, count > limit


_STILL_ACTIVE = (
    'EXISTS (SELECT 1 FROM "api_apikey" '
    'WHERE "id" = %s AND "key_hash" = %s AND "revoked_at" IS NULL)'
)


def mark_used(api_key: ApiKey) -> None:
    now = timezone.now()
    last = api_key.last_used_at
    if last is None or (now - last).total_seconds() >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def over_rate_limit(caller_key: str) -> bool:
    """Count a call of `caller_key` (a CDS client); True once over RATE_LIMITS["api"]."""
    limit, per_seconds = settings.RATE_LIMITS["api"]
    return limited(caller_key, "api", limit, per_seconds)
