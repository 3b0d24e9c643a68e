"""The client's pages, opened from an invitation link without signing in.

They show the intake questions and the clinic's name, and nothing else: no decision, no rule,
no other client. Every view is rate-limited per address, and never cached by the browser.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from screening import audit
from screening.accounts.ratelimit import rate_limit
from screening.audit.models import AuditAction

from . import invitations
from .forms import ClientIntakeForm as IntakeForm
from .forms import checked_answers, initial_from


def by_address(request):
    return request  # the client's address, whoever is signed in on that browser


def public(view):
    """Open without signing in, rate-limited per address on every method, never cached."""
    limited = rate_limit("invitation", key=by_address, methods=("GET", "POST", "HEAD"))(view)
    return login_not_required(never_cache(limited))


def invitation_or_404(token: str):
    invitation = invitations.find(token)
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def closed(request, invitation):
    """A link that no longer works: say so, and whom to ask (the clinic, by name only)."""
    context = {"clinic_name": invitation.clinic.name, "why": closed_reason(invitation)}
    return render(request, "intake/client_closed.html", context, status=410)


def closed_reason(invitation) -> str:
    if invitation.submitted_at:
        return "These answers have already been sent."
    if invitation.revoked_at:
        return "This link has been withdrawn."
    return "This link has expired."


def page(request, invitation, form, token, saved_at=""):
    context = {
        "form": form,
        "saved_at": saved_at,
        "clinic_name": invitation.clinic.name,
        "token": token,
        "sections": form_sections(form),
    }
    return render(request, "intake/client_form.html", context)


def form_sections(form):
    if form.is_bound:
        return form.section_progress()
    return [dict(section, complete=False) for section in IntakeForm().section_progress()]


@public
@require_http_methods(["GET", "HEAD", "POST"])
def open_invitation(request, token):
    invitation = invitation_or_404(token)
    if not invitation.is_open:
        return closed(request, invitation)
    if request.method == "POST":
        return submit(request, invitation, token)
    audit.log_event(
        AuditAction.INVITE_OPENED,
        user=None,
        clinic=invitation.clinic,
        obj=invitation,
        remote_addr=audit.client_address(request),
    )
    return page(request, invitation, IntakeForm(initial=initial_from(invitation.answers)), token)


def submit(request, invitation, token):
    answers, refused = checked_answers(request.POST, invitation.answers)
    form = IntakeForm(request.POST)
    if form.is_valid() and not refused:
        remote_addr = audit.client_address(request)
        if invitations.submit(invitation, answers, remote_addr=remote_addr):
            return redirect("invitation_thanks")
        invitation.refresh_from_db()
        return closed(request, invitation)
    if not invitations.store_answers(invitation, answers):
        invitation.refresh_from_db()
        return closed(request, invitation)
    return page(request, invitation, form, token)


@public
@require_POST
def save_invitation(request, token):
    """Autosave (JSON for the page's script) and the no-script "Save and finish later"."""
    invitation = invitation_or_404(token)
    wants_json = "application/json" in request.headers.get("Accept", "")
    answers, refused = checked_answers(request.POST, invitation.answers)
    if not invitation.is_open or not invitations.store_answers(invitation, answers):
        if wants_json:  # the page's script then opens the link, which says why
            return JsonResponse({"screening_url": request.path.removesuffix("save/")}, status=409)
        invitation.refresh_from_db()
        return closed(request, invitation)
    saved_at = timezone.localtime()
    if wants_json:
        form = IntakeForm(data=request.POST)
        sections = {section["key"]: section["complete"] for section in form.section_progress()}
        return JsonResponse(
            {
                "saved_at": saved_at.isoformat(),
                "saved_at_display": f"{saved_at:%H:%M}",
                "sections": sections,
                "errors": {name: [message] for name, message in refused.items()},
            }
        )
    form = IntakeForm(initial=initial_from(invitation.answers))
    return page(request, invitation, form, token, saved_at=f"{saved_at:%H:%M}")


@login_not_required
@require_GET
def thanks(request):
    return render(request, "intake/client_thanks.html")
