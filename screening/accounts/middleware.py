import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .twofactor import NEEDS_CODE, OPTIONAL, STATE_KEY, remember_state

LOGIN_AT_KEY = "login_at"
SEEN_AT_KEY = "seen_at"
# How stale the "last seen" time may get: the session is written at most this often, not on
# every request, so an idle session ends between SESSION_IDLE_MINUTES less this and the full limit.
SEEN_EVERY_SECONDS = 60


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_MINUTES idle, or SESSION_MAX_HOURS after login however
    active (shared clinic computers).

    The last request's time is kept in the session, refreshed once a SEEN_EVERY_SECONDS: most
    requests read the session and write nothing (SESSION_SAVE_EVERY_REQUEST is off). The
    session's own expiry (SESSION_COOKIE_AGE, renewed when it is written) backs the check up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session, now = request.session, time.time()
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            seen_at = session.get(SEEN_AT_KEY, now)
            too_old = now - login_at > settings.SESSION_MAX_HOURS * 3600
            if too_old or now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
            if now - seen_at >= SEEN_EVERY_SECONDS or SEEN_AT_KEY not in session:
                session[SEEN_AT_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """No browser or proxy may keep a copy of anything the app answers: signed-in pages, the
    client's own form and API answers (signed in by a key, not a session) may all hold client
    data. Static files are served above this, by WhiteNoise, and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class TwoFactorMiddleware:
    """After the password: ask for the code, or send a user who must enrol to enrol, before any
    other page. Users for whom two-factor sign-in is optional and who have not enrolled pass."""

    OPEN_PATHS = ("accounts:verify", "accounts:two_factor", "logout", "csp_report")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        state = request.session.get(STATE_KEY) or remember_state(request.session, user)
        if state == OPTIONAL or self.is_open(request):
            return self.get_response(request)
        target = "accounts:verify" if state == NEEDS_CODE else "accounts:two_factor"
        return redirect_to_login(request.get_full_path(), reverse(target))

    def is_open(self, request):
        return any(request.path == reverse(name) for name in self.OPEN_PATHS)
