from importlib import import_module

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from . import twofactor
from .models import UserSession
from .ratelimit import limited, over_limit, too_many
from .signals import cooloff_seconds

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
CODE_TRIES = (10, 900)  # codes per user per 15 minutes, on top of django-otp's own throttling


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


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of sign-in: a code from the authenticator app or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not twofactor.has_authenticator(request.user):
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if limited(f"user:{request.user.pk}", "otp_verify", *CODE_TRIES):
            return too_many(request, CODE_TRIES[1])
        device = twofactor.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", "That code is not right, or has expired: try the newest one.")
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol an authenticator (QR code and the secret as text, confirmed by a code), or, once
    enrolled, see how many recovery codes are left and make new ones."""
    user = request.user
    enrolled = twofactor.has_authenticator(user)
    if enrolled and not user.is_verified():
        return redirect("accounts:verify")
    if enrolled:
        context = {"enrolled": True, "codes_left": twofactor.recovery_codes_left(user)}
        return render(request, "accounts/two_factor.html", context)
    device = twofactor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if limited(f"user:{user.pk}", "otp_verify", *CODE_TRIES):
            return too_many(request, CODE_TRIES[1])
        if device.verify_token("".join(form.cleaned_data["code"].split())):
            codes = twofactor.confirm_authenticator(device)
            otp_login(request, device)
            request.session[twofactor.STATE_KEY] = twofactor.NEEDS_CODE
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", "That code is not right: check the app shows this account.")
    context = {
        "form": form,
        "required": twofactor.required_for(user),
        "secret": twofactor.secret_text(device),
        "qr": twofactor.qr_data_uri(device),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def new_recovery_codes(request):
    if not (request.user.is_verified() and twofactor.has_authenticator(request.user)):
        return redirect("accounts:two_factor")
    codes = twofactor.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


def _live_sessions(user):
    """The user's sessions that have not ended (rows of ended sessions are removed)."""
    rows = list(UserSession.objects.filter(user=user))
    store = SessionStore()
    live = [row for row in rows if store.exists(row.session_key)]
    UserSession.objects.filter(pk__in=[r.pk for r in rows if r not in live]).delete()
    return live


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request):
    """Your sessions: where you are signed in, and ending the others."""
    current = request.session.session_key
    if request.method == "POST":
        ending = [
            row
            for row in _live_sessions(request.user)
            if row.session_key != current
            and (request.POST.get("session") in (str(row.pk), "others"))
        ]
        for row in ending:
            SessionStore(session_key=row.session_key).delete()
            row.delete()
        messages.success(
            request, f"Ended {len(ending)} other session{'s' if len(ending) != 1 else ''}."
        )
        return redirect("accounts:sessions")
    rows = [
        {"row": row, "current": row.session_key == current} for row in _live_sessions(request.user)
    ]
    return render(request, "accounts/sessions.html", {"rows": rows})
