"""The client's real address behind trusted proxies, and rate limits shared by all processes.

- `client_ip(request)`: with TRUSTED_PROXY_COUNT = 0 (the default) the address that connected,
  REMOTE_ADDR. With N proxies in front, each appends the address it saw to X-Forwarded-For, so the
  client is the Nth address from the right; anything to its left was written by the client and is
  not believed. A header that is missing, too short or malformed never overrides REMOTE_ADDR.
- `limited(key_or_request, scope, limit, per_seconds)`: count one event and say whether the key
  went over `limit` events in the current window of `per_seconds` (a fixed window).
  `count_if` counts it only while a condition holds (an API key still unrevoked), in the same
  statement.

The counts are rows of `RateCount`, one per scope and key, moved on by one upsert that returns
the new count: one statement, atomic across processes and servers (a cache's add-then-increment
was eleven statements on the database cache, and lost counts in a race). Rows of ended windows
are deleted once an hour by each process.
"""

import ipaddress
import time
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render

from screening.sql import prepared_cursor

FALLBACK_ADDRESS = "0.0.0.0"  # noqa: S104 (a placeholder, never bound)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = _address(request.META.get("REMOTE_ADDR", "")) or FALLBACK_ADDRESS
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()] if forwarded else []
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote


def _key(key_or_request, scope: str) -> str:
    key = client_ip(key_or_request) if isinstance(key_or_request, HttpRequest) else key_or_request
    return f"{scope}:{key}"[:255]


def _window_ends(per_seconds: int) -> int:
    return (int(time.time()) // per_seconds + 1) * per_seconds


_COUNT = """INSERT INTO "accounts_ratecount" ("key", "window_ends", "count") {source}
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "accounts_ratecount"."window_ends" = excluded."window_ends"
        THEN "accounts_ratecount"."count" + 1 ELSE 1 END,
    "window_ends" = excluded."window_ends"
RETURNING "count"
"""

PRUNE_EVERY_SECONDS = 3600
_next_prune = time.monotonic() + PRUNE_EVERY_SECONDS


def limited(key_or_request, scope: str, limit: int, per_seconds: int) -> bool:
    """Count this event for the key (a request means its client address); True when over."""
    return count_if(key_or_request, scope, per_seconds) > limit


def count_if(key_or_request, scope: str, per_seconds: int, where: str = "", params=()):
    """Count this event for the key and return the count in this window. With `where`, a SQL
    condition (with `params`), count it only if the condition holds, in the same statement;
    None when it does not hold."""
    with prepared_cursor() as cursor:
        cursor.execute(*count_statement(key_or_request, scope, per_seconds, where, params))
        row = cursor.fetchone()
    return row[0] if row else None


def count_statement(key_or_request, scope: str, per_seconds: int, where: str = "", params=()):
    """The statement of `count_if` and its parameters, for a caller that runs it with more (an
    API call: screening/api/keys.py). It returns the count, or no row when `where` fails."""
    _prune_now_and_then()
    source = f"SELECT %s, %s, 1 WHERE {where}" if where else "VALUES (%s, %s, 1)"
    params = [_key(key_or_request, scope), _window_ends(per_seconds), *params]
    return _COUNT.format(source=source), params


def _prune_now_and_then() -> None:
    global _next_prune
    if time.monotonic() >= _next_prune:
        _next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        from .models import RateCount  # imported late: the audit app imports this module early

        RateCount.objects.filter(window_ends__lt=int(time.time())).delete()


def over_limit(key_or_request, scope: str, limit: int, per_seconds: int) -> bool:
    """Whether the key is already over `limit` in this window, without counting an event."""
    from .models import RateCount

    counted = RateCount.objects.filter(
        key=_key(key_or_request, scope), window_ends=_window_ends(per_seconds)
    )
    return (counted.values_list("count", flat=True).first() or 0) >= limit


def retry_after(per_seconds: int) -> int:
    """Seconds until the current window ends."""
    return per_seconds - int(time.time()) % per_seconds


def rate_limit(scope: str, key=None, methods=("POST",)):
    """Refuse a view's POSTs (`methods`) with 429 once the signed-in user (signed out: the client
    address; or `key(request)`) goes over RATE_LIMITS[scope] = (limit, per_seconds)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            limit, per_seconds = settings.RATE_LIMITS[scope]
            who = key(request) if key else _who(request)
            if limited(who, scope, limit, per_seconds):
                return too_many(request, per_seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _who(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return request


def too_many(request, per_seconds: int):
    """429, as JSON for a script and as a page for a person, with when to try again."""
    wait = retry_after(per_seconds)
    message = (
        f"Too many requests in a short time. Nothing was changed by this one: "
        f"try again in {wait} seconds."
    )
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "retry_after": wait}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response
