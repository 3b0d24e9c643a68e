"""Saving screenings: the one place a consultation becomes a clinical record."""

import datetime

from django.db import transaction
from django.utils import timezone

from screening import audit
from screening.rules.services import NoPublishedRuleSet, decide

from .models import Client, ClientAnswers, Screening, decided_fields


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


class CannotScreen(Exception):
    """Nothing can be decided yet: no rule set is published."""


@transaction.atomic(savepoint=False)
def record_screening(
    *,
    clinic,
    practitioner,
    intake: dict,
    remote_addr=None,
    client_answers=None,
    none_applied=(),
    before_audit=None,
) -> Screening:
    """Screen a client and keep the record, with its audit event, in the caller's transaction.

    ``remote_addr`` is the practitioner's address, for the audit trail. ``client_answers``: the
    intake the client sent before the visit and when, ``(intake, sent_at)``, kept beside the
    record when it was reviewed from them. ``none_applied``: the sections answered with "None of
    these apply" (see Screening.none_applied). ``before_audit(screening)``: the caller's own
    writes with the record, done before the audit event, which holds the clinic's audit chain
    until the transaction ends (so the writes do not make the clinic's other screenings wait).
    Raises CannotScreen when no rule set is published, engine.IntakeInvalid on bad answers;
    nothing is saved then.
    """
    screened_on = timezone.localdate()
    try:
        decision, version = decide(intake, on=screened_on, clinic=clinic)
    except NoPublishedRuleSet as error:
        raise CannotScreen(str(error)) from error
    screening = Screening.objects.create(
        clinic=clinic,
        client=client_for(clinic=clinic, identity=intake["client"]),
        practitioner=practitioner,
        screened_on=screened_on,
        intake=intake,
        none_applied=list(none_applied),
        **decided_fields(decision, version),
    )
    if client_answers is not None:
        client_intake, sent_at = client_answers
        ClientAnswers.objects.create(
            clinic=clinic, screening=screening, intake=client_intake, sent_at=sent_at
        )
    if before_audit is not None:
        before_audit(screening)
    audit.log_event(
        "created", user=practitioner, clinic=clinic, obj=screening, remote_addr=remote_addr
    )
    return screening
