"""Two-factor sign-in through the pages, longer passwords, and "Your sessions"."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts.models import RecoveryCode, Role
from tests.conftest import PASSWORD, make_member

LOGIN, HOME = reverse("login"), reverse("home")
VERIFY, ENROL = reverse("accounts:verify"), reverse("accounts:two_factor")
SESSIONS = reverse("accounts:sessions")


def code_of(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def sign_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client.get(HOME)


def enrol(client, user):
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_of(device)})
    return page, response, device


@pytest.mark.parametrize("role", [Role.RECORDS_KEEPER, Role.RULES_ADMIN])
def test_a_role_that_requires_it_must_enrol_before_anything_else(client, clinic, role):
    user = make_member(clinic, role)

    home = sign_in(client, user)

    assert home.status_code == 302
    assert home["Location"].startswith(ENROL)
    assert client.get(reverse("records:screening_list"))["Location"].startswith(ENROL)
    page, response, device = enrol(client, user)
    assert b"Your role requires two-factor sign-in" in page.content
    assert b'src="data:image/svg+xml' in page.content
    secret = re.search(rb'id="totp-secret">([A-Z2-7 ]+)<', page.content).group(1)
    assert len(secret.replace(b" ", b"")) >= 32
    assert response.status_code == 200
    codes = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", response.content.decode())
    assert len(codes) == 10
    # Kept only hashed: no code appears in the database.
    digests = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(digests) == 10 and not {c.replace("-", "") for c in codes} & digests
    assert client.get(HOME).status_code == 200


def test_a_superuser_must_enrol_too(client, db):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert sign_in(client, root)["Location"].startswith(ENROL)
    assert client.get(reverse("admin:index"))["Location"].startswith(ENROL)


def enrolled(clinic, role=Role.RECORDS_KEEPER):
    """A user who enrolled in an earlier session, with their authenticator and recovery codes."""
    user = make_member(clinic, role)
    first = Client()
    sign_in(first, user)
    _, response, device = enrol(first, user)
    codes = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", response.content.decode())
    device.refresh_from_db()
    device.last_t = -1  # the next test's code may fall in the same 30 seconds
    device.save()
    return user, device, codes


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # django-otp waits 1 s, 2 s, 4 s... after a miss
def test_an_enrolled_user_gives_the_password_then_the_code(client, clinic):
    user, device, _ = enrolled(clinic)

    home = sign_in(client, user)
    assert home["Location"].startswith(VERIFY)
    wrong = client.post(
        home["Location"], {"code": "000000" if code_of(device) != "000000" else "1"}
    )
    assert b"That code is not right" in wrong.content
    assert client.get(HOME).status_code == 302

    right = client.post(home["Location"], {"code": code_of(device)})

    assert right.status_code == 302 and right["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_a_recovery_code_signs_in_once(client, clinic):
    user, _, codes = enrolled(clinic)
    sign_in(client, user)
    assert client.post(VERIFY, {"code": codes[0].lower()}).status_code == 302
    assert client.get(HOME).status_code == 200

    again = Client()
    sign_in(again, user)
    assert b"That code is not right" in again.post(VERIFY, {"code": codes[0]}).content
    assert RecoveryCode.objects.filter(device__user=user).count() == 9


def test_a_practitioner_may_go_on_without_it_and_may_turn_it_on(client, clinic):
    nurse = make_member(clinic, Role.PRACTITIONER)
    assert sign_in(client, nurse).status_code == 200
    page, response, _ = enrol(client, nurse)
    assert b"optional for you" in page.content
    assert response.status_code == 200

    later = Client()
    assert sign_in(later, nurse)["Location"].startswith(VERIFY)


@override_settings(OTP_REQUIRED_ROLES=[])
def test_the_roles_that_require_it_are_a_setting(client, clinic):
    assert sign_in(client, make_member(clinic, Role.RECORDS_KEEPER)).status_code == 200


@override_settings(RATE_LIMITS={"otp_verify": (3, 900)})
def test_guessing_codes_is_limited(client, clinic):
    user, _, _ = enrolled(clinic)
    sign_in(client, user)
    statuses = [client.post(VERIFY, {"code": f"12345{n}"}).status_code for n in range(12)]
    assert 429 in statuses


def test_junk_codes_get_a_message_not_an_error(client, clinic):
    user, _, _ = enrolled(clinic)
    sign_in(client, user)
    for junk in ["", "x" * 500, "12\x0034", "１２３４５６", "12 34 56"]:
        response = client.post(VERIFY, {"code": junk})
        assert response.status_code == 200, junk
    form = "application/x-www-form-urlencoded"
    for raw in ["code=%ED%A0%80", "code=%FF%FE", "code[]=1&code=2"]:
        assert client.post(VERIFY, raw, content_type=form).status_code == 200, raw


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")
    validate_password("a much longer passphrase")


@pytest.mark.django_db
def test_demo_passwords_pass_the_validators():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    passwords = re.findall(r"^\s*demo_\w+\s+(\S+)", out.getvalue(), re.MULTILINE)
    assert len(passwords) == 4  # one per role
    for password in passwords:
        validate_password(password)


def test_a_user_sees_their_sessions_and_ends_the_others(clinic):
    nurse = make_member(clinic, Role.PRACTITIONER)
    laptop, desk = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Desk browser")
    sign_in(laptop, nurse)
    sign_in(desk, nurse)

    page = desk.get(SESSIONS).content.decode()
    assert "Laptop browser" in page and "Desk browser" in page and "This session" in page

    desk.post(SESSIONS, {"session": "others"})

    assert laptop.get(HOME)["Location"].startswith(LOGIN)
    assert desk.get(HOME).status_code == 200
    assert "Laptop browser" not in desk.get(SESSIONS).content.decode()


def test_a_user_cannot_end_someone_elses_session(clinic):
    nurse, other = make_member(clinic, Role.PRACTITIONER), make_member(clinic, Role.PRACTITIONER)
    theirs, mine = Client(), Client()
    sign_in(theirs, other)
    sign_in(mine, nurse)
    from screening.accounts.models import UserSession

    their_row = UserSession.objects.get(user=other)
    mine.post(SESSIONS, {"session": str(their_row.pk)})
    assert theirs.get(HOME).status_code == 200
