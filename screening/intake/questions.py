"""The consultation's questions, in the order they are asked, grouped into the seven sections.

Choices come from the engine's schema (`screening.engine.INTAKE_FIELDS`), so the form offers
exactly the values the intake allows. Error messages start with the question's short name (the
schema's label) so that the summary at the top of the page says which answer is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from screening.engine import INTAKE_FIELDS, field_label

YES, NO = "yes", "no"
YES_NO = ((YES, "Yes"), (NO, "No"))
IN_AREA = (("", "Choose…"), (YES, "Yes, in or next to the area"), (NO, "No, elsewhere"))
FITZPATRICK = (
    ("1", "I: always burns, never tans"),
    ("2", "II: usually burns, tans a little"),
    ("3", "III: sometimes burns, tans evenly"),
    ("4", "IV: rarely burns, tans easily"),
    ("5", "V: very rarely burns, tans very easily"),
    ("6", "VI: never burns"),
)
MAX_DAYS = 3650


def named(field: forms.Field, name: str) -> forms.Field:
    """Keep the question's short name on the field, for the form's own error messages."""
    field.short_name = name
    return field


def is_yes(value: str) -> bool:
    return value == YES


def choices_of(name: str, item: str | None = None) -> tuple[tuple[str, str], ...]:
    spec = INTAKE_FIELDS[name]
    return (spec.item(item) if item else spec).choices


def yes_no(label: str, name: str, *, help_text: str = "", required: bool = True):
    """A Yes/No question as radios with nothing chosen: an unanswered question is never a No."""
    message = f"{name}: choose Yes or No."
    field = forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=is_yes,
        empty_value=None,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )
    return named(field, name)


def one_of(
    intake_name: str, label: str, *, choices=None, select=False, required=True, coerce=str, name=""
):
    """One answer from a closed list: radios, or a select whose first choice is empty."""
    name = name or field_label(intake_name)
    choices = tuple(choices or choices_of(intake_name))
    message = f"{name}: choose one answer."
    field = forms.TypedChoiceField(
        label=label,
        choices=((("", "Choose…"),) + choices) if select else choices,
        coerce=coerce,
        empty_value=None,
        required=required,
        widget=forms.Select if select else forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )
    return named(field, name)


def any_of(intake_name: str, label: str, *, required=False):
    name = field_label(intake_name)
    field = forms.MultipleChoiceField(
        label=label,
        choices=choices_of(intake_name),
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": f"{name}: tick at least one.",
            "invalid_choice": f"{name}: %(value)s is not one of the choices.",
        },
    )
    return named(field, name)


def text(label: str, name: str, *, max_length=200, required=True, textarea=False, missing=""):
    attrs = {"autocomplete": "off"}
    widget = forms.Textarea(attrs={**attrs, "rows": 4}) if textarea else forms.TextInput(attrs)
    field = forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "required": f"{name}: {missing or 'enter an answer.'}",
            "max_length": f"{name}: keep it to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    return named(field, name)


def in_area(name: str):
    """Whether a listed item is in or next to the treatment area (a row editor's select)."""
    message = f"{name}: say whether it is in or next to the treatment area."
    field = forms.TypedChoiceField(
        label="In or next to the treatment area?",
        choices=IN_AREA,
        coerce=is_yes,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": message},
    )
    return named(field, name)


def whole_number(label: str, name: str, *, maximum=MAX_DAYS):
    message = f"{name}: enter a whole number from 0 to {maximum}."
    field = forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={key: message for key in ("invalid", "min_value", "max_value")},
    )
    return named(field, name)


@dataclass(frozen=True)
class Rows:
    """A row editor for a list of objects: `count` rows of `columns`, each row all-or-nothing."""

    name: str
    count: int
    noun: str
    columns: tuple[str, ...]

    def field(self, row: int, column: str) -> str:
        return f"{self.name}_{row}_{column}"

    def row_fields(self, row: int) -> list[str]:
        return [self.field(row, column) for column in self.columns]

    @property
    def field_names(self) -> list[str]:
        return [name for row in range(1, self.count + 1) for name in self.row_fields(row)]


@dataclass(frozen=True)
class FollowUp:
    """Questions asked only after a given answer; `keep_filled` lists stay visible while filled,
    so an answer of No cannot hide items that would contradict it."""

    gate: str
    values: tuple[str, ...]
    items: tuple
    intro: str = ""
    keep_filled: bool = False


@dataclass(frozen=True)
class SideBySide:
    """Short questions shown side by side on a wide screen."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple
    short: str = ""  # the title in the progress bar, where six must fit a phone's width
    none_apply: bool = True  # it offers "None of these apply" for its yes/no and list questions

    @property
    def field_names(self) -> list[str]:
        return list(flatten(self.items))

    def top_questions(self) -> dict[str, tuple[str, ...]]:
        """The section's own questions (not follow-ups), each with the names of its follow-ups."""
        questions: dict[str, tuple[str, ...]] = {}
        for item in self.items:
            if isinstance(item, str):
                questions[item] = ()
            elif isinstance(item, FollowUp) and item.gate in questions:
                questions[item.gate] += tuple(flatten(item.items))
        return questions


def flatten(items):
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, Rows):
            yield from item.field_names
        else:
            yield from flatten(item.items)
