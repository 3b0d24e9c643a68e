"""Invitations: a link the client opens on their own phone to answer the intake before the visit.

The link carries a random token of 256 bits (`secrets.token_urlsafe(32)`); only its SHA-256 hash
is stored, so the link is shown once, when it is made. The link's base is the setting SITE_URL.
"""

import datetime
import hashlib
import logging
import secrets
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from screening import audit
from screening.audit.models import AuditAction

from .forms import ClientIntakeForm, answers_as_post
from .models import Draft, Invitation

TOKEN_BYTES = 32
logger = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def link_of(token: str) -> str:
    """The full address the client opens."""
    return settings.SITE_URL.rstrip("/") + reverse("invitation_open", args=[token])


def create_invitation(*, clinic, practitioner, client=None, remote_addr=None):
    """A new invitation and its token (the token is not stored: show it now)."""
    if client is not None and client.clinic_id != clinic.pk:
        raise ValueError("The client belongs to another clinic.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    answers = {}
    if client is not None:
        answers = {
            "client_name": [client.name],
            "client_date_of_birth": [client.date_of_birth.isoformat()],
            "client_reference": [client.reference],
        }
    with transaction.atomic():
        invitation = Invitation.objects.create(
            clinic=clinic,
            practitioner=practitioner,
            client=client,
            token_hash=token_hash(token),
            answers=answers,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.INVITATION_HOURS),
        )
        audit.log_event(
            AuditAction.INVITED,
            user=practitioner,
            clinic=clinic,
            obj=invitation,
            remote_addr=remote_addr,
        )
    return invitation, token


def email_link(invitation: Invitation, link: str, address: str) -> bool:
    """Send the link to the client's address (not kept); False when the mail server refused.

    The email names the clinic only: whoever reads it learns nothing about the client."""
    expires = timezone.localtime(invitation.expires_at)
    until = f"{expires.day} {expires:%B %Y, %H:%M}"
    body = (
        f"Hello,\n\n{invitation.clinic.name} asks you to answer some questions about your health "
        "and skin before your microneedling appointment. It takes about ten minutes, on your "
        f"phone or a computer:\n\n{link}\n\nThe link works until {until}, "
        "or until you send your answers. If you were not expecting this email, you can ignore "
        f"it.\n\n{invitation.clinic.name}\n"
    )
    subject = f"{invitation.clinic.name}: questions before your appointment"
    try:
        send_mail(subject, body, None, [address])
    except (smtplib.SMTPException, OSError):
        logger.warning("An invitation email could not be sent (invitation %s)", invitation.pk)
        return False
    return True


def find(token: str) -> Invitation | None:
    """The invitation of a link's token, whatever its state; None for a token never issued."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("clinic").filter(token_hash=token_hash(token)).first()


def store_answers(invitation: Invitation, answers: dict) -> bool:
    """Keep the client's answers while the link works (False once it does not)."""
    if not Invitation.objects.open().filter(pk=invitation.pk).update(answers=answers):
        return False
    invitation.answers = answers
    return True


def submit(invitation: Invitation, answers: dict, *, remote_addr=None) -> bool:
    """Close the link with the client's final answers, audited; False if it no longer works."""
    now = timezone.now()
    with transaction.atomic():
        done = Invitation.objects.open(now).filter(pk=invitation.pk)
        if not done.update(answers=answers, submitted_at=now):
            return False
        audit.log_event(
            AuditAction.INVITE_SUBMITTED,
            user=None,
            clinic=invitation.clinic,
            obj=invitation,
            remote_addr=remote_addr,
        )
    invitation.answers, invitation.submitted_at = answers, now
    return True


def sent_intake(invitation: Invitation) -> dict | None:
    """The client's answers as an intake; None when they no longer pass the form's checks."""
    form = ClientIntakeForm(data=answers_as_post(invitation.answers))
    return form.to_intake() if form.is_valid() else None


def revoke(invitation: Invitation, *, user, remote_addr=None) -> bool:
    with transaction.atomic():
        now = timezone.now()
        if not Invitation.objects.open(now).filter(pk=invitation.pk).update(revoked_at=now):
            return False
        audit.log_event(
            AuditAction.INVITE_REVOKED,
            user=user,
            clinic=invitation.clinic,
            obj=invitation,
            remote_addr=remote_addr,
        )
    invitation.revoked_at = now
    return True


def start_review(invitation: Invitation, *, practitioner) -> Draft:
    """The consultation draft filled with the client's answers (made once); the invitation then
    leaves the "Ready for review" list."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.draft_id is not None:
            return locked.draft
        draft = Draft.objects.create(
            clinic=locked.clinic, practitioner=practitioner, data=dict(locked.answers)
        )
        locked.draft, locked.reviewed_at = draft, timezone.now()
        locked.save(update_fields=["draft", "reviewed_at"])
    return draft
