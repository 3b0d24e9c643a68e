"""Saving screenings: the one place a consultation becomes a clinical record."""

import datetime
import functools

from django.db import connection, transaction
from django.utils import timezone

from screening import audit
from screening.rules.services import NoPublishedRuleSet, decide
from screening.sql import prepared_cursor

from .models import Client, ClientAnswers, Screening, codes_of, decided_fields


def client_for(*, clinic, identity: dict) -> Client:
    """The clinic's client with this name and date of birth (and reference), created if new."""
    name, date_of_birth, reference = _identity(identity)
    client = (
        Client.objects.for_clinic(clinic)
        .filter(name__iexact=name, date_of_birth=date_of_birth, reference=reference)
        .first()
    )
    return client or new_client(clinic=clinic, identity=identity)


def new_client(*, clinic, identity: dict) -> Client:
    name, date_of_birth, reference = _identity(identity)
    return Client.objects.create(
        clinic=clinic, name=name, date_of_birth=date_of_birth, reference=reference
    )


def _identity(identity: dict) -> tuple[str, datetime.date, str]:
    """The name, date of birth and reference a client is known by."""
    date_of_birth = datetime.date.fromisoformat(identity["date_of_birth"])
    return identity["name"].strip(), date_of_birth, identity.get("reference") or ""


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
    screening = Screening(
        clinic=clinic,
        practitioner=practitioner,
        screened_on=screened_on,
        intake=intake,
        none_applied=list(none_applied),
        **decided_fields(decision, version),
    )
    save_with_client(screening, intake["client"])
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


def save_with_client(screening: Screening, identity: dict) -> None:
    """Save a new screening (and its finding codes) under its clinic's client, created if new.

    Most screenings are of a returning client: on PostgreSQL that client is found and the
    screening and its codes written by one statement (an INSERT from the client's row, then
    the codes in a data-modifying CTE). A new client, or SQLite, goes through the ORM.
    """
    if connection.vendor != "postgresql":
        screening.client = client_for(clinic=screening.clinic, identity=identity)
    elif _saved_for_known_client(screening, identity):
        return
    else:
        screening.client = new_client(clinic=screening.clinic, identity=identity)
    screening.save()


_SAVE_FOR_KNOWN_CLIENT = """
WITH "screening" AS (
    INSERT INTO "records_screening" ({columns})
    SELECT {values} FROM (
        SELECT "id" FROM "records_client"
        WHERE "clinic_id" = %s AND UPPER("name"::text) = UPPER(%s)
            AND "date_of_birth" = %s AND "reference" = %s
        ORDER BY "name", "date_of_birth"
        LIMIT 1
    ) AS "client"
    RETURNING "id", "client_id", "clinic_id", "created_at", "screened_on"
), "codes" AS (
    INSERT INTO "records_findingcode" ("clinic_id", "screening_id", "code", "created_at",
        "screened_on")
    SELECT "clinic_id", "id", "code", "created_at", "screened_on"
    FROM "screening", UNNEST(%s::varchar[]) AS "code"
)
SELECT "id", "client_id" FROM "screening"
"""


def _saved_for_known_client(screening: Screening, identity: dict) -> bool:
    """Save `screening` under the clinic's client known by `identity` (as `client_for` finds
    it), with its codes, in one statement (PostgreSQL); False, and nothing saved, when the
    clinic has no such client."""
    fields = _written_fields()
    values = [
        field.get_db_prep_save(field.pre_save(screening, add=True), connection=connection)
        for field in fields
        if field.name != "client"
    ]
    with prepared_cursor() as cursor:
        cursor.execute(
            _save_for_known_client_sql(),
            [
                *values,
                screening.clinic_id,
                *_identity(identity),
                codes_of(screening.decision),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    screening.pk, screening.client_id = row
    screening._state.adding, screening._state.db = False, connection.alias
    return True


@functools.cache
def _save_for_known_client_sql() -> str:
    """Built once per process: the screening's columns as its model has them."""
    quote = connection.ops.quote_name
    fields = _written_fields()
    return _SAVE_FOR_KNOWN_CLIENT.format(
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join('"client"."id"' if field.name == "client" else "%s" for field in fields),
    ).strip()


def _written_fields() -> list:
    return [field for field in Screening._meta.local_concrete_fields if not field.primary_key]
