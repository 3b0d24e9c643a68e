"""Search and filter forms of the records pages.

A client's name, reference or date of birth is never put in an address (addresses land in logs and
browser history): those searches are posted, and the records list keeps them in the session.
"""

from django import forms
from django.contrib.auth import get_user_model

from screening import engine
from screening.accounts.models import Role
from screening.forms import CleanTextForm

from .models import Outcome


class ClientSearchForm(CleanTextForm):
    q = forms.CharField(
        label="Name or reference",
        max_length=200,
        help_text="Part of the client's name, or the clinic's reference for them.",
        error_messages={"required": "Enter part of the client's name, or their reference."},
    )


class RecordSearchForm(CleanTextForm):
    q = forms.CharField(label="Name or reference", max_length=200, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Date of birth: enter a date such as 1990-12-31."},
    )

    def clean(self):
        cleaned = super().clean()
        empty = not cleaned.get("q", "").strip() and not cleaned.get("date_of_birth")
        if empty and not self.errors:
            raise forms.ValidationError("Enter a name, a reference or a date of birth.")
        return cleaned


class RecordFilterForm(CleanTextForm):
    """The list's filters: none of them is client data, so they travel in the query string."""

    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Any outcome"), *Outcome.choices], required=False
    )
    practitioner = forms.TypedChoiceField(
        label="Practitioner", coerce=int, empty_value=None, required=False
    )
    date_from = forms.DateField(
        label="Screened from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Screened until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    precaution = forms.CharField(
        label="Precaution code",
        max_length=80,
        required=False,
        help_text="For example ACTIVE_INFECTION.",
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        practitioners = (
            get_user_model()
            .objects.filter(membership__clinic=clinic, membership__role=Role.PRACTITIONER)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["practitioner"].choices = [("", "Anyone")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in practitioners
        ]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean_precaution(self):
        code = self.cleaned_data["precaution"].strip().upper()
        if code and not engine.PRECAUTION_CODE.fullmatch(code):
            raise forms.ValidationError(
                "Precaution code: capital letters, digits and underscores, such as ACNE_ACTIVE."
            )
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Screened until: this is before the 'from' date.")
        return cleaned
