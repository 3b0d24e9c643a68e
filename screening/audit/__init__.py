"""The audit trail: who did what to which record, when and from where. Append-only.

Every view that shows, changes or exports clinic data calls `audit.log(request, action, obj)`. An
event names the object by type and id only: no client data is ever written into the trail.
"""

from screening.accounts.ratelimit import FALLBACK_ADDRESS, client_ip


def client_address(request):
    """The client's address behind the trusted proxies (TRUSTED_PROXY_COUNT), or None."""
    if request is None:
        return None
    address = client_ip(request)
    return None if address == FALLBACK_ADDRESS else address


def log(request, action: str, obj=None, *, username: str = ""):
    """Record that the signed-in user did `action` (an AuditAction value) to `obj`, if given."""
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    clinic = getattr(request, "clinic", None)
    if clinic is None and user is not None:
        membership = getattr(user, "membership", None)
        clinic = membership.clinic if membership else None
    return log_event(
        action,
        user=user,
        clinic=clinic,
        obj=obj,
        remote_addr=client_address(request),
        username=username,
    )


def log_event(action: str, *, user, clinic, obj=None, remote_addr=None, username: str = ""):
    """Record an event outside a request (a service function); `log` is the request variant.

    `obj` is a model instance, or a model class for a list or a search of its rows (no id).
    """
    event = new_event(
        action, user=user, clinic=clinic, obj=obj, remote_addr=remote_addr, username=username
    )
    event.save()
    return event


def new_event(action: str, *, user, clinic, obj=None, remote_addr=None, username: str = ""):
    """The event `log_event` records, not yet written (for a statement that writes it with more:
    screening/api/keys.py)."""
    from .models import AuditEvent

    return AuditEvent(
        action=action,
        user=user,
        clinic=clinic,
        username=username or (user.get_username() if user is not None else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and not isinstance(obj, type) else "",
        remote_addr=remote_addr or None,
    )
