from django.conf import settings
from django.db import models


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
        "clinic's records; rules admins edit the installation's rules and medication vocabulary.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class ClinicScopedQuerySet(models.QuerySet):
    """The one place clinic data is filtered: every view reads clinic data through `for_clinic`."""

    def for_clinic(self, clinic):
        return self.filter(clinic=clinic)
