"""Forms of the rule editor. Every rule is validated by the engine, against the draft's classes."""

from __future__ import annotations

import json
import re
import uuid

from django import forms

from screening import engine
from screening.engine.wording import did_you_mean, sentence
from screening.forms import CleanTextForm, json_from_field

from .models import Action, MedicationName, Outcome, Scenario

FORM_FIELDS = {
    "code": "code",
    "title": "title",
    "action": "action",
    "message": "message",
    "client_message": "client_message",
    "wait_days": "wait_days",
    "wait_unit": "wait_unit",
    "wait_from": "wait_from",
    "source": "source",
    "source_section": "source_section",
}
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9 .'\-]*")
CLASS_CODE = re.compile(r"[a-z][a-z0-9_]*")


class StyledForm(CleanTextForm):
    """A rules-admin form whose widgets carry Bootstrap's classes, by the kind of widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden or isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                style = "form-check-input"
            elif isinstance(widget, forms.Select):
                style = "form-select"
            else:
                style = "form-control"
            if style not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{style} {widget.attrs.get('class', '')}".strip()


class RuleForm(StyledForm):
    title = forms.CharField(
        max_length=120,
        help_text='What a practitioner reads first, e.g. "Family history of vitiligo".',
    )
    code = forms.CharField(max_length=64, help_text="The precaution code, e.g. PSORIASIS.")
    action = forms.ChoiceField(choices=Action.choices)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    client_message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    wait_days = forms.IntegerField(
        label="Wait", required=False, help_text="Postpone only. Empty: until resolved."
    )
    wait_unit = forms.ChoiceField(
        label="Wait in",
        required=False,
        choices=[("days", "days"), ("months", "calendar months")],
        initial="days",
        help_text="Calendar months: six months after 15 March is 15 September.",
    )
    wait_from = forms.ChoiceField(
        required=False,
        choices=[("", "The screening day")] + [(a, a) for a in engine.WAIT_ANCHORS],
        help_text="Postpone with a wait only: count the wait from this answer.",
    )
    source = forms.CharField(max_length=300)
    source_section = forms.CharField(max_length=300, required=False)
    reviewed_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When this rule was last checked against its sources.",
    )
    condition = forms.CharField(
        label="Condition (JSON)",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "font-monospace"}),
        help_text=(
            'A group: {"all": [...]} or {"any": [...]} of tests and groups; a test is a field, an'
            " operator and a value."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    overrides = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    def __init__(self, *args, class_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.class_codes = frozenset(class_codes)
        self.condition_problems: list[dict] = []

    def clean_overrides(self):
        """The key of the floor rule a clinic's rule makes stricter (sent by "Make stricter")."""
        key = self.cleaned_data["overrides"].strip()
        try:
            return uuid.UUID(key) if key else None
        except ValueError:
            raise forms.ValidationError("overrides: not the key of a floor rule.") from None

    def clean(self):
        data = super().clean()
        if "condition" not in data:
            return data
        try:
            condition = json_from_field(data["condition"], "condition")
        except forms.ValidationError as error:
            self.add_error("condition", error)
            return data
        data["condition_json"] = condition
        for problem in engine.validate_rule(
            self.spec_dict(condition), class_codes=self.class_codes
        ):
            if problem.part.startswith("condition"):
                path = problem.part.removeprefix("condition").lstrip(".")
                self.condition_problems.append({"path": path, "message": problem.message})
                self.add_error("condition", (f"At {path}: " if path else "") + problem.message)
            elif problem.part in FORM_FIELDS:
                if problem.part not in self.errors:
                    self.add_error(FORM_FIELDS[problem.part], problem.message)
            else:
                self.add_error(None, problem.message)
        return data

    def spec_dict(self, condition) -> dict:
        data = self.cleaned_data
        return {
            "code": data.get("code", ""),
            "title": data.get("title", ""),
            "action": data.get("action", ""),
            "message": data.get("message", ""),
            "client_message": data.get("client_message", ""),
            "wait_days": data.get("wait_days"),
            "wait_unit": data.get("wait_unit") or "days",
            "wait_from": data.get("wait_from") or None,
            "source": data.get("source", ""),
            "source_section": data.get("source_section", ""),
            "condition": condition,
        }

    def rule_values(self) -> dict:
        values = self.spec_dict(self.cleaned_data["condition_json"])
        values["wait_from"] = values["wait_from"] or ""
        values["reviewed_on"] = self.cleaned_data["reviewed_on"]
        if self.cleaned_data.get("overrides"):
            values["overrides"] = self.cleaned_data["overrides"]
        return values


def rule_initial(rule) -> dict:
    return {
        "code": rule.code,
        "title": rule.title,
        "action": rule.action,
        "message": rule.message,
        "client_message": rule.client_message,
        "wait_days": rule.wait_days,
        "wait_unit": rule.wait_unit,
        "wait_from": rule.wait_from,
        "source": rule.source,
        "source_section": rule.source_section,
        "reviewed_on": rule.reviewed_on,
        "condition": json.dumps(rule.condition, indent=2),
        "revision": rule.revision,
    }


