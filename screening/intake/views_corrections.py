"""Correcting a record's answers through the consultation form, filled with the answers in force.

The original screening never changes: the corrected answers become an amendment beside it
(records.amendments). The client's name and date of birth belong to the client record and are
shown, not edited, here.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction
from screening.engine import validate_intake
from screening.forms import CleanTextForm, own_field
from screening.records.amendments import amendment_record, current_version, editable_answers
from screening.records.models import Screening
from screening.rules.services import NoPublishedRuleSet

from .answers import answers_from_intake, too_long_lists
from .forms import (
    IntakeForm,
    answers_as_post,
    checked_answers,
    initial_from,
    pressed_none_button,
)

CLIENT_QUESTIONS = ("client_name", "client_date_of_birth", "client_reference")
# Said when a correction is asked to answer what no button of its page answers (every section
# at once, say): the page comes back as it was posted.
NOTHING_ANSWERED = (
    "Nothing was answered for you: a correction is made section by section, with each "
    "section's own “None of these apply”. Your changes are kept below; nothing is saved yet."
)


class ReasonForm(CleanTextForm):
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "Reason for the correction: say why the answers change."},
    )


def correction_form(screening, in_force, data=None, shown=None) -> IntakeForm:
    """The consultation form for `screening`, showing the answers in force (or the answers
    `shown`): the client's questions fixed to the record's, ages counted on the screening's day."""
    client = screening.client
    identity = {"name": client.name, "date_of_birth": client.date_of_birth.isoformat()}
    kept = answers_from_intake({**in_force.intake, "client": identity})
    if shown is not None:
        kept = {**{name: kept[name] for name in CLIENT_QUESTIONS}, **shown}
    form = IntakeForm(data, initial=initial_from(kept), today=screening.screened_on)
    for name in CLIENT_QUESTIONS:
        own_field(form, name).disabled = True
    return form


@role_required(Role.RECORDS_KEEPER)
@require_http_methods(["GET", "POST"])
def correct_answers(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    in_force = current_version(screening)
    context = {"screening": screening, "too_long": too_long_lists(in_force.intake)}
    form, reason = correction_form(screening, in_force), ReasonForm()
    if request.method == "POST" and not context["too_long"]:
        answers, refused = checked_answers(request.POST, {})
        if "apply_none" in request.POST:  # "None of these apply" without script: shown again
            if pressed_none_button(request.POST) is None:
                messages.warning(request, NOTHING_ANSWERED)
            form = correction_form(screening, in_force, shown=answers)
            reason = ReasonForm(initial={"reason": request.POST.get("reason", "")})
        else:
            form = correction_form(screening, in_force, request.POST)
            reason = ReasonForm(request.POST)
            both_valid = all([form.is_valid(), reason.is_valid()])  # both say what is wrong
            if both_valid and not refused and saved(request, screening, in_force, form, reason):
                return redirect(screening)
    audit.log(request, AuditAction.VIEWED, screening)  # the form shows every answer
    sections = form.section_progress() if form.is_bound else progress_of(form)
    context.update(form=form, reason=reason, sections=sections)
    return render(request, "intake/correct.html", context)


def progress_of(form: IntakeForm) -> list[dict]:
    """The sections of the answers an unbound form shows."""
    shown = {
        name: value if isinstance(value, list) else [value] for name, value in form.initial.items()
    }
    return IntakeForm(answers_as_post(shown), today=form.today).section_progress()


def saved(request, screening, in_force, form, reason) -> bool:
    # The age is the record's: the date of birth is not corrected here.
    answers = {
        **editable_answers(form.to_intake()),
        "client_age_years": in_force.intake["client_age_years"],
    }
    if answers == editable_answers(validate_intake(in_force.intake)):
        form.add_error(None, "No answer was changed: correct at least one answer.")
        return False
    try:
        amendment_record(
            screening=screening,
            author=request.user,
            reason=reason.cleaned_data["reason"],
            answers=answers,
            remote_addr=audit.client_address(request),
        )
    except NoPublishedRuleSet:
        messages.error(request, "No rule set is published, so the answers cannot be decided.")
        return False
    messages.success(request, "The correction is saved beside the original record.")
    return True
