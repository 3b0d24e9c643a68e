from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history import register as register_history

from screening.accounts.models import Clinic, ClinicScopedQuerySet
from screening.immutable import protect_triggers
from screening.rules.models import Outcome


def decided_fields(decision: dict, version: int) -> dict:
    """The columns a decision fills in a screening or an amendment: the one mapping of the two."""
    rescreen_after = decision["rescreen_after"]
    return {
        "decision": decision,
        "outcome": decision["outcome"],
        "rule_set_version": version,
        "rescreen_after": datetime.date.fromisoformat(rescreen_after) if rescreen_after else None,
    }


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
        # Name search on PostgreSQL also has a trigram index on lower(name): migration 0002.
        indexes = [
            models.Index(fields=["clinic", "name"]),
            models.Index(fields=["clinic", "date_of_birth"], name="client_clinic_born_idx"),
            models.Index("clinic", Lower("reference"), name="client_clinic_reference_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.date_of_birth:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("records:client_detail", args=[self.pk])


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
    none_applied = models.JSONField(
        default=list,
        blank=True,
        help_text='The sections answered with "None of these apply": each section\'s title and '
        "the intake fields whose answer that button gave (a list of {section, fields}), with "
        'all_at_once true when "None of these apply in any section below" gave them.',
    )

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Keyset pages of the records list and a client's history read these in index order.
        indexes = [
            models.Index(
                fields=["clinic", "-created_at", "-id"], name="screening_clinic_newest_idx"
            ),
            models.Index(
                fields=["client", "-created_at", "-id"], name="screening_client_newest_idx"
            ),
            models.Index(
                fields=["clinic", "rescreen_after"],
                condition=models.Q(outcome="postpone"),
                name="screening_postponed_idx",
            ),
            # The dashboard's outcomes per day, counted from the index alone.
            models.Index(fields=["clinic", "screened_on", "outcome"], name="screening_day_idx"),
            # The dashboard's count of re-screens due walks the newest postponements (whose
            # clients are most likely to have had no screening since) in this index alone.
            models.Index(
                fields=["clinic", "-created_at", "-id"],
                include=["client", "rescreen_after"],
                condition=models.Q(outcome="postpone"),
                name="screening_postponed_newest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="screening_outcome_valid"
            ),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Screening {self.pk} ({self.outcome})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordChangeRefused("Screening records cannot be changed; record an amendment.")
        with transaction.atomic(savepoint=False):  # the caller's transaction, if any
            super().save(*args, **kwargs)
            FindingCode.objects.bulk_create(FindingCode.rows_for([self]))

    def get_absolute_url(self):
        return reverse("records:screening_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise RecordChangeRefused("Screening records cannot be deleted.")


class FindingCode(models.Model):
    """A precaution code of a screening's decision, one row per code, written with the screening.

    The records list filtered by a code walks this table's index, newest first (``created_at``
    is the screening's), and reads one page of screenings: as fast for a code that no screening
    has as for one that most have. ``Screening.objects.bulk_create`` skips ``save``: write the
    rows with ``rows_for`` after it.
    """

    # No index of their own: the indexes below start with them.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", db_index=False)
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, related_name="finding_codes", db_index=False
    )
    code = models.CharField(max_length=64)
    created_at = models.DateTimeField(help_text="The screening's, so the list's order is here.")
    screened_on = models.DateField(help_text="The screening's, for the dashboard's weeks.")

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["clinic", "code", "-created_at", "-screening"],
                name="finding_code_newest_idx",
            ),
            # The dashboard's precautions of recent weeks, counted from the index alone.
            models.Index(fields=["clinic", "screened_on", "code"], name="finding_code_day_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["screening", "code"], name="finding_code_unique"),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"{self.code} in screening {self.screening_id}"

    @classmethod
    def rows_for(cls, screenings) -> list[FindingCode]:
        """The rows of saved screenings, one per distinct code of their decisions."""
        return [
            cls(
                clinic_id=screening.clinic_id,
                screening_id=screening.pk,
                code=code,
                created_at=screening.created_at,
                screened_on=screening.screened_on,
            )
            for screening in screenings
            for code in codes_of(screening.decision)
        ]


def codes_of(decision: dict) -> list[str]:
    """The distinct precaution codes of a decision's findings, in order."""
    return sorted({finding["rule"] for finding in decision.get("findings", [])})


# Amendments and overrides (corrections). Both are append-only, like Screening: a correction is a
# new row beside the original, which stays as it was.


class AppendOnlyQuerySet(ClinicScopedQuerySet):
    def update(self, **kwargs):
        raise RecordChangeRefused("Corrections cannot be changed; record a new one.")

    def delete(self):
        raise RecordChangeRefused("Corrections cannot be deleted.")


class AppendOnlyRecord(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordChangeRefused("Corrections cannot be changed; record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordChangeRefused("Corrections cannot be deleted.")


class Amendment(AppendOnlyRecord):
    """Corrected answers for a screening, decided again; the original screening is untouched."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="amendments")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(help_text="Why the answers were corrected (shown on the record).")
    intake = models.JSONField(help_text="The full corrected intake.")
    decision = models.JSONField(help_text="The decision for the corrected intake.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rule_set_version = models.PositiveIntegerField()
    rescreen_after = models.DateField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["screening", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="amendment_outcome_valid"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="amendment_reason_given"),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Amendment {self.pk} of screening {self.screening_id} ({self.outcome})"


class OverrideReason(models.TextChoices):
    CLEARANCE_LETTER = "clearance_letter", "Clearance letter received"
    PRESCRIBER_APPROVED = "prescriber_approved", "Prescriber approved treatment"
    CONDITION_RESOLVED = "condition_resolved", "Condition has resolved"
    OTHER = "other", "Other (explained in the comment)"


class Override(AppendOnlyRecord):
    """A records keeper's clinical override of the outcome, beside the computed decision."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="overrides")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="overrides")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="overrides"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        help_text="The outcome the rules gave (the latest amendment's, if any) when overridden.",
    )
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, help_text="The outcome decided by the clinician."
    )
    overridden_rules = models.JSONField(
        default=list,
        blank=True,
        help_text="Precaution codes of the refer and postpone findings set aside by this override.",
    )
    reason_code = models.CharField(max_length=30, choices=OverrideReason.choices)
    comment = models.TextField(help_text="The clinician's explanation (required).")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["clinic", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason_code__in=OverrideReason.values),
                name="override_reason_code_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values)
                & models.Q(computed_outcome__in=Outcome.values),
                name="override_outcomes_valid",
            ),
            models.CheckConstraint(condition=~models.Q(comment=""), name="override_comment_given"),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Override {self.pk} of screening {self.screening_id} ({self.outcome})"


class OutcomeInForce(models.Model):
    """The outcome in force of a corrected, overridden or followed-up screening: the latest
    override's, else the latest amendment's, else the screening's; and its re-screen date, the
    rules' or else the latest follow-up date. One row per such screening (none: the original
    decision is in force), written in the same transaction as the amendment, override or
    follow-up, so that lists read it with a join instead of the corrections. Screenings,
    amendments, overrides and follow-ups never change; this row is replaced as they are added."""

    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, primary_key=True, related_name="in_force"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rescreen_after = models.DateField(null=True, blank=True)
    corrected = models.BooleanField(default=False, help_text="Its answers were corrected.")
    overridden = models.BooleanField(default=False, help_text="A clinician set its outcome.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "outcomes in force"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="in_force_outcome_valid"
            )
        ]

    def __str__(self):
        return f"Screening {self.screening_id}: {self.outcome} in force"


