from django.conf import settings
from django.db import models


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Action(models.TextChoices):
    REFER = "refer", "Refer"
    POSTPONE = "postpone", "Postpone"
    CAUTION = "caution", "Caution"


class RuleSet(models.Model):
    """One version of the rules and medication vocabulary. Published versions never change."""

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(
        max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    note = models.TextField(blank=True, help_text="What changed in this version, and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RuleSetStatus.values), name="ruleset_status_valid"
            ),
        ]

    def __str__(self):
        return f"Rule set v{self.version} ({self.get_status_display()})"


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=64, help_text="The precaution code, e.g. PSORIASIS.")
    action = models.CharField(max_length=10, choices=Action.choices)
    message = models.TextField(help_text="What the practitioner reads. Plain text.")
    client_message = models.TextField(help_text="What to tell the client, in plain words.")
    wait_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Postpone only: days before re-screening."
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

    class Meta:
        ordering = ["rule_set", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="rule_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.action})"


class MedicationClass(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="medication_classes"
    )
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    precaution = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "medication classes"
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="medication_class_unique"),
        ]

    def __str__(self):
        return self.label


class MedicationName(models.Model):
    """A name a client may write (generic, brand or misspelling), its generic name and classes."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="medication_names")
    name = models.CharField(max_length=200)
    generic = models.CharField(max_length=200)
    classes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "name"], name="medication_name_unique"),
        ]

    def __str__(self):
        return self.name
