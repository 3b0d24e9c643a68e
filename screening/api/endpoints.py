"""The JSON API of DESIGN.md section 6: evaluate, and the clinic's screenings."""

import base64
import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router

from screening import audit, engine
from screening.audit import client_address
from screening.audit.models import AuditAction
from screening.records.amendments import current_version
from screening.records.fhir_in import ResponseInvalid, intake_from_response
from screening.records.models import Screening
from screening.records.selectors import Cursor, RecordFilters, screening_page
from screening.records.services import record_screening
from screening.rules.services import NoSuchRuleSet, decide, published_version

from . import schemas
from .auth import ApiKeyAuth, require_scope
from .body import field_errors, request_json, valid_intake
from .models import IdempotentScreening, Scope
from .problems import Problem, invalid_input

router = Router(tags=["screening"])
PAGE_SIZE = 50
ERRORS = {401: schemas.ProblemDetails, 403: schemas.ProblemDetails, 422: schemas.ProblemDetails}


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type="application/json")


def remote_addr(request) -> str | None:
    return client_address(request)


def rule_set_for(version: int | None):
    """The floor version asked for; None for the one in use (decide finds it with the layer)."""
    if version is None:
        return None
    try:
        return published_version(version)
    except NoSuchRuleSet as missing:
        raise invalid_input([{"field": "rule_set", "message": str(missing)}]) from None


def evaluated(intake: object, *, on: datetime.date, rule_set, clinic, in_use_rows=None) -> dict:
    """The decision JSON `manage.py screen` prints for this intake, rule set and day (`in_use_rows`:
    see decide)."""
    if not isinstance(intake, dict):
        raise invalid_input([{"field": "body", "message": "The body must be a JSON object."}])
    if not engine.EARLIEST_DAY <= on <= engine.LATEST_DAY:
        message = f"Give a day from {engine.EARLIEST_DAY} to {engine.LATEST_DAY}."
        raise invalid_input([{"field": "on", "message": message}])
    try:
        return decide(intake, on=on, rule_set=rule_set, clinic=clinic, in_use_rows=in_use_rows)[0]
    except engine.IntakeInvalid as invalid:
        raise invalid_input(field_errors(invalid)) from None


@router.post(
    "/evaluate",
    response={200: schemas.Decision, **ERRORS},
    openapi_extra=schemas.json_body(
        schemas.intake_schema(client_required=False), "An intake (INTAKE.md)."
    ),
    summary="Evaluate an intake (saves nothing)",
    auth=ApiKeyAuth(evaluate=True),  # every call audited with its key's count
)
def evaluate(request, on: datetime.date | None = None, rule_set: int | None = None):
    api_key = require_scope(request, Scope.EVALUATE)
    intake = request_json(request)
    decision = evaluated(
        intake,
        on=on or timezone.localdate(),
        rule_set=rule_set_for(rule_set),
        clinic=api_key.clinic,
        in_use_rows=request.rules_in_use,
    )
    return json_response(decision)


def record_url(request, screening) -> str:
    return request.build_absolute_uri(reverse("records:screening_detail", args=[screening.pk]))


def created_body(request, screening) -> dict:
    return {
        "id": screening.pk,
        "url": record_url(request, screening),
        "decision": screening.decision,
    }


