"""Closing a consultation: its draft and the record it becomes, in one transaction."""

from django.db import transaction
from django.utils import timezone

from screening.records.services import record_screening


def screen_draft(
    drafts, token, *, answers: dict, intake: dict, clinic, practitioner, remote_addr=None
):
    """The screening of the draft `token` of `drafts` (the caller's own), recorded once.

    The record is written and the draft closed with `answers` (the form as posted) by one
    conditional UPDATE, in one transaction. When that UPDATE finds the draft screened meanwhile
    (a double submit), the transaction is rolled back and the first screening returned. Raises
    Draft.DoesNotExist for a draft not in `drafts`, and what record_screening raises (then nothing
    is written).
    """
    with transaction.atomic():
        screening = record_screening(
            clinic=clinic, practitioner=practitioner, intake=intake, remote_addr=remote_addr
        )
        unscreened = drafts.filter(pk=token, screening__isnull=True)
        if unscreened.update(data=answers, screening=screening, updated_at=timezone.now()):
            return screening
        transaction.set_rollback(True)  # screened already, or not the caller's: keep nothing
    return drafts.select_related("screening").get(pk=token).screening
