"""Corrections of a saved screening: amendments (corrected answers) and clinical overrides.

The original screening never changes. An amendment is a new row holding the full corrected intake
and its own decision; an override records a clinician's outcome beside the computed one.
"""

import copy
import datetime

from django.db import transaction

from screening import audit
from screening.accounts.models import Role
from screening.audit.models import AuditAction, AuditEvent
from screening.rules.services import decide

from .comparison import changed_answers
from .models import (
    Amendment,
    FollowUp,
    Outcome,
    OutcomeInForce,
    Override,
    Screening,
    decided_fields,
)
from .presentation import OUTCOME_DISPLAY, present_decision

OVERRIDDEN_ACTIONS = ("refer", "postpone")


def editable_answers(intake: dict) -> dict:
    """The answers a records keeper may correct: everything but the client block.

    The client's name and date of birth belong to the client record, not to one screening.
    """
    return {name: value for name, value in intake.items() if name != "client"}


def current_version(screening: Screening) -> Screening | Amendment:
    """The record in force: the latest amendment, or the screening itself."""
    amendments = list(screening.amendments.all())
    return amendments[-1] if amendments else screening


@transaction.atomic
def amendment_record(
    *, screening: Screening, author, reason: str, answers: dict, remote_addr=None
) -> Amendment:
    """Keep corrected answers for `screening`, decided again by the rule set in use, with its
    audit event in the same transaction (``remote_addr``: the author's address).

    The decision is taken as of the screening's day: waits count from the consultation the answers
    describe. Raises engine.IntakeInvalid on bad answers; nothing is saved then.
    """
    intake = copy.deepcopy(answers)
    if "client" in screening.intake:
        intake["client"] = copy.deepcopy(screening.intake["client"])
    decision, version = decide(intake, on=screening.screened_on, clinic=screening.clinic)
    amendment = Amendment.objects.create(
        clinic=screening.clinic,
        screening=screening,
        author=author,
        reason=reason.strip(),
        intake=intake,
        **decided_fields(decision, version),
    )
    _log(AuditAction.AMENDED, screening, author, remote_addr)
    store_in_force(screening)
    return amendment


@transaction.atomic
def override_record(
    *, screening: Screening, author, outcome: str, reason_code: str, comment: str, remote_addr=None
) -> Override:
    """Record a clinician's outcome for `screening`; the computed decision is kept beside it.

    Its audit event is written in the same transaction (``remote_addr``: the author's address).
    """
    in_force = current_version(screening)
    overridden = sorted(
        {f["rule"] for f in in_force.decision["findings"] if f["action"] in OVERRIDDEN_ACTIONS}
    )
    record = Override.objects.create(
        clinic=screening.clinic,
        screening=screening,
        author=author,
        computed_outcome=in_force.outcome,
        outcome=outcome,
        overridden_rules=overridden,
        reason_code=reason_code,
        comment=comment.strip(),
    )
    _log(AuditAction.OVERRODE, screening, author, remote_addr)
    store_in_force(screening)
    return record


def computed_in_force(screening: Screening) -> tuple[str, object]:
    """The outcome in force and the rules' re-screen date for it, before any follow-up date."""
    override = screening.overrides.order_by("-created_at", "-pk").first()
    amendment = screening.amendments.order_by("-created_at", "-pk").first()
    computed = amendment or screening
    if override is None:
        return computed.outcome, computed.rescreen_after
    same = override.outcome == computed.outcome
    return override.outcome, computed.rescreen_after if same else None


def needs_follow_up(screening: Screening) -> bool:
    """A postponement in force that the rules give no re-screen date (e.g. until a sore heals)."""
    outcome, rescreen_after = computed_in_force(screening)
    return outcome == Outcome.POSTPONE and rescreen_after is None


def store_in_force(screening: Screening) -> OutcomeInForce | None:
    """Write the outcome in force of `screening` (call inside the correction's transaction)."""
    override = screening.overrides.order_by("-created_at", "-pk").first()
    amendment = screening.amendments.order_by("-created_at", "-pk").first()
    follow_up = screening.follow_ups.order_by("-created_at", "-pk").first()
    if override is None and amendment is None and follow_up is None:
        return None
    outcome, rescreen_after = computed_in_force(screening)
    if outcome == Outcome.POSTPONE and rescreen_after is None and follow_up is not None:
        rescreen_after = follow_up.due_on
    latest = override or amendment or follow_up  # who changed the outcome, else the date
    row, _ = OutcomeInForce.objects.update_or_create(
        screening=screening,
        defaults={
            "clinic_id": screening.clinic_id,
            "outcome": outcome,
            "rescreen_after": rescreen_after,
            "corrected": amendment is not None,
            "overridden": override is not None,
            "changed_by_id": latest.author_id,
            "changed_at": latest.created_at,
        },
    )
    return row


class FollowUpRefused(Exception):
    """The screening's re-screen date comes from its rules: no follow-up date is needed."""


@transaction.atomic
def follow_up_record(
    *, screening: Screening, author, due_on: datetime.date, remote_addr=None
) -> FollowUp:
    """Set the day from which a postponed client with no re-screen date is listed as due.

    A new row each time (the latest is in force), with its audit event, in one transaction.
    """
    if not needs_follow_up(screening):
        raise FollowUpRefused
    follow_up = FollowUp.objects.create(
        clinic=screening.clinic, screening=screening, author=author, due_on=due_on
    )
    audit.log_event(
        AuditAction.CREATED,
        user=author,
        clinic=screening.clinic,
        obj=follow_up,
        remote_addr=remote_addr,
    )
    store_in_force(screening)
    return follow_up


def _log(action, screening, author, remote_addr):
    audit.log_event(
        action, user=author, clinic=screening.clinic, obj=screening, remote_addr=remote_addr
    )


def corrections_context(screening: Screening, request) -> dict:
    """What the record page shows of amendments, overrides and (for records keepers) the trail."""
    amendments = list(screening.amendments.select_related("author").order_by("created_at", "pk"))
    overrides = list(screening.overrides.select_related("author").order_by("created_at", "pk"))
    is_keeper = getattr(request, "role", None) == Role.RECORDS_KEEPER
    trail = []
    if is_keeper:
        trail = list(
            AuditEvent.objects.for_clinic(request.clinic)
            .for_object(screening)
            .select_related("user")[:200]
        )
    return {
        "amendments": [
            {
                "amendment": amendment,
                "decision": present_decision(amendment.decision, screening.screened_on),
                "changes": changed_answers(
                    amendments[index - 1].intake if index else screening.intake, amendment.intake
                ),
            }
            for index, amendment in enumerate(amendments)
        ],
        "overrides": [
            {"override": override, "outcome": OUTCOME_DISPLAY[override.outcome]}
            for override in overrides
        ],
        "latest_override": overrides[-1] if overrides else None,
        "can_correct": is_keeper,
        "audit_trail": trail,
    }
