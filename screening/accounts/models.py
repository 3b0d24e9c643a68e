import hashlib

from django.conf import settings
from django.db import models
from django_otp.models import Device


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    RECORDS_KEEPER = "records_keeper", "Records keeper"
    RULES_ADMIN = "rules_admin", "Rules admin"
    MEDICAL_DIRECTOR = "medical_director", "Medical director"


class Membership(models.Model):
    """A user's place in one clinic, and the role that decides which pages they reach."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        help_text="Practitioners run consultations; records keepers search, export and amend the "
        "clinic's records; rules admins edit the installation's rules and medication vocabulary, "
        "and their clinic's own rules; medical directors approve (or reject) the clinic's rule "
        "changes before they take effect.",
    )
    approves_floor = models.BooleanField(
        default=False,
        help_text="Medical directors only: also approves changes to the installation's safety "
        "floor, the rules every clinic screens with.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(approves_floor=False) | models.Q(role="medical_director"),
                name="membership_floor_approver_is_medical_director",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class ClinicScopedQuerySet(models.QuerySet):
    """The one place clinic data is filtered: every view reads clinic data through `for_clinic`."""

    def for_clinic(self, clinic):
        return self.filter(clinic=clinic)


class RecoveryCodeDevice(Device):
    """A user's one-time recovery codes for two-factor sign-in, kept only as SHA-256 digests.

    Each code is 10 random base-32 characters (50 bits), so a fast hash is enough; a code is
    deleted when used.
    """

    def verify_token(self, token):
        match = self.codes.filter(digest=recovery_digest(token)).first()
        if match is None:
            return False
        match.delete()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"recovery code of {self.device.user}"


def recovery_digest(code: str) -> str:
    normalised = "".join(str(code).split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


class UserSession(models.Model):
    """Which session belongs to whom, written at sign-in, for "Your sessions"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    browser = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self):
        return f"{self.user} at {self.signed_in_at:%Y-%m-%d %H:%M}"


class RateCount(models.Model):
    """Requests counted against one rate limit (screening/accounts/ratelimit.py) in its current
    window: a row per scope and user, address or API key, shared by every app server."""

    key = models.CharField(max_length=255, primary_key=True, help_text="scope:who")
    window_ends = models.BigIntegerField(help_text="Unix time at which the counted window ends.")
    count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.key}: {self.count}"