def body_digest(intake: dict) -> str:
    canonical = json.dumps(intake, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        message = "Idempotency-Key must be 1 to 200 printable characters."
        raise invalid_input([{"field": "Idempotency-Key", "message": message}])
    return key


def earlier(api_key, key: str, digest: str):
    row = (
        IdempotentScreening.objects.for_clinic(api_key.clinic)
        .select_related("screening")
        .filter(key=key)
        .first()
    )
    if row is not None and row.body_sha256 != digest:
        raise Problem(409, "This Idempotency-Key was sent before with another body.")
    return row.screening if row else None


def save_screening(request, api_key, intake: dict) -> HttpResponse:
    """Save a screening; with an Idempotency-Key, the first record for that key and body."""
    key = idempotency_key(request)
    saving = {
        "clinic": api_key.clinic,
        "practitioner": api_key.user,
        "intake": intake,
        "remote_addr": remote_addr(request),
    }
    if key is None:
        return json_response(created_body(request, record_screening(**saving)), 201)
    digest = body_digest(intake)
    if (first := earlier(api_key, key, digest)) is not None:
        return json_response(created_body(request, first), 200)
    try:
        with transaction.atomic():
            screening = record_screening(**saving)
            IdempotentScreening.objects.create(
                clinic=api_key.clinic, key=key, body_sha256=digest, screening=screening
            )
    except IntegrityError:
        # Another request with this key saved first (the unique constraint decided): answer its.
        first = earlier(api_key, key, digest)
        if first is None:
            raise
        return json_response(created_body(request, first), 200)
    return json_response(created_body(request, screening), 201)


@router.post(
    "/screenings",
    response={200: schemas.Created, 201: schemas.Created, 409: schemas.ProblemDetails, **ERRORS},
    openapi_extra=schemas.json_body(
        schemas.intake_schema(client_required=True), "An intake with its client block."
    ),
    summary="Screen a client and save the record",
)
def create_screening(request):
    api_key = require_scope(request, Scope.SCREEN)
    intake = valid_intake(request_json(request), client_required=True)
    return save_screening(request, api_key, intake)


FHIR_BODY = {
    "type": "object",
    "description": "A FHIR R4 QuestionnaireResponse of the intake questionnaire (linkId = field).",
    "properties": {"resourceType": {"const": "QuestionnaireResponse"}},
    "required": ["resourceType"],
}


@router.post(
    "/fhir/QuestionnaireResponse",
    response={200: schemas.Created, 201: schemas.Created, 409: schemas.ProblemDetails, **ERRORS},
    openapi_extra=schemas.json_body(FHIR_BODY, "The QuestionnaireResponse the records export."),
    summary="Screen a client from a FHIR QuestionnaireResponse and save the record",
)
def create_screening_from_fhir(request):
    api_key = require_scope(request, Scope.SCREEN)
    try:
        intake = intake_from_response(request_json(request))
    except ResponseInvalid as invalid:
        raise invalid_input(invalid.errors) from None
    if "client" not in intake:
        message = "A screening that is saved needs the client group (client.name, ...)."
        raise invalid_input([{"field": "client", "message": message}])
    return save_screening(request, api_key, intake)


def outcome_in_force(screening: Screening) -> str:
    overrides = list(screening.overrides.all())
    return overrides[-1].outcome if overrides else current_version(screening).outcome


def client_block(screening) -> dict:
    client = screening.client
    return {
        "name": client.name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "reference": client.reference or None,
    }


def summary(request, screening: Screening) -> dict:
    return {
        "id": screening.pk,
        "url": record_url(request, screening),
        "created_at": screening.created_at.isoformat(),
        "screened_on": screening.screened_on.isoformat(),
        "client": client_block(screening),
        "outcome": screening.outcome,
        "outcome_in_force": outcome_in_force(screening),
    }


def cursor_text(cursor: Cursor) -> str:
    """A cursor that needs no escaping in an address."""
    return base64.urlsafe_b64encode(str(cursor).encode()).decode().rstrip("=")


def parse_cursor(text: str) -> Cursor | None:
    try:
        return Cursor.parse(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        return None


@router.get(
    "/screenings",
    response={200: schemas.ScreeningList, **ERRORS},
    summary="The clinic's screenings, newest first, a page at a time",
)
def list_screenings(request, cursor: str | None = None):
    api_key = require_scope(request, Scope.READ)
    older_than = parse_cursor(cursor) if cursor else None
    if cursor and older_than is None:
        message = "cursor must be a next_cursor given by an earlier page."
        raise invalid_input([{"field": "cursor", "message": message}])
    page = screening_page(api_key.clinic, RecordFilters(), older_than=older_than, size=PAGE_SIZE)
    ids = [row.pk for row in page.rows]
    screenings = (
        Screening.objects.for_clinic(api_key.clinic)
        .filter(pk__in=ids)
        .select_related("client")
        .prefetch_related("amendments", "overrides")
        .in_bulk()
    )
    audit.log_event(
        AuditAction.VIEWED,
        user=api_key.user,
        clinic=api_key.clinic,
        remote_addr=remote_addr(request),
    )
    return json_response(
        {
            "items": [summary(request, screenings[pk]) for pk in ids],
            "next_cursor": cursor_text(page.older) if page.older else None,
        }
    )


@router.get(
    "/screenings/{screening_id}",
    response={200: schemas.ScreeningDetail, 404: schemas.ProblemDetails, **ERRORS},
    summary="One screening: its decision, the outcome in force, amendments and overrides",
)
def get_screening(request, screening_id: int):
    api_key = require_scope(request, Scope.READ)
    screening = (
        Screening.objects.for_clinic(api_key.clinic)
        .select_related("client")
        .prefetch_related("amendments", "overrides")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:
        raise Problem(404, "This clinic has no screening with that id.")
    audit.log_event(
        AuditAction.VIEWED,
        user=api_key.user,
        clinic=api_key.clinic,
        obj=screening,
        remote_addr=remote_addr(request),
    )
    return json_response(
        {
            **summary(request, screening),
            "rule_set_version": screening.rule_set_version,
            "intake": screening.intake,
            "decision": screening.decision,
            "amendments": [
                {
                    "id": a.pk,
                    "created_at": a.created_at.isoformat(),
                    "reason": a.reason,
                    "outcome": a.outcome,
                    "rule_set_version": a.rule_set_version,
                    "decision": a.decision,
                }
                for a in screening.amendments.all()
            ],
            "overrides": [
                {
                    "id": o.pk,
                    "created_at": o.created_at.isoformat(),
                    "computed_outcome": o.computed_outcome,
                    "outcome": o.outcome,
                    "reason_code": o.reason_code,
                    "reason": o.get_reason_code_display(),
                    "comment": o.comment,
                    "overridden_rules": o.overridden_rules,
                }
                for o in screening.overrides.all()
            ],
        }
    )
