"""Who may reach which page: role checks and clinic scoping for views."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Role


def role_required(*roles: Role):
    """Let a view run only for members whose role is one of `roles`; others get 403.

    Sets `request.clinic` and `request.role` for the view. A logged-in user without a membership
    (a superuser who only administers) gets 403 too.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = getattr(request.user, "membership", None)
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
