"""The CDS Hooks 2.0 service (`appointment-book`): discovery, the service and its feedback.

The service evaluates the prefetched QuestionnaireResponse and saves no record: the booking
system keeps the cards. Calls and feedback are audited."""

import json
import uuid

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from screening import audit, engine
from screening.audit import client_address
from screening.audit.models import AuditAction
from screening.records.fhir import QUESTIONNAIRE_URL, QUESTIONNAIRE_VERSION
from screening.records.fhir_in import ResponseInvalid, intake_from_response
from screening.records.models import CardFeedback, OverrideReason
from screening.rules.models import Rule
from screening.rules.services import NoPublishedRuleSet, decide, published_rule_set

from .body import field_errors, request_json
from .callers import caller
from .cards import cards_for
from .models import CdsCard
from .problems import Problem, invalid_input, problem_response

SERVICE_ID = "microneedling-screening"
HOOK = "appointment-book"


def json_response(data, status=200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type="application/json")


def answering_problems(view):
    """Problems (and an unpublished rule set) as problem details, never a server error."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Problem as problem:
            return problem_response(problem.status, problem.detail, problem.errors)
        except NoPublishedRuleSet:
            return problem_response(
                503, "No rule set is published yet, so nothing can be screened."
            )

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(login_not_required(wrapped))


@require_GET
@answering_problems
def discovery(request):
    return json_response(
        {
            "services": [
                {
                    "hook": HOOK,
                    "id": SERVICE_ID,
                    "title": "Microneedling contraindication screening",
                    "description": (
                        "Screens the client's intake (a QuestionnaireResponse of the screening "
                        "questionnaire) before a microneedling appointment is booked: refer, "
                        "postpone or proceed, with each precaution and its source."
                    ),
                    "prefetch": {
                        "questionnaireResponse": (
                            "QuestionnaireResponse?subject={{context.patientId}}"
                            f"&questionnaire={QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}"
                            "&_sort=-authored&_count=1"
                        )
                    },
                }
            ]
        }
    )


def questionnaire_response(prefetch: object) -> object:
    """The prefetched resource: a QuestionnaireResponse, or the first one of a search Bundle."""
    field = "prefetch.questionnaireResponse"
    resource = prefetch.get("questionnaireResponse") if isinstance(prefetch, dict) else None
    if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
        entries = [e.get("resource") for e in resource.get("entry") or [] if isinstance(e, dict)]
        resource = next(
            (r for r in entries if isinstance(r, dict)),
            None,
        )
    if not isinstance(resource, dict):
        message = "The hook request must prefetch the client's intake as a QuestionnaireResponse."
        raise invalid_input([{"field": field, "message": message}])
    return resource


def hook_request(data: object) -> dict:
    if not isinstance(data, dict):
        raise invalid_input([{"field": "body", "message": "The body must be a JSON object."}])
    errors = []
    if data.get("hook") != HOOK:
        errors.append({"field": "hook", "message": f"This service answers the '{HOOK}' hook."})
    if not isinstance(data.get("hookInstance"), str) or not data.get("hookInstance"):
        errors.append({"field": "hookInstance", "message": "hookInstance must be a UUID (text)."})
    if not isinstance(data.get("context", {}), dict):
        errors.append({"field": "context", "message": "context must be an object."})
    if errors:
        raise invalid_input(errors)
    return data


def intake_of(resource) -> dict:
    try:
        return intake_from_response(resource)
    except ResponseInvalid as invalid:
        raise invalid_input(invalid.errors) from None
    except engine.IntakeInvalid as invalid:  # pragma: no cover - the reader maps these itself
        raise invalid_input(field_errors(invalid)) from None


@require_POST
@answering_problems
def service(request):
    who = caller(request)
    data = hook_request(request_json(request))
    intake = intake_of(questionnaire_response(data.get("prefetch")))
    decision, version = decide(intake, on=timezone.localdate(), clinic=who.clinic)
    made = cards_for(
        decision,
        service_label=f"Microneedling screening rules, version {version}",
        precaution_url=lambda code: request.build_absolute_uri(
            reverse("cds_precaution", args=[code])
        ),
    )
    with transaction.atomic():
        CdsCard.objects.bulk_create(
            CdsCard(uuid=card["uuid"], clinic=who.clinic, rules=rules) for card, rules in made
        )
        audit.log_event(
            AuditAction.EVALUATED,
            user=who.user,
            username=who.name,
            clinic=who.clinic,
            remote_addr=client_address(request),
        )
    return json_response({"cards": [card for card, _ in made]})


def feedback_items(data: object) -> list:
    items = data.get("feedback") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        message = "feedback must be a non-empty list of {card, outcome} objects."
        raise invalid_input([{"field": "feedback", "message": message}])
    return items


def one_feedback(clinic, index: int, item: object, errors: list) -> CardFeedback | None:
    where = f"feedback[{index}]"
    if not isinstance(item, dict):
        errors.append({"field": where, "message": f"{where} must be an object."})
        return None
    try:
        card_id = uuid.UUID(str(item.get("card")))
    except ValueError:
        card_id = None
    card = CdsCard.objects.for_clinic(clinic).filter(uuid=card_id).first() if card_id else None
    if card is None:
        errors.append(
            {"field": f"{where}.card", "message": "No card of this clinic has this uuid."}
        )
    outcome = item.get("outcome")
    if outcome not in CardFeedback.Outcome.values:
        message = f"{where}.outcome must be 'accepted' or 'overridden'."
        errors.append({"field": f"{where}.outcome", "message": message})
    reason = item.get("overrideReason") or {}
    coding = reason.get("reason") if isinstance(reason, dict) else None
    code = coding.get("code", "") if isinstance(coding, dict) else ""
    if code and code not in OverrideReason.values:
        message = f"{where}.overrideReason.reason.code must be one of the card's overrideReasons."
        errors.append({"field": f"{where}.overrideReason.reason.code", "message": message})
    comment = reason.get("userComment", "") if isinstance(reason, dict) else ""
    if card is None or outcome not in CardFeedback.Outcome.values:
        return None
    return CardFeedback(
        clinic=clinic,
        card=card.uuid,
        outcome=outcome,
        rules=card.rules if outcome == CardFeedback.Outcome.OVERRIDDEN else [],
        reason_code=code if code in OverrideReason.values else "",
        comment=str(comment)[:2000],
    )


@require_POST
@answering_problems
def feedback(request):
    who = caller(request)
    items = feedback_items(request_json(request))
    errors: list[dict] = []
    rows = [one_feedback(who.clinic, index, item, errors) for index, item in enumerate(items)]
    if errors:
        raise invalid_input(errors)
    with transaction.atomic():
        for row in rows:
            row.save()
            audit.log_event(
                AuditAction.CARD_FEEDBACK,
                user=who.user,
                username=who.name,
                clinic=who.clinic,
                obj=row,
                remote_addr=client_address(request),
            )
    return json_response({})


@require_GET
@answering_problems
def precaution(request, code):
    """What a card's source link opens: the precaution as the published rules state it."""
    rules = Rule.objects.filter(rule_set=published_rule_set(), code=code)
    if not rules:
        raise Problem(404, "The published rules have no precaution with this code.")
    return render(request, "api/precaution.html", {"code": code, "rules": rules})
