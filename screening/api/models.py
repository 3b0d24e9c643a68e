"""Who may call the API and CDS Hooks service: clinic API keys and registered CDS clients."""

from django.conf import settings
from django.db import models

from screening.accounts.models import Clinic, ClinicScopedQuerySet
from screening.records.models import Screening


class Scope(models.TextChoices):
    EVALUATE = "evaluate", "Evaluate an intake (saves nothing)"
    SCREEN = "screen", "Screen a client and save the record"
    READ = "read", "Read the clinic's screenings"


class ApiKey(models.Model):
    """A clinic's key for another program. Only a hash of the key is kept: it is shown once."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="api_keys")
    label = models.CharField(max_length=100, help_text="Which system uses the key, e.g. booking.")
    prefix = models.CharField(max_length=16, unique=True, help_text="Finds the key; not secret.")
    key_hash = models.CharField(max_length=64, help_text="SHA-256 of the whole key, hex.")
    scopes = models.JSONField(default=list)
    # Screenings saved through the key name this account (no password, cannot sign in).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "label"], name="api_key_label_unique"),
        ]

    def __str__(self):
        return f"{self.label} ({self.clinic})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotentScreening(models.Model):
    """The record a client's `Idempotency-Key` created: the same key answers with it again."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self):
        return f"Idempotency-Key of screening {self.screening_id}"


class CdsClient(models.Model):
    """A booking system that signs its CDS Hooks calls with a JWT (its `iss` and public key)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="cds_clients")
    issuer = models.CharField(max_length=300, unique=True, help_text="The JWT's iss.")
    public_key_pem = models.TextField(blank=True, help_text="A PEM public key, or leave empty.")
    jwks = models.JSONField(null=True, blank=True, help_text="A JWKS document, or leave empty.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedQuerySet.as_manager()

    def __str__(self):
        return self.issuer


class SeenToken(models.Model):
    """A JWT already used (its `jti`), kept until it expires: a replay is refused."""

    issuer = models.CharField(max_length=300)
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "jti"], name="seen_token_unique"),
        ]

    def __str__(self):
        return f"{self.issuer} {self.jti}"


class CdsCard(models.Model):
    """A card the CDS service gave (no client data): feedback on it names its precautions."""

    uuid = models.UUIDField(primary_key=True)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField(default=list)
    issued_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedQuerySet.as_manager()

    def __str__(self):
        return str(self.uuid)
