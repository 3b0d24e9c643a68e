"""Records keepers' clinical overrides (answers are corrected through the consultation form:
screening/intake/views_corrections.py); and the print log."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction
from screening.forms import CleanTextForm

from .amendments import current_version, override_record
from .models import Outcome, OverrideReason, Screening
from .presentation import OUTCOME_DISPLAY

RECORD_READERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)


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
    if request.POST.get("printed") == "letter":
        messages.info(request, "Use your browser's Print command (Ctrl+P) to print the letter.")
        return redirect("records:screening_letter", pk=screening.pk)
    messages.info(request, "Use your browser's Print command (Ctrl+P) to print this record.")
    return redirect(screening)
