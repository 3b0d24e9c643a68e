"""The consultation pages: start a consultation, answer it (saved as you go), screen the client,
or discard it unfinished.

A new consultation is only an address (a random token) until its first answer is saved: then the
draft is made. So "Start a consultation" leaves nothing behind when nothing is typed.
"""

import uuid

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.accounts.ratelimit import rate_limit
from screening.forms import own_field
from screening.records.models import Client
from screening.records.services import CannotScreen

from .forms import (
    IntakeForm,
    answers_as_post,
    checked_answers,
    initial_from,
    none_applied_message,
    pressed_none_button,
)
from .models import Draft, Invitation
from .review import client_review, unchecked_sections
from .sections import ALL_SECTIONS
from .services import discard_draft, own_drafts, screen_draft

# The session's note of a new consultation started for a returning client: its token and answers.
RETURNING_CLIENT = "returning_client"


def own_draft(request, token) -> Draft:
    """The signed-in practitioner's own draft in their clinic; anyone else's is a 404."""
    return get_object_or_404(own_drafts(request.clinic, request.user), pk=token)


def own_or_new_draft(request, token, *, with_invitation=False) -> Draft:
    """The practitioner's own draft, or a new one not saved yet when no draft has this token;
    anyone else's is a 404. `with_invitation`: read the invitation it was started from (if any)
    in the same query."""
    drafts = own_drafts(request.clinic, request.user)
    if with_invitation:
        drafts = drafts.select_related("invitation")
    draft = drafts.filter(pk=token).first()
    if draft is not None:
        return draft
    if Draft.objects.filter(pk=token).exists():
        raise Http404("No such consultation.")
    data = returning_client(request, token)
    return Draft(token=token, clinic=request.clinic, practitioner=request.user, data=data)


def typed(answers: dict) -> bool:
    return any(value.strip() for values in answers.values() for value in values)


def progress(data: dict) -> list[dict]:
    """The sections of the stored answers, each marked complete or not."""
    return IntakeForm(data=answers_as_post(data)).section_progress()


def to_screening(draft: Draft):
    return redirect("records:screening_detail", draft.screening_id)


@role_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def new_consultation(request):
    """A new consultation's address (nothing is saved before its first answer); posted with a
    returning client, the form filled with their name and date of birth."""
    token = uuid.uuid4()
    if request.method == "POST" and request.POST.get("client"):
        # In the session, not a draft, until the first answer is saved.
        request.session[RETURNING_CLIENT] = {
            "token": str(token),
            "answers": client_answers(request),
        }
    return redirect("intake:consultation", token)


def returning_client(request, token) -> dict:
    """The returning client's details a new consultation was started with (else none)."""
    started = request.session.get(RETURNING_CLIENT, {})
    return started["answers"] if started.get("token") == str(token) else {}


def client_answers(request) -> dict:
    """A returning client's name, date of birth and reference, as the form's stored answers.

    The client is read through the practitioner's clinic: another clinic's client is a 404.
    """
    pk = request.POST["client"]
    client = get_clinic_object_or_404(Client, request, pk=pk if pk.isdigit() else 0)
    return {
        "client_name": [client.name],
        "client_date_of_birth": [client.date_of_birth.isoformat()],
        "client_reference": [client.reference],
    }


@role_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def consultation(request, token):
    if request.method == "POST":
        return submit(request, token)
    draft = own_or_new_draft(request, token, with_invitation=True)
    if draft.screening_id is not None:
        return to_screening(draft)
    form = IntakeForm(initial=initial_from(draft.data))
    if not draft.data.get("client_name"):
        own_field(form, "client_name").widget.attrs["autofocus"] = True  # a new consultation
    context = {
        "form": form,
        "draft": draft,
        "sections": progress(draft.data),
        "review": review_of(request, draft, checked=set(draft.data)),  # ticks saved with it
    }
    return render(request, "intake/consultation.html", context)


def review_of(request, draft: Draft, checked=()) -> dict | None:
    """For a draft started from a client's answers, what the review shows of them; else None."""
    invitation = invitation_of(draft)
    if invitation is None:
        return None
    return client_review(invitation, clinic=request.clinic, checked=checked)


def invitation_of(draft: Draft) -> Invitation | None:
    """The client's answers a saved draft was started from, or None."""
    if draft._state.adding:
        return None
    try:
        return draft.invitation
    except Invitation.DoesNotExist:
        return None


def consultation_answers(post, stored: dict):
    """`checked_answers` for the practitioner's consultation: the one page that offers "None of
    these apply in any section below" (the client's own form and a correction do not)."""
    return checked_answers(post, stored, every_section=True)


