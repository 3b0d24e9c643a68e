"""Two-factor sign-in: who must use it, where a signed-in user is sent, recovery codes, sessions.

After the password, a user with an authenticator enrolled is asked for a code (or a recovery
code); a user who must use two-factor sign-in (OTP_REQUIRED_ROLES, superusers) and has not enrolled
is sent to enrol first. What applies is worked out once at sign-in and kept in the session, so
that a signed-in page costs no extra query.
"""

import base64
import secrets

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice, recovery_digest

STATE_KEY = "two_factor"
NEEDS_CODE, NEEDS_ENROL, OPTIONAL = "needs_code", "needs_enrol", "optional"
RECOVERY_CODES = 10
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def required_for(user) -> bool:
    if user.is_superuser:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in settings.OTP_REQUIRED_ROLES


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_for(user) -> str:
    if has_authenticator(user):
        return NEEDS_CODE
    return NEEDS_ENROL if required_for(user) else OPTIONAL


def remember_state(session: SessionBase, user) -> str:
    session[STATE_KEY] = state = state_for(user)
    return state


def verify(user, code: str):
    """The confirmed device (authenticator or recovery codes) that accepts `code`, or None."""
    code = "".join(str(code).split())
    if not code or len(code) > 20:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being enrolled: made once, shown until its first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


@transaction.atomic
def confirm_authenticator(device: TOTPDevice) -> list[str]:
    """Make `device` the user's one authenticator and give them new recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; the codes are returned once and kept only hashed."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_digest(code)) for code in codes
    )
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()