class MedicationNameForm(StyledForm):
    name = forms.CharField(max_length=200, help_text="Lower case: a generic, brand or misspelling.")
    generic = forms.CharField(max_length=200, help_text="The generic name, lower case.")
    classes = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None: recognised, no flag."
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rule_set, classes_from=None, **kwargs):
        """`classes_from`: the rule set whose classes a name may take (a layer's floor)."""
        super().__init__(*args, **kwargs)
        self.rule_set = rule_set
        self.fields["classes"].choices = [
            (c.code, f"{c.label} ({c.code})")
            for c in (classes_from or rule_set).medication_classes.all()
        ]

    def _lower(self, key):
        value = " ".join(self.cleaned_data[key].split())
        if value != value.lower():
            raise forms.ValidationError(f"Write the {key} in lower case: '{value.lower()}'.")
        if not NAME_PATTERN.fullmatch(value):
            raise forms.ValidationError(
                "Use letters, digits, spaces, dots, hyphens or apostrophes only."
            )
        return value

    def clean_name(self):
        name = self._lower("name")
        if MedicationName.objects.filter(rule_set=self.rule_set, name=name).exists():
            raise forms.ValidationError(f"'{name}' is already in the vocabulary.")
        return name

    def clean_generic(self):
        return self._lower("generic")


class MedicationClassForm(StyledForm):
    code = forms.CharField(
        max_length=64, help_text="Lower case and _, as rules name it: e.g. gold_compound."
    )
    label = forms.CharField(max_length=200, help_text="What the practitioner reads.")
    precaution = forms.CharField(
        max_length=64, help_text="The precaution code its rule uses, e.g. IMMUNOSUPPRESSION."
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rule_set, **kwargs):
        # Its own ids: it shares the vocabulary page with the name form (both have a revision).
        super().__init__(*args, auto_id="id_class_%s", **kwargs)
        self.rule_set = rule_set

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CLASS_CODE.fullmatch(code):
            raise forms.ValidationError(
                "code: use lower-case letters, digits and _, starting with a letter."
            )
        if self.rule_set.medication_classes.filter(code=code).exists():
            raise forms.ValidationError(f"code: the class '{code}' is already in the vocabulary.")
        return code

    def clean_precaution(self):
        precaution = self.cleaned_data["precaution"].strip()
        if not engine.PRECAUTION_CODE.fullmatch(precaution):
            raise forms.ValidationError(
                "precaution: use capitals, digits and _, e.g. IMMUNOSUPPRESSION."
            )
        return precaution


class ScenarioForm(CleanTextForm):
    """A scenario: a complete intake and what the rules must make of it before a publish."""

    name = forms.CharField(
        max_length=200,
        help_text="What the scenario checks, in a few words.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    intake = forms.CharField(
        label="Intake (JSON)",
        widget=forms.Textarea(
            attrs={"rows": 20, "spellcheck": "false", "class": "form-control font-monospace"}
        ),
        help_text="Every field of INTAKE.md, as JSON.",
    )
    expected_outcome = forms.ChoiceField(
        choices=Outcome.choices,
        label="Expected outcome",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    required_codes = forms.CharField(
        required=False,
        label="Precautions that must fire",
        help_text="Precaution codes, separated by commas or spaces; may be empty.",
        widget=forms.TextInput(attrs={"class": "form-control font-monospace"}),
    )
    active = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Inactive scenarios are kept but not run.",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, scenario: Scenario | None, known_codes=(), clinic=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        self.clinic = clinic
        self.known_codes = frozenset(known_codes)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Scenario.objects.exclude(pk=self.scenario.pk if self.scenario else None)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"name: another scenario is called '{name}'.")
        return name

    def clean_intake(self):
        intake = json_from_field(self.cleaned_data["intake"], "intake")
        try:
            engine.validate_intake(intake)
        except engine.IntakeInvalid as invalid:
            raise forms.ValidationError([error.message for error in invalid.errors]) from invalid
        return intake

    def clean_required_codes(self):
        codes = list(
            dict.fromkeys(re.split(r"[\s,]+", self.cleaned_data["required_codes"].strip()))
        )
        codes = [code for code in codes if code]
        problems = [
            sentence(
                f"required_codes: {code} is not a precaution code of the rules"
                + did_you_mean(code.upper(), sorted(self.known_codes))
            )
            for code in codes
            if code not in self.known_codes
        ]
        if problems:
            raise forms.ValidationError(problems)
        return codes

    def save(self) -> Scenario:
        scenario = self.scenario or Scenario(clinic=self.clinic)
        for field in ("name", "intake", "expected_outcome", "required_codes", "active"):
            setattr(scenario, field, self.cleaned_data[field])
        scenario.save()
        return scenario


def scenario_initial(scenario: Scenario) -> dict:
    return {
        "name": scenario.name,
        "intake": json.dumps(scenario.intake, indent=2, ensure_ascii=False),
        "expected_outcome": scenario.expected_outcome,
        "required_codes": ", ".join(scenario.required_codes),
        "active": scenario.active,
    }