def submit(request, token):
    """Screen the client: valid answers become a record and the draft is closed, in one go."""
    answers, refused = consultation_answers(request.POST, {})
    form = IntakeForm(request.POST)
    unchecked = unchecked_sections(request.POST) if reviewed(request) else []
    if form.is_valid() and not refused and not unchecked:
        try:
            try:
                screening = screen(request, token, form, answers)
            except Draft.DoesNotExist:
                # Screened before any save made the draft (someone else's token is a 404).
                own_or_new_draft(request, token).store(answers)
                screening = screen(request, token, form, answers)
        except CannotScreen:
            messages.error(
                request,
                "No rule set is published, so the client cannot be screened yet. Your answers "
                "are saved: ask a rules admin to publish the rules, then submit again.",
            )
        except Exception:
            keep_answers(request, token)  # nothing typed is lost, even then
            raise
        else:
            return redirect(screening)
    draft = keep_answers(request, token)
    if draft.screening_id is not None:
        return to_screening(draft)
    if unchecked:
        messages.error(
            request,
            "Tick each section once you have checked it with the client, then screen: "
            + ", ".join(unchecked)
            + ".",
        )
    context = {
        "form": form,
        "draft": draft,
        "sections": form.section_progress(),
        "review": review_of(request, draft, checked=set(request.POST)),
    }
    return render(request, "intake/consultation.html", context)


def screen(request, token, form, answers):
    return screen_draft(
        token,
        answers=answers,
        intake=form.to_intake(),
        clinic=request.clinic,
        practitioner=request.user,
        remote_addr=audit.client_address(request),
        reviewed=reviewed(request),
        none_applied=form.none_applied_sections(),
    )


def reviewed(request) -> bool:
    """The posted page was a review of the client's answers (it says so)."""
    return request.POST.get("review") == "1"


def keep_answers(request, token) -> Draft:
    """Store the posted answers in the draft, unless it is screened (the form says what was
    refused) or nothing was typed in a new one; nothing typed is lost."""
    draft = own_or_new_draft(request, token)
    if draft.screening_id is None:
        answers, _refused = consultation_answers(request.POST, draft.data)
        if typed(answers) or not draft._state.adding:
            draft.store(answers)
    return draft


@role_required(Role.PRACTITIONER)
@require_POST
@rate_limit("autosave")
def save_answers(request, token):
    """Autosave (JSON for the page's script) and the no-script "Save and continue later"."""
    draft = own_or_new_draft(request, token)
    wants_json = "application/json" in request.headers.get("Accept", "")
    answers, refused = consultation_answers(request.POST, draft.data)
    if draft._state.adding and not typed(answers):
        return nothing_to_save(request, draft, wants_json)
    if draft.screening_id is not None or not draft.store(answers):
        if wants_json:
            screening_url = reverse("records:screening_detail", args=[draft.screening_id])
            return JsonResponse({"screening_url": screening_url}, status=409)
        return to_screening(draft)
    saved_at = timezone.localtime(draft.updated_at)
    if wants_json:
        sections = {section["key"]: section["complete"] for section in progress(draft.data)}
        return JsonResponse(
            {
                "saved_at": saved_at.isoformat(),
                "saved_at_display": f"{saved_at:%H:%M}",
                "sections": sections,
                "errors": {name: [message] for name, message in refused.items()},
            }
        )
    for message in refused.values():
        messages.error(request, f"Not saved: {message}")
    section = pressed_none_button(request.POST, every_section=True)
    if section:  # the no-script "None of these apply": back to where it was
        messages.success(request, none_applied_message(section, draft.data))
        anchor = "none-apply-all" if section == ALL_SECTIONS else f"section-{section}"
        return redirect(f"{draft.get_absolute_url()}#{anchor}")
    messages.success(request, f"Saved at {saved_at:%H:%M}. Open it again from your home page.")
    return redirect(draft)


def nothing_to_save(request, draft: Draft, wants_json: bool):
    """A new consultation with nothing typed yet stays unsaved: no empty drafts."""
    if wants_json:
        return JsonResponse({"saved_at": None, "sections": {}, "errors": {}})
    messages.info(request, "Nothing to save yet: answer a question first.")
    return redirect(draft)


@role_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def discard(request, token):
    """Discard an unfinished consultation, after a confirmation; audited."""
    draft = own_draft(request, token)
    if draft.screening_id is not None:
        return to_screening(draft)
    if request.method == "POST":
        discard_draft(draft, user=request.user, remote_addr=audit.client_address(request))
        messages.success(request, "The unfinished consultation is discarded.")
        return redirect("home")
    return render(request, "intake/discard.html", {"draft": draft})
