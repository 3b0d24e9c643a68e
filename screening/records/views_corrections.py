"""Records keepers' corrections: amendments and clinical overrides; and the print log."""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from screening import audit, engine
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction
from screening.forms import CleanTextForm, json_from_field
from screening.rules.services import NoPublishedRuleSet

from .amendments import amendment_record, current_version, editable_answers, override_record
from .models import Outcome, OverrideReason, Screening
from .presentation import OUTCOME_DISPLAY

RECORD_READERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)


class AmendmentForm(CleanTextForm):
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Give the reason for the correction (reason)."},
    )
    answers = forms.CharField(
        label="Corrected answers (JSON)",
        widget=forms.Textarea(
            attrs={"rows": 24, "class": "form-control font-monospace", "spellcheck": "false"}
        ),
        error_messages={"required": "The corrected answers are required (answers)."},
        help_text="Every answer of the intake, as JSON. Change only what was recorded wrongly.",
    )

    def __init__(self, *args, original: dict, **kwargs):
        self.original = original
        super().__init__(*args, **kwargs)

    def clean_answers(self):
        answers = json_from_field(self.cleaned_data["answers"], "answers")
        if isinstance(answers, dict) and "client" in answers:
            raise forms.ValidationError(
                "client cannot be corrected here: change the client's details on the client record."
            )
        try:
            valid = engine.validate_intake(answers)
        except engine.IntakeInvalid as invalid:
            raise forms.ValidationError([error.message for error in invalid.errors]) from invalid
        if valid == editable_answers(engine.validate_intake(self.original)):
            raise forms.ValidationError("No answer was changed: correct at least one answer.")
        return valid


class OverrideForm(CleanTextForm):
    outcome = forms.ChoiceField(
        label="Outcome decided by the clinician",
        choices=Outcome.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason_code = forms.ChoiceField(
        label="Reason",
        choices=OverrideReason.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Explain the override in the comment (comment)."},
        help_text="Who cleared the client, on what date, and on what terms.",
    )

    def __init__(self, *args, computed_outcome: str, **kwargs):
        self.computed_outcome = computed_outcome
        super().__init__(*args, **kwargs)

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome == self.computed_outcome:
            raise forms.ValidationError(
                f"The rules already gave '{outcome}': choose a different outcome (outcome)."
            )
        return outcome


def pretty(answers: dict) -> str:
    return json.dumps(answers, indent=2, ensure_ascii=False)


@role_required(Role.RECORDS_KEEPER)
@require_http_methods(["GET", "POST"])
def screening_amend(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    in_force = current_version(screening)
    form = AmendmentForm(
        request.POST if request.method == "POST" else None,
        original=in_force.intake,
        initial={"answers": pretty(editable_answers(in_force.intake))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            amendment_record(
                screening=screening,
                author=request.user,
                reason=form.cleaned_data["reason"],
                answers=form.cleaned_data["answers"],
                remote_addr=audit.client_address(request),
            )
        except NoPublishedRuleSet:
            messages.error(request, "No rule set is published, so the answers cannot be decided.")
        else:
            messages.success(request, "The correction is saved beside the original record.")
            return redirect(screening)
    audit.log(request, AuditAction.VIEWED, screening)  # the form shows every answer
    context = {"screening": screening, "form": form, "in_force": in_force}
    return render(request, "records/amend_form.html", context)


@role_required(Role.RECORDS_KEEPER)
@require_http_methods(["GET", "POST"])
def screening_override(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    computed = current_version(screening).outcome
    form = OverrideForm(
        request.POST if request.method == "POST" else None, computed_outcome=computed
    )
    if request.method == "POST" and form.is_valid():
        override_record(
            screening=screening,
            author=request.user,
            remote_addr=audit.client_address(request),
            **form.cleaned_data,
        )
        messages.success(request, "The override is recorded beside the computed decision.")
        return redirect(screening)
    audit.log(request, AuditAction.VIEWED, screening)
    context = {"screening": screening, "form": form, "computed": OUTCOME_DISPLAY[computed]}
    return render(request, "records/override_form.html", context)


@role_required(*RECORD_READERS)
@require_POST
def screening_printed(request, pk):
    """Logged by the print button's script (204), or posted without script (then back)."""
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    audit.log(request, AuditAction.PRINTED, screening)
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(status=204)
    messages.info(request, "Use your browser's Print command (Ctrl+P) to print this record.")
    return redirect(screening)
