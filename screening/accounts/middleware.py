import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

LOGIN_AT_KEY = "login_at"


class SessionLifetimeMiddleware:
    """End a session SESSION_MAX_HOURS after login, however active (shared clinic computers).

    The idle limit is the session cookie age, renewed on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            login_at = request.session.setdefault(LOGIN_AT_KEY, time.time())
            if time.time() - login_at > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages may show client data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
