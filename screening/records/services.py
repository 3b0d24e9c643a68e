"""Saving screenings: the one place a consultation becomes a clinical record."""

import datetime

from django.db import transaction
from django.utils import timezone

from screening import audit
from screening.rules.services import decide

from .models import Client, Screening


def client_for(*, clinic, identity: dict) -> Client:
    """The clinic's client with this name and date of birth (and reference), created if new."""
    date_of_birth = datetime.date.fromisoformat(identity["date_of_birth"])
    reference = identity.get("reference") or ""
    client = (
        Client.objects.for_clinic(clinic)
        .filter(name__iexact=identity["name"].strip(), date_of_birth=date_of_birth)
        .filter(reference=reference)
        .first()
    )
    if client is None:
        client = Client.objects.create(
            clinic=clinic,
            name=identity["name"].strip(),
            date_of_birth=date_of_birth,
            reference=reference,
        )
    return client


@transaction.atomic
def screening_run(*, clinic, practitioner, intake: dict, draft, remote_addr=None) -> Screening:
    """Screen a client and keep the record, once per draft (a double submit returns the first).

    ``remote_addr`` is the practitioner's address, for the audit trail.
    """
    draft = type(draft).objects.select_for_update().get(pk=draft.pk)
    if draft.screening_id is not None:
        return draft.screening
    screened_on = timezone.localdate()
    decision, version = decide(intake, on=screened_on)
    rescreen_after = decision["rescreen_after"]
    screening = Screening.objects.create(
        clinic=clinic,
        client=client_for(clinic=clinic, identity=intake["client"]),
        practitioner=practitioner,
        screened_on=screened_on,
        intake=intake,
        decision=decision,
        outcome=decision["outcome"],
        rule_set_version=version,
        rescreen_after=datetime.date.fromisoformat(rescreen_after) if rescreen_after else None,
    )
    draft.screening = screening
    draft.save(update_fields=["screening", "updated_at"])
    audit.log_event(
        "created", user=practitioner, clinic=clinic, obj=screening, remote_addr=remote_addr
    )
    return screening
