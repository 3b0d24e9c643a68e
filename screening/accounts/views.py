from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .ratelimit import over_limit
from .signals import cooloff_seconds


@login_required
def home(request):
    """One home page whose content follows the signed-in member's role."""
    return render(request, "accounts/home.html")


class LoginView(auth_views.LoginView):
    """Sign-in, paused for an address that has failed too often across usernames."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        limit = settings.LOGIN_FAILURES_PER_ADDRESS
        if over_limit(request, "login_failed", limit, cooloff_seconds()):
            return render(
                request, "registration/locked_out.html", {"per_address": True}, status=429
            )
        return super().post(request, *args, **kwargs)
