import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from screening.accounts.models import Clinic, ClinicScopedQuerySet


class Draft(models.Model):
    """A consultation in progress: the answers exactly as typed, saved as the practitioner goes.

    The token is a random UUID so that a draft's address cannot be guessed; views still check the
    clinic and the practitioner. Once screened, `screening` points at the record and the draft is
    closed.
    """

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="drafts")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_drafts"
    )
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text="The form's answers as posted: question name -> list of the values sent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    screening = models.OneToOneField(
        "records.Screening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
        help_text="The screening this consultation produced; empty while it is unfinished.",
    )

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["clinic", "practitioner", "-updated_at"])]

    def __str__(self):
        return f"Consultation {self.token} ({self.client_name or 'client not named yet'})"

    def get_absolute_url(self):
        return reverse("intake:consultation", args=[self.token])

    def store(self, data: dict) -> bool:
        """Keep `data` as the answers, unless the draft was screened meanwhile (then False).

        A new consultation's draft is made by its first save. Then one conditional UPDATE: a save
        racing a submit can neither change a screened draft's answers nor unlink its screening.
        """
        if self._state.adding and self._create(data):
            return True
        now = timezone.now()
        unscreened = Draft.objects.filter(
            pk=self.pk, practitioner=self.practitioner_id, screening__isnull=True
        )
        if not unscreened.update(data=data, updated_at=now):
            self.refresh_from_db()
            return False
        self.data, self.updated_at = data, now
        return True

    def _create(self, data: dict) -> bool:
        """Make a new consultation's draft by its first save (False: a save racing this one made
        it meanwhile, a page left mid-save; then update that one)."""
        self.data = data
        try:
            with transaction.atomic():
                self.save(force_insert=True)
        except IntegrityError:
            self._state.adding = False
            return False
        return True

    @property
    def client_name(self) -> str:
        return "".join(self.data.get("client_name", [""])[:1]).strip()


class InvitationQuerySet(ClinicScopedQuerySet):
    def open(self, now=None):
        """Invitations whose link still works: not submitted, revoked or expired."""
        now = now or timezone.now()
        return self.filter(submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)

    def ready_for_review(self):
        return self.filter(submitted_at__isnull=False, reviewed_at__isnull=True)


class Invitation(models.Model):
    """A link for the client to answer the intake before the visit.

    Only the SHA-256 hash of the link's token is kept (see screening/intake/invitations.py). The
    link works until the client submits, the clinic revokes it or it expires. The answers are
    kept as the form posted them, like a Draft's.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="invitations")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations"
    )
    client = models.ForeignKey(
        "records.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
        help_text="A returning client of the same clinic; empty for a new client.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="The client's answers as posted: question name -> list of the values sent.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    draft = models.OneToOneField(
        Draft,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitation",
        help_text="The consultation the practitioner started from the client's answers.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "practitioner", "submitted_at"])]

    def __str__(self):
        return f"Invitation {self.pk} ({self.state})"

    def get_absolute_url(self):
        return reverse("intake:invitations")

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.submitted_at:
            return "reviewed" if self.reviewed_at else "ready for review"
        if self.expires_at <= timezone.now():
            return "expired"
        return "waiting for the client"

    @property
    def is_open(self) -> bool:
        return self.state == "waiting for the client"

    @property
    def client_name(self) -> str:
        return "".join(self.answers.get("client_name", [""])[:1]).strip()
