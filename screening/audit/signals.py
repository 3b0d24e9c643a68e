from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import client_address, log_event
from .models import AuditAction


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    membership = getattr(user, "membership", None)
    log_event(
        AuditAction.LOGIN,
        user=user,
        clinic=membership.clinic if membership else None,
        remote_addr=client_address(request),
    )


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    # The username as typed, never the password (Django already masks it in `credentials`).
    log_event(
        AuditAction.LOGIN_FAILED,
        user=None,
        clinic=None,
        username=str(credentials.get("username", ""))[:150],
        remote_addr=client_address(request),
    )
