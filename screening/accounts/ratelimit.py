"""The client's real address behind trusted proxies, and rate limits on a cache shared by all
processes (the database cache by default; Redis when REDIS_URL is set, see README).

- `client_ip(request)`: with TRUSTED_PROXY_COUNT = 0 (the default) the address that connected,
  REMOTE_ADDR. With N proxies in front, each appends the address it saw to X-Forwarded-For, so the
  client is the Nth address from the right; anything to its left was written by the client and is
  not believed. A header that is missing, too short or malformed never overrides REMOTE_ADDR.
- `limited(key_or_request, scope, limit, per_seconds)`: count one event and say whether the key
  went over `limit` events in the current window of `per_seconds` (a fixed window).
"""

import ipaddress
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render

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


def _key(key_or_request, scope: str, per_seconds: int) -> str:
    key = client_ip(key_or_request) if isinstance(key_or_request, HttpRequest) else key_or_request
    window = int(time.time() // per_seconds)
    return f"ratelimit:{scope}:{window}:{key}"


def limited(key_or_request, scope: str, limit: int, per_seconds: int) -> bool:
    """Count this event for the key (a request means its client address); True when over."""
    key = _key(key_or_request, scope, per_seconds)
    cache.add(key, 0, timeout=per_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=per_seconds + 1)
        count = 1
    return count > limit


def over_limit(key_or_request, scope: str, limit: int, per_seconds: int) -> bool:
    """Whether the key is already over `limit` in this window, without counting an event."""
    return (cache.get(_key(key_or_request, scope, per_seconds)) or 0) >= limit


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
