"""What every form of the project shares: text and JSON are checked by the engine's one cleaner.

`CleanTextForm` is the base of every form: each text field refuses NUL characters and lone
surrogates with a message naming the field, before any other check (or the database) sees them.
`json_from_field` reads a JSON text box through the engine's one JSON reader. `share_fields`
lets the forms of a large form class share its fields instead of each copying them all.
"""

import copy

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

from screening.engine import InputProblem, clean_text, read_json


class StorableText:
    """A field validator: the value must be text the database can store (see engine.cleaning)."""

    def __init__(self, field: str):
        self.field = field

    def __call__(self, value):
        try:
            clean_text(value, self.field)
        except InputProblem as problem:
            raise forms.ValidationError(message_of(problem), code="unstorable") from None

    def __eq__(self, other):
        return isinstance(other, StorableText) and other.field == self.field


def message_of(problem: InputProblem) -> str:
    return f"{problem.field} {problem.message}"


def json_from_field(text: str, field: str, **limits) -> object:
    """The JSON value of a text box, or a ValidationError naming `field`."""
    try:
        return read_json(text, field, **limits)
    except InputProblem as problem:
        raise forms.ValidationError(message_of(problem), code="invalid_json") from None


def check_storable_text(fields: dict) -> None:
    """Give every text field of `fields` the engine's check for unstorable text, first."""
    for name, field in fields.items():
        if isinstance(field, forms.CharField):
            kept = [
                v
                for v in field.validators
                if not isinstance(v, validators.ProhibitNullCharactersValidator | StorableText)
            ]
            field.validators = [StorableText(name), *kept]


class SharedFields(dict):
    """A form class's fields that its forms share instead of copying (see `share_fields`)."""

    def __deepcopy__(self, memo):
        return dict(self)  # what Django's BaseForm takes as the form's own `fields`


def share_fields(form_class):
    """Let the forms of `form_class` share its fields rather than deep-copy them all.

    Django deep-copies every field (widget, choices, messages) for every form so that a form may
    change its own. A form of ~90 questions that changes none spends most of a request on that.
    Shared fields are read only: a form that changes a field, or renders it through a template
    that writes into its widget (crispy-forms adds CSS classes there), first takes its own copy
    with `own_field`.
    """
    check_storable_text(form_class.base_fields)
    form_class.base_fields = SharedFields(form_class.base_fields)
    return form_class


def own_field(form, name: str) -> forms.Field:
    """`form`'s own copy of its field `name`, to change for this form alone."""
    field = form.fields[name] = copy.deepcopy(form.fields[name])
    form._bound_fields_cache.pop(name, None)  # a bound field made before holds the shared one
    return field


class CleanTextMixin:
    """Give every text field of the form the engine's check for unstorable text, first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.base_fields, SharedFields):  # shared ones are checked already
            check_storable_text(self.fields)


class CleanTextForm(CleanTextMixin, forms.Form):
    """The base of the project's forms."""


class SignInForm(CleanTextMixin, AuthenticationForm):
    """Django's sign-in form, with the username's length checked before anyone looks it up.

    Django sets the username's max_length after the field is built, so without this a 300
    character username reaches authentication (and the lockout table) unchecked.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(validators.MaxLengthValidator(field.max_length))
