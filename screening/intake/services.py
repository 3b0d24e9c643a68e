"""Closing a consultation: its draft and the record it becomes, in one transaction."""

from django.db import transaction

from screening.records.services import record_screening

from .models import Draft


@transaction.atomic
def screen_draft(draft: Draft, *, clinic, practitioner, intake: dict, remote_addr=None):
    """The screening of `draft`, recorded once: a double submit returns the first one.

    The draft's row is locked until the record is written and linked, so two submits of one
    draft queue here and the second finds the screening. Raises what record_screening raises.
    """
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.screening_id is not None:
        return locked.screening
    screening = record_screening(
        clinic=clinic,
        practitioner=practitioner,
        intake=intake,
        remote_addr=remote_addr,
    )
    locked.screening = screening
    locked.save(update_fields=["screening", "updated_at"])
    return screening
