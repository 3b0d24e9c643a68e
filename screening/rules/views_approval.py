"""Publish requests: what a medical director reads (the changes, the scenarios, the impact
preview) before approving or rejecting a rules publish. Under /rules/ for the floor and under
/rules/clinic/ for the clinic's layer, like the other rules pages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from screening.accounts.access import role_required
from screening.accounts.models import Role
from screening.audit import client_address

from . import approval, versions
from .diff import diff_versions
from .models import PublishRequest, RuleSet
from .views import _clinic, _go, rules_readers

medical_director = role_required(Role.MEDICAL_DIRECTOR)


@rules_readers
def request_list(request):
    requests = PublishRequest.objects.filter(clinic=_clinic(request)).select_related(
        "requested_by", "decided_by"
    )
    return render(request, "rules/requests.html", {"requests": requests})


def _request_or_404(request, pk) -> PublishRequest:
    return get_object_or_404(
        PublishRequest.objects.select_related("requested_by", "decided_by"),
        pk=pk,
        clinic=_clinic(request),
    )


@rules_readers
def request_detail(request, pk):
    return _detail_page(request, _request_or_404(request, pk))


def _detail_page(request, publish_request, refused=None, status=200):
    rule_set = RuleSet.objects.filter(
        clinic=publish_request.clinic, version=publish_request.version
    ).first()
    context = {
        "publish_request": publish_request,
        "rule_set": rule_set,
        "why_not": approval.why_not_decide(request.user, publish_request),
        "refused": refused,
        **_what_changes(rule_set),
    }
    return render(request, "rules/request_detail.html", context, status=status)


def _what_changes(rule_set: RuleSet | None) -> dict:
    """The changes against the version it was copied from, the scenarios, the last preview."""
    if rule_set is None:  # a draft discarded since it was asked for
        return {"diff": None, "results": [], "failures": [], "error": None, "impact": None}
    base = None
    if rule_set.copied_from is not None:
        base = RuleSet.objects.filter(clinic=rule_set.clinic, version=rule_set.copied_from).first()
    try:
        results, error = versions.check_scenarios(rule_set), None
    except versions.PublishRefused as problem:
        results, error = [], str(problem)
    return {
        "diff": diff_versions(base, rule_set) if base else None,
        "all_rules": rule_set.rules.all() if base is None else None,
        "results": results,
        "failures": [r for r in results if not r.passed],
        "error": error,
        "impact": rule_set.impact_runs.first(),
    }


@medical_director
@require_POST
def request_decide(request, pk, approve: bool):
    publish_request = _request_or_404(request, pk)
    comment = request.POST.get("comment", "")
    decide = approval.approve if approve else approval.reject
    try:
        result = decide(
            request_id=publish_request.pk,
            clinic=publish_request.clinic,
            user=request.user,
            comment=comment,
            remote_addr=client_address(request),
        )
    except versions.VersionRefused as refused:
        return _detail_page(request, publish_request, refused=refused, status=400)
    if approve:
        messages.success(request, f"Approved: version {result.version} is published and in use.")
    else:
        messages.success(request, "Rejected: the author sees your comment; the draft stays open.")
    return _go(request, "request", publish_request.pk)
