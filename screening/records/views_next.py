"""What comes after a decision: the referral letter, and the follow-up date of a postponement
with no fixed wait."""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction
from screening.forms import CleanTextForm

from .amendments import FollowUpRefused, follow_up_record, needs_follow_up
from .letters import referral_letter
from .models import Screening

RECORD_READERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)
FOLLOW_UP_DAYS = 14
LATEST_FOLLOW_UP_DAYS = 366


def default_follow_up() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_DAYS)


class FollowUpForm(CleanTextForm):
    due_on = forms.DateField(
        label="Follow-up date",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text="From this day the client is listed as due for a re-screen.",
        error_messages={
            "required": "Follow-up date: enter the day to see the client again.",
            "invalid": "Follow-up date: enter a date, e.g. 17/12/2026.",
        },
    )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        today = timezone.localdate()
        if due_on < today:
            raise forms.ValidationError("Follow-up date: choose today or a later day.")
        if due_on > today + datetime.timedelta(days=LATEST_FOLLOW_UP_DAYS):
            raise forms.ValidationError("Follow-up date: choose a day within the next year.")
        return due_on


def follow_up_form() -> FollowUpForm:
    return FollowUpForm(initial={"due_on": default_follow_up()})


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def screening_follow_up(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    form = FollowUpForm(request.POST) if request.method == "POST" else follow_up_form()
    if request.method == "POST" and form.is_valid():
        due_on = form.cleaned_data["due_on"]
        try:
            follow_up_record(
                screening=screening,
                author=request.user,
                due_on=due_on,
                remote_addr=audit.client_address(request),
            )
        except FollowUpRefused:
            messages.info(request, "The rules set this record's re-screen date: nothing to set.")
        else:
            messages.success(request, f"Follow-up set: the client is due from {due_on:%-d %B %Y}.")
        return redirect(screening)
    audit.log(request, AuditAction.VIEWED, screening)  # the page names the client
    return render(request, "records/follow_up_form.html", {"screening": screening, "form": form})


@role_required(*RECORD_READERS)
def screening_letter(request, pk):
    """The referral letter alone, to print on A4 (or to read before printing)."""
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    letter = referral_letter(screening)
    if letter is None:
        messages.info(request, "No referral is in force for this record, so there is no letter.")
        return redirect(screening)
    audit.log(request, AuditAction.VIEWED, screening)
    return render(
        request, "records/referral_letter.html", {"screening": screening, "letter": letter}
    )


def follow_up_context(screening: Screening, outcome_in_force: str) -> dict:
    """The record page's follow-up part: asked for a postponement with no date, then shown."""
    if outcome_in_force != "postpone" or not needs_follow_up(screening):
        return {"follow_up": None}
    latest = screening.follow_ups.select_related("author").order_by("-created_at", "-pk").first()
    return {"follow_up": {"latest": latest, "form": follow_up_form()}}
