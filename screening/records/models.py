from django.conf import settings
from django.db import models

from screening.accounts.models import Clinic, ClinicScopedQuerySet


class Outcome(models.TextChoices):
    PROCEED = "proceed", "Proceed"
    POSTPONE = "postpone", "Postpone"
    REFER = "refer", "Refer"


class Client(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    reference = models.CharField(
        max_length=100, blank=True, help_text="The clinic's own reference."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "date_of_birth"]
        indexes = [models.Index(fields=["clinic", "name"])]

    def __str__(self):
        return f"{self.name} ({self.date_of_birth:%d %b %Y})"


class RecordChangeRefused(Exception):
    """A finalised screening was about to be changed or deleted."""


class ScreeningQuerySet(ClinicScopedQuerySet):
    def update(self, **kwargs):
        raise RecordChangeRefused("Screening records cannot be changed; record an amendment.")

    def delete(self):
        raise RecordChangeRefused("Screening records cannot be deleted.")


class Screening(models.Model):
    """A finalised screening: the answers and the decision exactly as they were. Never changes."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="screenings")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="screenings")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    screened_on = models.DateField()
    intake = models.JSONField()
    decision = models.JSONField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rule_set_version = models.PositiveIntegerField()
    rescreen_after = models.DateField(null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "-created_at"]),
            models.Index(fields=["client", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="screening_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"Screening {self.pk} ({self.outcome})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordChangeRefused("Screening records cannot be changed; record an amendment.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordChangeRefused("Screening records cannot be deleted.")
