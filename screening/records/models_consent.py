"""Consent to treatment: the clinic's consent text, versioned, and each client's signed consent.

Both are append-only like the screening: a new wording is a new version, a consent is never
changed or deleted (the database refuses it too, see screening/immutable.py).
"""

import hashlib

from django.conf import settings
from django.db import models

from screening.accounts.models import Clinic
from screening.immutable import protect_triggers

from .models import AppendOnlyQuerySet, AppendOnlyRecord, Screening


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentText(AppendOnlyRecord):
    """One version of a clinic's consent wording. Editing it saves the next version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consent_texts")
    version = models.PositiveIntegerField()
    text = models.TextField(
        help_text="What the client reads before signing: plain words, paragraphs separated by a "
        "blank line. The record's precautions are listed under it on the consent page."
    )
    sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the default wording the clinic started with.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "version"], name="consent_text_version"),
            models.CheckConstraint(condition=~models.Q(text=""), name="consent_text_given"),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Consent text v{self.version} of {self.clinic}"

    def save(self, *args, **kwargs):
        self.sha256 = text_hash(self.text)
        super().save(*args, **kwargs)


class Consent(AppendOnlyRecord):
    """A client's consent to the treatment a screening allowed, and the practitioner's
    countersignature. It keeps everything it rests on: the text's version and hash, the
    precautions shown, the signature and the names and times."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consents")
    screening = models.OneToOneField(Screening, on_delete=models.PROTECT, related_name="consent")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    text_version = models.PositiveIntegerField()
    text_sha256 = models.CharField(max_length=64)
    cautions = models.JSONField(
        default=list, help_text="The precautions listed under the text: rule, title, message."
    )
    outcome_in_force = models.CharField(max_length=10)
    follows_override = models.BooleanField(
        default=False, help_text="The rules did not give proceed: a clinician's override did."
    )
    client_name = models.CharField(max_length=200)
    signature_png = models.BinaryField(
        null=True, blank=True, help_text="The signature drawn on the screen, as a PNG image."
    )
    typed_name = models.CharField(
        max_length=200, blank=True, help_text="The full name typed instead of drawing."
    )
    client_signed_at = models.DateTimeField()
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="countersigned_consents"
    )
    practitioner_name = models.CharField(max_length=300)
    countersigned_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signature_png__isnull=False) | ~models.Q(typed_name=""),
                name="consent_signed",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome_in_force="proceed"), name="consent_only_to_proceed"
            ),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Consent to screening {self.screening_id}"
