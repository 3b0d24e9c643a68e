"""Clinic API keys: made, found and revoked here. A key is `msk_PREFIX_SECRET`; only the SHA-256
of the whole key is stored, and the prefix finds its row."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from screening import audit
from screening.accounts.ratelimit import count_if, count_statement, limited
from screening.audit.chain import append_ctes
from screening.audit.models import AuditAction
from screening.rules.services import IN_USE_SQL
from screening.sql import prepared_cursor

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
    return _counted(api_key, count_if(*_count_of(api_key)))


def evaluating(token: str, *, remote_addr) -> tuple[ApiKey, bool, list | None] | None:
    """`calling` for an evaluate call, which also appends the call's audit event and reads the
    rules in use: on PostgreSQL in the same statement, one round trip where there were three. The
    rules in use come back as the rows of IN_USE_SQL, or None where they were not read. A key
    without the evaluate scope is only counted: the endpoint refuses it."""
    api_key = _key_of(token)
    allowed = api_key is not None and Scope.EVALUATE in api_key.scopes
    if allowed and connection.vendor == "postgresql":
        return _evaluate_call(api_key, _evaluated_event(api_key, remote_addr))
    called = calling(token)
    if called is None:
        return None
    if allowed:
        _evaluated_event(api_key, remote_addr).save()
    return (*called, None)


def _evaluated_event(api_key: ApiKey, remote_addr):
    return audit.new_event(
        AuditAction.EVALUATED, user=api_key.user, clinic=api_key.clinic, remote_addr=remote_addr
    )


def _evaluate_call(api_key: ApiKey, event) -> tuple[ApiKey, bool, list] | None:
    count_sql, count_params = count_statement(*_count_of(api_key))
    append_sql, append_params = append_ctes(event, only_if='EXISTS (SELECT 1 FROM "counted")')
    statement = _EVALUATE_CALL.format(
        count=count_sql,
        append=append_sql,
        in_use=IN_USE_SQL,
        no_wait="" if settings.EVALUATE_WAITS_FOR_DISK else _NO_WAIT,
    )
    with prepared_cursor() as cursor:
        cursor.execute(statement, [*count_params, *append_params, api_key.clinic_id])
        rows = cursor.fetchall()
    called = _counted(api_key, rows[0][0] if rows else None)
    return (*called, [row[1:4] for row in rows if row[1] is not None]) if called else None


# The call counted while its key is unrevoked, its event appended only if it was counted, and the
# rules in use (none, one or two rows) beside the count. Its commit waits for the disk only with
# EVALUATE_WAITS_FOR_DISK (settings.py): waiting, with the key's count and its clinic's chain
# locked meanwhile, took a fifth of the call's throughput. set_config's `true` keeps the setting
# to the statement's transaction (an API call is no transaction: each statement commits at once),
# so the connection's next statements wait again.
_EVALUATE_CALL = """WITH "counted" AS ({count}), {append}
SELECT "counted"."count", "in_use"."id", "in_use"."clinic_id", "in_use"."published_at"{no_wait}
FROM "counted" LEFT JOIN ({in_use}) AS "in_use" ON TRUE"""
_NO_WAIT = ", set_config('synchronous_commit', 'off', true)"


def _count_of(api_key: ApiKey) -> tuple:
    """The arguments of count_if for a call of `api_key`: counted only while it is unrevoked."""
    _limit, per_seconds = settings.RATE_LIMITS["api"]
    still_active = [api_key.pk, api_key.key_hash]
    return f"key:{api_key.prefix}", "api", per_seconds, _STILL_ACTIVE, still_active


_STILL_ACTIVE = (
    'EXISTS (SELECT 1 FROM "api_apikey" '
    'WHERE "id" = %s AND "key_hash" = %s AND "revoked_at" IS NULL)'
)


def _counted(api_key: ApiKey, count: int | None) -> tuple[ApiKey, bool] | None:
    """The key and whether it is over its limit, after its call was counted; None (and the key
    forgotten) when it was revoked since it was read."""
    if count is None:
        _read_keys.pop(api_key.key_hash, None)
        return None
    mark_used(api_key)
    return api_key, count > settings.RATE_LIMITS["api"][0]


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
