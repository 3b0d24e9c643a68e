from django.conf import settings
from django.db import models
from django.utils import timezone

from screening.accounts.models import Clinic, ClinicScopedQuerySet
from screening.immutable import protect_triggers


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    CREATED = "created", "Created"
    AMENDED = "amended", "Amended"
    OVERRODE = "overrode", "Overrode the outcome"
    PRINTED = "printed", "Printed"
    EXPORTED = "exported", "Exported"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    EVALUATED = "evaluated", "Asked for an evaluation (nothing saved)"
    CARD_FEEDBACK = "card_feedback", "Reported what was done with a CDS card"
    KEY_CREATED = "key_created", "Created an API key"
    KEY_REVOKED = "key_revoked", "Revoked an API key"
    SEARCHED = "searched", "Searched (the terms are not kept)"
    INVITED = "invited", "Invited a client to answer before the visit"
    INVITE_OPENED = "invite_opened", "The client opened an invitation"
    INVITE_SUBMITTED = "invite_submitted", "The client submitted an invitation's answers"
    INVITE_REVOKED = "invite_revoked", "Revoked an invitation"
    DRAFT_DISCARDED = "draft_discarded", "Discarded an unfinished consultation"
    RULES_REQUESTED = "rules_requested", "Asked for a rules publish to be approved"
    RULES_APPROVED = "rules_approved", "Approved a rules publish"
    RULES_REJECTED = "rules_rejected", "Rejected a rules publish"


class AuditChangeRefused(Exception):
    """An audit event was about to be changed or deleted: the trail is append-only."""


class AuditEventQuerySet(ClinicScopedQuerySet):
    def update(self, **kwargs):
        raise AuditChangeRefused("The audit trail cannot be changed.")

    def delete(self):
        raise AuditChangeRefused("The audit trail cannot be deleted.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditChangeRefused("Audit events are written one at a time, each into the chain.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One thing someone did. Object type and id only: never client data (names, answers)."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="Empty for a failed sign-in with an unknown username.",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The username as typed (kept for failed sign-ins)."
    )
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(
        max_length=100,
        blank=True,
        help_text="app_label.model of the object, e.g. records.screening.",
    )
    object_id = models.CharField(max_length=64, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditChangeRefused("The audit trail cannot be changed.")
        from .chain import append  # every event is written into its clinic's chain

        append(self, lambda: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise AuditChangeRefused("The audit trail cannot be deleted.")


class ChainHead(models.Model):
    """The newest link of one chain: a clinic's events, or (chain 0) events without a clinic.

    Its row is locked while an event of the chain is written, which orders that clinic's events
    and no other's. It is the one table of the trail that is updated.
    """

    chain = models.BigIntegerField(primary_key=True, help_text="The clinic's id; 0 for none.")
    length = models.PositiveBigIntegerField(default=0)
    last_event_id = models.BigIntegerField(null=True)
    previous_hash = models.CharField(
        max_length=64, default="", help_text="The hash before the last one (returned on a move)."
    )
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"Chain {self.chain}: {self.length} events"


class AuditLink(models.Model):
    """An event's place in its chain: written with the event, never changed (see chain.py)."""

    event = models.OneToOneField(
        AuditEvent, primary_key=True, on_delete=models.PROTECT, related_name="link"
    )
    chain = models.BigIntegerField()
    position = models.PositiveBigIntegerField(help_text="1 for the chain's first event.")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="audit_link_position"),
        ]
        triggers = protect_triggers()

    def __str__(self):
        return f"Event {self.event_id}: {self.chain}/{self.position}"
