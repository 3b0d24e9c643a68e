import uuid

from django.conf import settings
from django.db import models
from simple_history import register as register_history

from screening import engine
from screening.accounts.models import Clinic


class PublishedRuleSetReadOnly(Exception):
    """A published rule set, or a rule, class or name in it, was about to be changed."""


READ_ONLY = "Published rule sets are read-only: edit the draft, or start one from this version."


def _refuse_if_published(rule_set_id):
    if RuleSet.objects.filter(pk=rule_set_id, status=RuleSetStatus.PUBLISHED).exists():
        raise PublishedRuleSetReadOnly(READ_ONLY)


class RuleSetQuerySet(models.QuerySet):
    """Bulk writes refuse published rule sets, as ``save`` and ``delete`` do."""

    published_lookup = "status"

    def update(self, **kwargs):
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_published()
        return super().delete()

    def _refuse_published(self):
        if self.filter(**{self.published_lookup: RuleSetStatus.PUBLISHED}).exists():
            raise PublishedRuleSetReadOnly(READ_ONLY)


class DraftChildQuerySet(RuleSetQuerySet):
    published_lookup = "rule_set__status"


class DraftChildMixin:
    """Rules, classes and names of a published set never change."""

    def save(self, *args, **kwargs):
        _refuse_if_published(self.rule_set_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published(self.rule_set_id)
        return super().delete(*args, **kwargs)


# The engine's outcomes as choices: Outcome.PROCEED == "proceed", labelled "Proceed".
Outcome = models.TextChoices(
    "Outcome", [(outcome.upper(), (outcome, outcome.capitalize())) for outcome in engine.OUTCOMES]
)


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Action(models.TextChoices):
    REFER = "refer", "Refer"
    POSTPONE = "postpone", "Postpone"
    CAUTION = "caution", "Caution"


class RuleSet(models.Model):
    """One version of the rules and medication vocabulary. Published versions never change.

    Without a clinic it is a version of the safety floor, the installation's rules. With one it
    is a version of that clinic's layer: rules added on top of the floor (stricter only), and
    medication names added to the floor's vocabulary. Each is numbered 1, 2, 3... on its own.
    """

    clinic = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_layers",
        help_text="Empty for the safety floor; else the clinic whose layer this is.",
    )
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    note = models.TextField(blank=True, help_text="What changed in this version, and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copied_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version this one started as a copy of."
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Raised on every vocabulary edit of a draft, to catch stale saves."
    )

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RuleSetStatus.values), name="ruleset_status_valid"
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(clinic__isnull=True),
                name="ruleset_floor_version_unique",
            ),
            models.UniqueConstraint(
                fields=["clinic", "version"],
                condition=models.Q(clinic__isnull=False),
                name="ruleset_layer_version_unique",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft", clinic__isnull=True),
                name="ruleset_one_draft",
            ),
            models.UniqueConstraint(
                fields=["clinic"],
                condition=models.Q(status="draft", clinic__isnull=False),
                name="ruleset_one_layer_draft",
            ),
        ]

    def __str__(self):
        layer = f"{self.clinic} layer " if self.clinic_id else ""
        return f"Rule set {layer}v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            _refuse_if_published(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published(self.pk)
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self):
        return self.status == RuleSetStatus.DRAFT

    @property
    def is_layer(self):
        return self.clinic_id is not None


