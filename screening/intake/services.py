"""Closing a consultation: its draft and the record it becomes, in one transaction; and
discarding unfinished ones."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from screening import audit
from screening.audit.models import AuditAction
from screening.records.services import record_screening
from screening.sql import prepared_cursor

from .invitations import sent_intake
from .models import Draft, Invitation


def sent_answers_of(drafts, token):
    """What the client sent, as an intake, and when, for a draft reviewed from an invitation;
    None for a consultation the practitioner started. Answers that no longer pass the form's
    checks count as the practitioner's (None)."""
    invitation = Invitation.objects.filter(draft__in=drafts.filter(pk=token)).first()
    if invitation is None or invitation.submitted_at is None:
        return None
    intake = sent_intake(invitation)
    return None if intake is None else (intake, invitation.submitted_at)


def screen_draft(
    token,
    *,
    answers: dict,
    intake: dict,
    clinic,
    practitioner,
    remote_addr=None,
    reviewed=False,
    none_applied=(),
):
    """The screening of the practitioner's own draft `token` in `clinic`, recorded once.

    The record is written and the draft closed with `answers` (the form as posted) by one
    conditional UPDATE, in one transaction, before the audit event: the event holds the
    clinic's audit chain until the commit, so the less done after it the less the clinic's other
    screenings wait. When that UPDATE finds the draft screened meanwhile
    (a double submit), the transaction is rolled back and the first screening returned. Raises
    Draft.DoesNotExist for a draft that is not the practitioner's, and what record_screening
    raises (then nothing is written). `reviewed`: the draft was started from a client's answers,
    which are then kept beside the record (who gave each answer).
    """
    closed = []

    def close(screening):
        closed.append(close_draft(token, clinic, practitioner, answers, screening))

    with transaction.atomic():
        # Only a review's page says it is one: a consultation's submit stays in its budget.
        sent = sent_answers_of(own_drafts(clinic, practitioner), token) if reviewed else None
        screening = record_screening(
            clinic=clinic,
            practitioner=practitioner,
            intake=intake,
            remote_addr=remote_addr,
            client_answers=sent,
            none_applied=none_applied,
            before_audit=close,
        )
        if closed[0]:
            return screening
        transaction.set_rollback(True)  # screened already, or not the caller's: keep nothing
    return own_drafts(clinic, practitioner).select_related("screening").get(pk=token).screening


def own_drafts(clinic, practitioner):
    """The practitioner's own drafts in their clinic."""
    return Draft.objects.for_clinic(clinic).filter(practitioner=practitioner)


_CLOSE_DRAFT = """
UPDATE "intake_draft" SET "data" = %s, "screening_id" = %s, "updated_at" = %s
WHERE "token" = %s AND "clinic_id" = %s AND "practitioner_id" = %s AND "screening_id" IS NULL
"""


def close_draft(token, clinic, practitioner, answers: dict, screening) -> bool:
    """Keep `answers` in the practitioner's draft and link it to its screening, unless it is
    screened already (then False). Written as SQL once: building the ORM's UPDATE took longer
    than the rest of closing the draft."""

    def prepared(name, value):
        return Draft._meta.get_field(name).get_db_prep_save(value, connection=connection)

    params = [
        prepared("data", answers),
        screening.pk,
        prepared("updated_at", timezone.now()),
        prepared("token", token),
        clinic.pk,
        practitioner.pk,
    ]
    with prepared_cursor() as cursor:
        cursor.execute(_CLOSE_DRAFT, params)
        return cursor.rowcount == 1


@transaction.atomic
def discard_draft(draft, *, user=None, remote_addr=None) -> None:
    """Delete an unfinished consultation and audit it (`user` None: removed by the clean-up).

    Client answers sent before the visit that it was started from go back to "Ready for review".
    The audit event comes last, as in every transaction that writes a draft (screen_draft): the
    clinic's audit chain is then always locked after the draft, never before.
    """
    Invitation.objects.filter(draft=draft).update(draft=None, reviewed_at=None)
    Draft.objects.filter(pk=draft.pk).delete()  # the instance keeps its pk for the event
    audit.log_event(
        AuditAction.DRAFT_DISCARDED,
        user=user,
        clinic=draft.clinic,
        obj=draft,
        remote_addr=remote_addr,
    )


def remove_stale_drafts(*, days: int, now=None) -> int:
    """Discard every unfinished consultation untouched for `days` days; how many there were."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = Draft.objects.filter(screening__isnull=True, updated_at__lt=cutoff)
    removed = 0
    for draft in stale.select_related("clinic").iterator():
        discard_draft(draft)
        removed += 1
    return removed