def in_force_of(screening: Screening) -> dict:
    """What is in force for a screening: its outcome, re-screen date and how it came to be."""
    try:
        row = screening.in_force
    except OutcomeInForce.DoesNotExist:
        row = None
    if row is None:
        return {
            "outcome": screening.outcome,
            "rescreen_after": screening.rescreen_after,
            "mark": "",
            "row": None,
        }
    return {
        "outcome": row.outcome,
        "rescreen_after": row.rescreen_after,
        "mark": "Overridden" if row.overridden else "Corrected" if row.corrected else "",
        "row": row,
    }


class FollowUp(AppendOnlyRecord):
    """A follow-up date for a postponement the rules give no date (a cold sore: "until it has
    healed"), set by the practitioner so that the client comes up on the due list. A changed date
    is a new row; the latest is in force."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(
        help_text="From this day the client is listed as due for a re-screen."
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["screening", "created_at"])]
        triggers = protect_triggers()

    def __str__(self):
        return f"Follow-up of screening {self.screening_id} on {self.due_on}"


# Model history of the one editable clinic record: every change to a client is kept.
register_history(Client)


class CardFeedback(AppendOnlyRecord):
    """What a booking system's user did with a CDS Hooks card: accepted it or overrode it.

    No screening record exists for a CDS Hooks call; overridden cards count beside the records'
    overrides in the dashboard's "overridden most" list."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        OVERRIDDEN = "overridden", "Overridden"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="card_feedback")
    created_at = models.DateTimeField(auto_now_add=True)
    card = models.UUIDField(help_text="The card's uuid, as the CDS service gave it.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rules = models.JSONField(default=list, help_text="Precaution codes the card was about.")
    reason_code = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "outcome"], name="card_feedback_outcome_idx")]
        triggers = protect_triggers()

    def __str__(self):
        return f"Card {self.card} {self.outcome}"


class ClientAnswers(AppendOnlyRecord):
    """The answers a client sent from an invitation before the visit, for the screening the
    practitioner made from them. Beside the screening's own intake it tells, for every answer,
    whether the client gave it or the practitioner changed it (records.provenance)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, related_name="client_answers"
    )
    intake = models.JSONField(help_text="The client's answers as an intake, as they sent them.")
    sent_at = models.DateTimeField(help_text="When the client sent them.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "client answers"
        triggers = protect_triggers()

    def __str__(self):
        return f"The client's answers for screening {self.screening_id}"


# Consent to treatment lives in its own module; imported here so that Django finds its models.
from .models_consent import Consent, ConsentText  # noqa: E402, F401
