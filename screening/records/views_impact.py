"""The impact preview pages of the rules draft (under /rules/), here because they read records.

A POST queues the preview as a background task; its page shows the progress a worker has made.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from screening.accounts.access import role_required
from screening.accounts.models import Role
from screening.rules import versions
from screening.rules.models import ImpactRun

from . import impact
from .tasks import preview_state, start_preview

rules_admin = role_required(Role.RULES_ADMIN)


@rules_admin
@require_POST
def impact_start(request, layer=False):
    """Preview the floor's draft, or (`layer`) the draft of the clinic's layer."""
    draft = versions.current_draft(request.clinic if layer else None)
    if draft is None:
        raise Http404("There is no draft.")
    run = start_preview(rule_set=draft, user=request.user, clinic=request.clinic)
    return redirect("impact:run", pk=run.pk)


@role_required(Role.RULES_ADMIN, Role.MEDICAL_DIRECTOR)
@require_safe
def impact_page(request, pk):
    """The run as a worker has it so far: reading the page writes nothing."""
    run = get_object_or_404(ImpactRun, pk=pk)
    if run.rule_set.clinic_id not in (None, request.clinic.pk):
        raise Http404("Another clinic's preview.")
    own = run.own_changes if run.clinic_id == request.clinic.pk else []
    context = {
        "run": run,
        "state": preview_state(run),
        "summary": impact.summary(run),
        "own_changes": own,
        "stale": run.rule_set.is_draft and run.signature != impact.signature(run.rule_set),
        "percent": min(100, int(100 * run.done / run.total)) if run.total else 100,
    }
    return render(request, "rules/impact.html", context)
