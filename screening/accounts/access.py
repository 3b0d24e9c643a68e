"""Who may reach which page: role checks and clinic scoping for views."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Membership, Role


def membership_of(user) -> Membership | None:
    """The user's membership and clinic, in one query; kept on the user as `user.membership`."""
    cache = get_user_model().membership.related  # user may be a lazy object: not type(user)
    if not cache.is_cached(user):
        member = Membership.objects.select_related("clinic").filter(user=user).first()
        if member is not None:
            member.user = user
        cache.set_cached_value(user, member)
    return getattr(user, "membership", None)


def role_required(*roles: Role):
    """Let a view run only for members whose role is one of `roles`; others get 403.

    Sets `request.clinic` and `request.role` for the view. A logged-in user without a membership
    (a superuser who only administers) gets 403 too.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = membership_of(request.user) if request.user.is_authenticated else None
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            request.clinic = membership.clinic
            request.role = membership.role
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_clinic_object_or_404(model, request, **lookup):
    """Fetch one row of `model` in the request's clinic; another clinic's row is a 404."""
    return get_object_or_404(model.objects.for_clinic(request.clinic), **lookup)