class Rule(DraftChildMixin, models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    key = models.UUIDField(
        default=uuid.uuid4,
        help_text="Identifies the rule across versions (copied into drafts), for the diff.",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Raised on every save, to catch a second admin's stale save."
    )
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=64, help_text="The precaution code, e.g. PSORIASIS.")
    title = models.CharField(
        max_length=120, blank=True, help_text='For people, e.g. "Family history of vitiligo".'
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    message = models.TextField(help_text="What the practitioner reads. Plain text.")
    client_message = models.TextField(help_text="What to tell the client, in plain words.")
    wait_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Postpone only: the wait before re-screening, in wait_unit.",
    )
    wait_unit = models.CharField(
        max_length=6,
        choices=[("days", "days"), ("months", "calendar months")],
        default="days",
        help_text="Days, or calendar months (six months after 15 March is 15 September).",
    )
    wait_from = models.CharField(
        max_length=64, blank=True, help_text="Postpone only: count the wait from this event."
    )
    source = models.CharField(max_length=300)
    source_section = models.CharField(max_length=300, blank=True)
    condition = models.JSONField()
    reviewed_on = models.DateField(
        null=True, blank=True, help_text="When this rule was last checked against its sources."
    )
    overrides = models.UUIDField(
        null=True,
        blank=True,
        help_text="Clinic layers only: the key of the floor rule this rule makes stricter "
        "(same code and condition; a more severe action or a longer wait).",
    )

    objects = DraftChildQuerySet.as_manager()

    class Meta:
        ordering = ["rule_set", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="rule_action_valid"
            ),
            models.UniqueConstraint(fields=["rule_set", "key"], name="rule_key_unique"),
        ]

    def __str__(self):
        return f"{self.code} ({self.action})"


class MedicationClass(DraftChildMixin, models.Model):
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="medication_classes"
    )
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    precaution = models.CharField(max_length=64, blank=True)

    objects = DraftChildQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "medication classes"
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="medication_class_unique"),
        ]

    def __str__(self):
        return self.label


class MedicationName(DraftChildMixin, models.Model):
    """A name a client may write (generic, brand or misspelling), its generic name and classes."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="medication_names")
    name = models.CharField(max_length=200)
    generic = models.CharField(max_length=200)
    classes = models.JSONField(default=list, blank=True)

    objects = DraftChildQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "name"], name="medication_name_unique"),
        ]

    def __str__(self):
        return self.name


class Scenario(models.Model):
    """An intake with the outcome and precautions it must get; every publish runs them all."""

    name = models.CharField(max_length=200, unique=True)
    intake = models.JSONField(help_text="A complete intake, as INTAKE.md defines it.")
    expected_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    required_codes = models.JSONField(
        default=list, blank=True, help_text="Precaution codes that must be among the findings."
    )
    active = models.BooleanField(default=True)
    clinic = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: a floor scenario, run with the floor and with every clinic's layer. "
        "Else one clinic's scenario, run with its layer only.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_outcome__in=Outcome.values),
                name="scenario_outcome_valid",
            ),
        ]

    def __str__(self):
        return self.name


class ImpactRun(models.Model):
    """What a draft would decide for past screenings, computed chunk by chunk by a task."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="impact_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    clinic_id = models.PositiveIntegerField(
        null=True, help_text="The clinic whose changed records are listed."
    )
    signature = models.CharField(max_length=64, help_text="The draft as it was evaluated.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    unreadable = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=dict, help_text="'before->after' -> count, all clinics.")
    own_changes = models.JSONField(default=list, help_text="The clinic's changed records.")
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task computing it; empty before."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Impact of v{self.rule_set.version} ({self.done} of {self.total})"

    @property
    def finished(self):
        return self.finished_at is not None


# Scenarios guard every publish: each change to one is kept, with who made it.
register_history(Scenario)


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved and published"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Asked for again"


class PublishRequest(models.Model):
    """A rules admin's request to publish a draft, and the medical director's answer.

    The draft takes effect only when a medical director other than the author approves it (unless
    settings.RULES_APPROVAL_WAIVED). Rows are kept for good, with the version they produced.
    """

    clinic = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the safety floor; else the clinic whose layer it publishes.",
    )
    version = models.PositiveIntegerField(help_text="The draft's version number.")
    signature = models.CharField(max_length=64, help_text="The draft as it was asked for.")
    note = models.TextField(help_text="The change note: what changed, and why.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The medical director's comment.")
    published_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version it produced, once approved."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="pending", clinic__isnull=True),
                name="request_one_pending_for_floor",
            ),
            models.UniqueConstraint(
                fields=["clinic"],
                condition=models.Q(status="pending", clinic__isnull=False),
                name="request_one_pending_per_layer",
            ),
        ]

    def __str__(self):
        scope = f"{self.clinic} layer" if self.clinic_id else "floor"
        return f"Publish {scope} v{self.version} ({self.get_status_display()})"

    @property
    def pending(self):
        return self.status == RequestStatus.PENDING
