"""A second person's approval: a publish is a request a medical director approves or rejects.

A rules admin asks for the draft (the floor's, or their clinic's layer's) to be published; it
takes effect only when a medical director other than the author approves it: one of the clinic's
for its layer, one with `approves_floor` for the floor. Every request, approval and rejection is
audited and kept with the version it produced. settings.RULES_APPROVAL_WAIVED lets a
single-person installation publish at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening import audit
from screening.accounts.access import membership_of
from screening.accounts.models import Role
from screening.audit.models import AuditAction

from . import versions
from .models import PublishRequest, RequestStatus, RuleSet
from .transfer import signature


class ApprovalRefused(versions.VersionRefused):
    """This user cannot approve or reject this request (the message says why)."""


def approval_waived() -> bool:
    return settings.RULES_APPROVAL_WAIVED


def _audit(action, request: PublishRequest, user, remote_addr=None) -> None:
    membership = membership_of(user)
    clinic = request.clinic or (membership.clinic if membership else None)
    audit.log_event(action, user=user, clinic=clinic, obj=request, remote_addr=remote_addr)


@transaction.atomic
def request_publish(*, user, note: str, clinic=None, remote_addr=None) -> PublishRequest:
    """Ask for the draft to be published. Its scenarios must pass first (PublishRefused).

    A request still waiting for the same scope is superseded: the newest request is the one
    a medical director answers.
    """
    versions.lock_versions(clinic)
    draft = versions.current_draft(clinic)
    if draft is None:
        raise versions.PublishRefused("There is no draft to publish.")
    if not note.strip():
        raise versions.PublishRefused("Write a change note: what changed, and why.")
    versions.check_publishable(draft)
    PublishRequest.objects.filter(clinic=clinic, status=RequestStatus.PENDING).update(
        status=RequestStatus.SUPERSEDED, decided_at=timezone.now()
    )
    request = PublishRequest.objects.create(
        clinic=clinic,
        version=draft.version,
        signature=signature(draft),
        note=note.strip(),
        requested_by=user,
    )
    _audit(AuditAction.RULES_REQUESTED, request, user, remote_addr)
    return request


def why_not_decide(user, request: PublishRequest) -> str | None:
    """Why `user` may not approve or reject `request`, or None when they may."""
    if not request.pending:
        return f"This request was already answered: {request.get_status_display().lower()}."
    membership = membership_of(user)
    if membership is None or membership.role != Role.MEDICAL_DIRECTOR:
        return "Only a medical director approves or rejects a rules publish."
    if request.clinic_id is not None and membership.clinic_id != request.clinic_id:
        return "Only a medical director of the clinic approves its own rules."
    if request.clinic_id is None and not membership.approves_floor:
        return "Only the installation's medical director approves the safety floor."
    if user.pk == request.requested_by_id:
        return "You asked for this publish: another medical director must approve it."
    return None


def _locked_request(request_id: int, clinic) -> PublishRequest:
    versions.lock_versions(clinic)
    return PublishRequest.objects.select_for_update().get(pk=request_id)


@transaction.atomic
def approve(*, request_id: int, clinic, user, comment: str = "", remote_addr=None) -> RuleSet:
    """Publish the draft asked for. Raises ApprovalRefused, or PublishRefused (nothing changes)."""
    request = _locked_request(request_id, clinic)
    if why := why_not_decide(user, request):
        raise ApprovalRefused(why)
    draft = versions.current_draft(request.clinic)
    if draft is None or draft.version != request.version or signature(draft) != request.signature:
        raise ApprovalRefused(
            "The draft has changed since this was asked for: its author must ask again."
        )
    published = versions.publish(draft, user=user, note=request.note)
    _decide(request, RequestStatus.APPROVED, user, comment, published_version=published.version)
    _audit(AuditAction.RULES_APPROVED, request, user, remote_addr)
    return published


@transaction.atomic
def reject(*, request_id: int, clinic, user, comment: str, remote_addr=None) -> PublishRequest:
    """Refuse the publish with a comment for its author; the draft stays open to fix."""
    request = _locked_request(request_id, clinic)
    if why := why_not_decide(user, request):
        raise ApprovalRefused(why)
    if not comment.strip():
        raise ApprovalRefused("Write a comment: what the author should change, and why.")
    _decide(request, RequestStatus.REJECTED, user, comment)
    _audit(AuditAction.RULES_REJECTED, request, user, remote_addr)
    return request


def _decide(request, status, user, comment, published_version=None) -> None:
    request.status = status
    request.decided_by = user
    request.decided_at = timezone.now()
    request.comment = comment.strip()
    request.published_version = published_version
    request.save()
