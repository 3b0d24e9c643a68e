from django import forms

from screening.forms import CleanTextForm

from .models import Scope


class NewKeyForm(CleanTextForm):
    label = forms.CharField(
        max_length=100, help_text="Which system will use the key, e.g. booking-system."
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=Scope.values,
        help_text="What the key may do.",
    )
