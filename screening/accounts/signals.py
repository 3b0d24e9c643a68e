import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .middleware import LOGIN_AT_KEY
from .models import UserSession
from .ratelimit import FALLBACK_ADDRESS, client_ip, limited
from .twofactor import remember_state


@receiver(user_logged_in)
def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()
        remember_state(request.session, user)
        remember_session(request, user)


def remember_session(request, user):
    if not request.session.session_key:
        request.session.save()
    address = client_ip(request)
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "address": None if address == FALLBACK_ADDRESS else address,
            "browser": "".join(c for c in request.headers.get("User-Agent", "") if c.isprintable())[
                :200
            ],
        },
    )


@receiver(user_login_failed)
def count_failure_per_address(sender, credentials, request=None, **kwargs):
    """Failures from one address across every username (axes counts per username and address)."""
    if request is not None:
        limited(request, "login_failed", settings.LOGIN_FAILURES_PER_ADDRESS, cooloff_seconds())


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME * 3600)
