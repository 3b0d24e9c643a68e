"""The consultation form: every question of INTAKE.md in consultation order, and its intake.

Every question must be answered explicitly: nothing defaults to "no". Lists are asked as a Yes/No
question followed by the items; an answer that contradicts its items is an error on that question,
never silently dropped. `IntakeForm.to_intake()` gives the intake exactly as INTAKE.md describes it,
plus the `client` block.
"""

from __future__ import annotations

import copy
import datetime
import functools

from crispy_forms.helper import FormHelper
from django import forms
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from screening.engine import (
    INTAKE_FIELDS,
    IntakeInvalid,
    field_label,
    text_problem,
    validate_intake,
)
from screening.forms import CleanTextForm, check_storable_text, share_fields

from .questions import (
    FITZPATRICK,
    NO,
    YES,
    Rows,
    any_of,
    choices_of,
    in_area,
    named,
    one_of,
    text,
    whole_number,
    yes_no,
)
from .rendering import render_questions_once
from .sections import (
    ALL_ROW_NAMES,
    ALL_SECTIONS,
    FIELD_NAMES,
    INFECTION_ROWS,
    MOST_ROWS,
    PROCEDURE_ROWS,
    PRODUCT_ROWS,
    REVIEW_TICKS,
    ROW_EDITORS,
    ROW_MISSING,
    SECTIONS,
    consultation_layout,
    field_names,
    row_counts,
    rows_with_counts,
    sections_with_rows,
)

MAX_VALUE_LENGTH = 5000
MAX_VALUES = 20
# The questions "None of these apply" answered, kept with the answers until the record is made,
# and those of them that the button for every section answered.
NONE_APPLIED = "none_applied"
NONE_FOR_ALL = "none_applied_all"
STORED_NAMES = (
    *dict.fromkeys((*FIELD_NAMES, *ALL_ROW_NAMES)),
    NONE_APPLIED,
    NONE_FOR_ALL,
    *REVIEW_TICKS,
)


def raw_answers(post) -> dict[str, list[str]]:
    """The form's answers from a POST as stored in `Draft.data`: name -> list of values."""
    return {
        name: [value[:MAX_VALUE_LENGTH] for value in post.getlist(name)[: most_values(name)]]
        for name in STORED_NAMES
        if name in post
    }


def most_values(name: str) -> int:
    # "None of these apply" marks one value for each question it answered, more than 20 in all.
    return len(NONE_VALUE) if name in (NONE_APPLIED, NONE_FOR_ALL) else MAX_VALUES


def checked_answers(
    post, stored: dict, *, every_section: bool = False
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """`raw_answers`, and why each answer that cannot be stored was refused (by field name).

    A refused answer (a NUL character, say) keeps its stored value, so the draft stays one that
    can be saved and screened, and every other answer is still kept. A press of a section's
    "None of these apply" (`apply_none`, without script) answers its unanswered questions, and of
    the button for every section those of every section, on the page that offers it only (see
    `pressed_none_button`); elsewhere the marks only that button gives are dropped too.
    """
    data = raw_answers(post)
    if not every_section:
        data.pop(NONE_FOR_ALL, None)
    if section := pressed_none_button(post, every_section=every_section):
        apply_none(data, section)
    keep_none_marks(data)
    refused = {}
    for name, values in list(data.items()):
        problem = next(filter(None, map(text_problem, values)), None)
        if problem is None:
            continue
        refused[name] = f"{name} {problem}"
        if name in stored:
            data[name] = stored[name]
        else:
            del data[name]
    return data, refused


def pressed_none_button(post, *, every_section: bool = False) -> str | None:
    """The "None of these apply" a POST pressed without script (`apply_none`): a section's key,
    or `ALL_SECTIONS` where the page offers the button for every section (`every_section`: the
    practitioner's consultation, never the client's own form nor a correction). None for any
    other value, a hand-made `apply_none=all` included: it answers nothing."""
    pressed = post.get("apply_none")
    offered = NONE_BUTTONS if every_section else NONE_ANSWERS
    return pressed if pressed in offered else None


def apply_none(data: dict, section: str) -> list[str]:
    """Answer No or None to each question of `section` that has no answer yet, and mark it.

    A question answered already, or whose follow-up holds anything, keeps its answer: the button
    never overwrites what was typed. Returns the names of the questions it answered.
    `ALL_SECTIONS` does so in every section that has the button, marked as answered all at once.
    """
    if section == ALL_SECTIONS:
        answered = [name for key in NONE_ANSWERS for name in apply_none(data, key)]
        data[NONE_FOR_ALL] = [*data.get(NONE_FOR_ALL, []), *answered]
        return answered
    answered = []
    for name, value in NONE_ANSWERS[section].items():
        if any(given.strip() for n in (name, *FOLLOW_UPS[name]) for given in data.get(n, [])):
            continue
        data[name] = [value]
        answered.append(name)
    data[NONE_APPLIED] = [*data.get(NONE_APPLIED, []), *answered]
    return answered


def none_applied_message(section: str, data: dict) -> str:
    """What "None of these apply" did in `section` (or in every section), said after the page
    comes back."""
    if section == ALL_SECTIONS:
        numbers = [n for n, s in enumerate(SECTIONS, 1) if s.key in NONE_ANSWERS]
        where, count = f"Sections {numbers[0]} to {numbers[-1]}", len(data.get(NONE_FOR_ALL, ()))
    else:
        number, title = next((n, s.title) for n, s in enumerate(SECTIONS, 1) if s.key == section)
        marked = set(data.get(NONE_APPLIED, ()))
        where, count = f"{number}. {title}", sum(name in marked for name in NONE_ANSWERS[section])
    return (
        f"{where}: {count} question{pluralize(count)} answered No or None. Check them with the "
        "client and change any that does apply."
    )


def keep_none_marks(data: dict) -> None:
    """Keep the marks of the questions whose answer is still the one "None of these apply" gave,
    and of those among them that the button for every section gave."""
    marks = set(data.pop(NONE_APPLIED, []))
    at_once = set(data.pop(NONE_FOR_ALL, []))
    kept = [name for name in NONE_VALUE if name in marks and data.get(name) == [NONE_VALUE[name]]]
    for mark, names in ((NONE_APPLIED, kept), (NONE_FOR_ALL, [n for n in kept if n in at_once])):
        if names:
            data[mark] = names


def answers_as_post(data: dict) -> MultiValueDict:
    """Stored answers in the shape of a POST, to bind a form to them."""
    return MultiValueDict({name: list(values) for name, values in data.items()})


def initial_from(data: dict) -> dict:
    """Stored answers as a form's `initial`: the page shows them without judging them."""
    multiple = {name for name, field in IntakeForm.base_fields.items() if _is_multiple(field)}
    return {
        name: list(values) if name in multiple else values[0]
        for name, values in data.items()
        if values and name in STORED_NAMES
    }


def age_on(day: datetime.date, date_of_birth: datetime.date) -> int:
    """Whole years from `date_of_birth` to `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def _is_multiple(field) -> bool:
    return isinstance(field, forms.MultipleChoiceField | NoneMarks)


def _row_fields(rows: Rows) -> dict[str, forms.Field]:
    fields = {}
    for row in range(1, rows.count + 1):
        name = f"{rows.noun.capitalize()} {row}"
        for column in rows.columns:
            fields[rows.field(row, column)] = _row_field(rows, column, name)
    return fields


def _row_field(rows: Rows, column: str, name: str) -> forms.Field:
    if column == "type":
        label = "Type of infection" if rows.name == INFECTION_ROWS.name else "Procedure"
        choices = choices_of(rows.name, "type")
        return one_of(rows.name, label, choices=choices, select=True, required=False, name=name)
    if column == "in_treatment_area":
        return in_area(name)
    if column == "name":
        return text("Product name", name, required=False)
    if column == "last_used_days_ago":
        return whole_number("Days since last used (0 = today, or used daily)", name)
    return whole_number("How many days ago?", name)


class NoneMarks(forms.Field):
    """The questions "None of these apply" answered (hidden inputs); unknown names are ignored."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [name for name in value or () if name in NONE_VALUE]


class IntakeForm(CleanTextForm):
    # 1. Client and treatment
    client_name = text("Client's full name", "Client's name", missing="enter the client's name.")
    client_date_of_birth = named(
        forms.DateField(
            label="Date of birth",
            widget=forms.DateInput(
                attrs={"type": "date", "autocomplete": "off", "min": "1900-01-01"},
                format="%Y-%m-%d",
            ),
            error_messages={
                "required": "Date of birth: enter the client's date of birth.",
                "invalid": "Date of birth: enter a real date, for example 31/12/1980.",
            },
        ),
        "Date of birth",
    )
    client_reference = text(
        "Clinic reference (optional)", "Clinic reference", max_length=100, required=False
    )
    treatment_areas = any_of("treatment_areas", "Which areas will be treated?", required=True)
    treatment_goal = one_of("treatment_goal", "Main goal of the treatment")
    fitzpatrick_type = one_of(
        "fitzpatrick_type",
        "Fitzpatrick skin type (your assessment)",
        choices=FITZPATRICK,
        coerce=int,
    )
    uses_topical_products = yes_no(
        "Has the client used any creams, serums, acids or retinol products on this area in the "
        "last two weeks, or use any daily?",
        field_label("topical_products"),
    )
    history_of_pih = yes_no(
        "Have dark marks ever stayed after spots, an injury or a procedure (post-inflammatory "
        "hyperpigmentation)?",
        field_label("history_of_pih"),
    )
    # 2. Infection and skin today
    has_active_infections = yes_no(
        "Is there a cold sore, spot infection, fungal rash, wart or shingles anywhere right now?",
        "Active infections",
    )
    unwell_or_fever_today = yes_no(
        "Is the client feverish, flu-like or otherwise unwell today?",
        field_label("unwell_or_fever_today"),
    )
    cold_sore_history = yes_no(
        "Has the client ever had cold sores on the lips or face?", field_label("cold_sore_history")
    )
    antiviral_prophylaxis_arranged = yes_no(
        "Has a prescriber already provided antiviral cover (e.g. valaciclovir) for this treatment?",
        field_label("antiviral_prophylaxis_arranged"),
        help_text="Answer No if it does not apply.",
    )
    open_wounds_in_area = yes_no(
        "Are there cuts, grazes, sores, or broken, raw or irritated skin in the area?",
        field_label("open_wounds_in_area"),
    )
    acne_in_area = one_of("acne_in_area", "Acne in the treatment area")
    eczema = one_of("eczema", "Eczema")
    psoriasis = one_of("psoriasis", "Psoriasis")
    rosacea = one_of("rosacea", "Rosacea")
    has_other_skin_conditions = yes_no(
        "Any other skin condition: keratosis pilaris, lichen planus, melasma, seborrhoeic "
        "dermatitis or another?",
        field_label("other_skin_conditions"),
    )
    other_skin_conditions = any_of("other_skin_conditions", "If yes: which ones?")
    sunburn_in_area_last_14_days = yes_no(
        "Has the area been sunburnt in the last 14 days?",
        field_label("sunburn_in_area_last_14_days"),
    )
    tanning_in_area_last_14_days = yes_no(
        "Has the area been tanned in the last 14 days (sun, sunbed, spray or self-tan)?",
        field_label("tanning_in_area_last_14_days"),
    )
    tattoo_or_pmu_in_area = yes_no(
        "Is there a tattoo or permanent make-up in the area?", field_label("tattoo_or_pmu_in_area")
    )
    suspicious_lesion_in_area = yes_no(
        "Is there a new, changing, bleeding or non-healing mole or spot, or rough scaly patches, "
        "in the area?",
        field_label("suspicious_lesion_in_area"),
    )
    skin_cancer_history = one_of("skin_cancer_history", "Skin cancer history")
    # 3. Pigment and autoimmune
    has_vitiligo = yes_no(
        "Does the client have vitiligo (white patches where the skin has lost its colour)?",
        field_label("vitiligo"),
    )
    vitiligo_status = one_of(
        "vitiligo",
        "If yes: have any patches been new or spreading in the last 12 months?",
        choices=choices_of("vitiligo")[1:],
        required=False,
    )
    vitiligo_family_history = yes_no(
        "Does any blood relative have vitiligo?", field_label("vitiligo_family_history")
    )
    previous_depigmentation = yes_no(
        "Has the client's skin ever lost its colour (white patches), including after an injury, "
        "burn, peel, laser or other procedure?",
        field_label("previous_depigmentation"),
    )
    has_autoimmune_conditions = yes_no(
        "Does the client have an autoimmune condition (e.g. lupus, rheumatoid arthritis, "
        "autoimmune thyroid disease, type 1 diabetes)?",
        field_label("autoimmune_conditions"),
    )
    autoimmune_conditions = any_of("autoimmune_conditions", "If yes: which ones?")
    # 4. Healing and general health
    keloid_or_hypertrophic_scarring = yes_no(
        "Has the client ever formed a keloid or a raised scar?",
        field_label("keloid_or_hypertrophic_scarring"),
    )
    bleeding_disorder = yes_no(
        "Does the client have a bleeding disorder (haemophilia, von Willebrand disease, low "
        "platelets, liver disease with clotting problems), or been told they bleed or bruise "
        "easily because of one?",
        field_label("bleeding_disorder"),
    )
    diabetes = one_of("diabetes", "Diabetes")
    diabetes_well_controlled = yes_no(
        "If type 1 or type 2: is it well controlled (at target HbA1c, no slow-healing wounds)?",
        field_label("diabetes_well_controlled"),
        required=False,
    )
    immunodeficiency_or_transplant = yes_no(
        "Organ or bone-marrow transplant, HIV with immunosuppression, or an immunodeficiency?",
        field_label("immunodeficiency_or_transplant"),
    )
    chemotherapy_or_radiotherapy = one_of(
        "chemotherapy_or_radiotherapy", "Chemotherapy or radiotherapy"
    )
    radiotherapy_to_treatment_area_ever = yes_no(
        "Has radiotherapy ever been given to skin in the area?",
        field_label("radiotherapy_to_treatment_area_ever"),
    )
    cardiac_condition_or_implanted_device = yes_no(
        "Heart disease under treatment, an irregular heartbeat, or a pacemaker, ICD or other "
        "implanted electronic device?",
        field_label("cardiac_condition_or_implanted_device"),
    )
    pregnant = yes_no("Is the client pregnant, or might she be?", field_label("pregnant"))
    breastfeeding = yes_no("Is the client breastfeeding?", field_label("breastfeeding"))
    # 5. Medicines
    takes_medications = yes_no(
        "Does the client take any medicines, injections, patches or supplements, prescribed or "
        "over the counter?",
        field_label("medications"),
    )
    medications = text(
        "If yes: list every medicine, injection and supplement, one per line (include blood "
        "thinners, aspirin, antibiotics, steroids and biologic injections)",
        field_label("medications"),
        max_length=MAX_VALUE_LENGTH,
        required=False,
        textarea=True,
    )
    isotretinoin_ever = yes_no(
        "Has the client ever taken isotretinoin tablets (Accutane, Roaccutane)?",
        "Isotretinoin tablets",
        help_text="Isotretinoin gel on the skin goes under skincare products instead.",
    )
    isotretinoin_taking_now = yes_no(
        "If yes: is the client taking them now?", "Isotretinoin taken now", required=False
    )
    isotretinoin_months_ago = named(
        forms.FloatField(
            label="If not taking them now: how many months since the last tablet?",
            min_value=0,
            max_value=1200,
            required=False,
            widget=forms.NumberInput(
                attrs={"inputmode": "decimal", "step": "0.5", "autocomplete": "off"}
            ),
            error_messages={
                key: f"{field_label('isotretinoin_last_dose_months_ago')}: enter the months as a "
                "number from 0 to 1200 (decimals allowed, e.g. 1.5)."
                for key in ("invalid", "min_value", "max_value")
            },
        ),
        field_label("isotretinoin_last_dose_months_ago"),
    )
    # 6. Allergies
    has_allergies = yes_no(
        "Does the client have any allergy (numbing cream, metal, latex, antiseptic, skincare, "
        "fragrance, adhesive or other)?",
        field_label("allergies"),
    )
    allergies = any_of("allergies", "If yes: allergic to which?")
    allergy_details = text(
        "If yes: describe the reaction(s) (optional)",
        field_label("allergy_details"),
        max_length=2000,
        required=False,
        textarea=True,
    )
    # 7. Recent procedures
    had_recent_procedures = yes_no(
        "In the last 12 months, has the client had Botox, fillers, peels, laser or IPL, "
        "microneedling, dermabrasion, surgery, or waxing, threading or depilatory cream?",
        field_label("recent_procedures"),
    )
    none_applied = NoneMarks(required=False)
    none_applied_all = NoneMarks(required=False)

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        counts = row_counts(self.data if self.is_bound else self.initial)
        self.sections = sections_with_rows(counts)
        self.rows = {rows.name: rows for rows in rows_with_counts(counts)}
        for usual, count in zip(ROW_EDITORS, counts, strict=True):
            for row in range(usual.count + 1, count + 1):
                for column in usual.columns:
                    field = _extra_row_field(type(self), usual, row, column)
                    self.fields[usual.field(row, column)] = field
        self.helper = consultation_helper(counts)

    @staticmethod
    def asked(field: forms.Field) -> forms.Field:
        """A question as this form asks it (see `ClientIntakeForm`)."""
        return field

    def _clean_fields(self):
        """Django's, reading each answer from the posted data directly: Django makes a
        BoundField for every field it cleans, and a submit cleans ~90 questions to render none
        (that was a third of the form's time)."""
        for name, field in self.fields.items():
            if field.disabled:
                value = self.get_initial_for_field(field, name)
            else:
                value = field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix(name)
                )
            try:
                self.cleaned_data[name] = field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)

    # Checks across questions. Each records an error on the question to change.

    def clean_client_date_of_birth(self):
        born = self.cleaned_data["client_date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("Date of birth: it is in the future; check the year.")
        if born.year < 1900:
            raise forms.ValidationError("Date of birth: it is before 1900; check the year.")
        return born

    def clean_medications(self):
        return [
            line.strip() for line in self.cleaned_data["medications"].splitlines() if line.strip()
        ]

    def clean(self):
        cleaned = super().clean()
        for rows, gate in (
            (INFECTION_ROWS, "has_active_infections"),
            (PRODUCT_ROWS, "uses_topical_products"),
            (PROCEDURE_ROWS, "had_recent_procedures"),
        ):
            self._check_rows(self.rows[rows.name], gate)
        self._check_list("has_other_skin_conditions", "other_skin_conditions", "ticked")
        self._check_list("has_autoimmune_conditions", "autoimmune_conditions", "ticked")
        self._check_list("takes_medications", "medications", "listed")
        self._check_list("has_allergies", "allergies", "ticked")
        if cleaned.get("has_allergies") is False and cleaned.get("allergy_details", "").strip():
            self._contradiction("has_allergies", "described a reaction", "clear the description")
        self._require_when("has_vitiligo", True, "vitiligo_status", "choose stable or active.")
        diabetic = cleaned.get("diabetes") in ("type1", "type2")
        if diabetic and cleaned.get("diabetes_well_controlled") is None:
            self._missing("diabetes_well_controlled", "choose Yes or No (the client has diabetes).")
        self._check_isotretinoin()
        if not self.errors:
            self._check_with_engine()
        return cleaned

    def _check_rows(self, rows: Rows, gate: str) -> None:
        filled = 0
        for row in range(1, rows.count + 1):
            names = rows.row_fields(row)
            if not any(self._raw(name) for name in names):
                continue
            filled += 1
            for column, name in zip(rows.columns, names, strict=True):
                if not self._raw(name) and name not in self.errors:
                    self._missing(name, f"{ROW_MISSING[column]}, or clear the row.")
        answer = self.cleaned_data.get(gate)
        first = rows.row_fields(1)[0]
        if answer is True and not filled:
            label = field_label(rows.name)
            message = f"{label}: you answered Yes; add at least one {rows.noun}, or answer No."
            self.add_error(first, message)
        elif answer is False and filled:
            what = f"listed {filled} {rows.noun}{'s' if filled > 1 else ''}"
            self._contradiction(gate, what, "clear the rows")

    def _check_list(self, gate: str, field: str, verb: str) -> None:
        answer, items = self.cleaned_data.get(gate), self.cleaned_data.get(field) or []
        if answer is True and not items and field not in self.errors:
            label = self.fields[field].short_name
            self.add_error(field, f"{label}: you answered Yes; add at least one, or answer No.")
        elif answer is False and items:
            undo = "untick them" if verb == "ticked" else "clear the list"
            self._contradiction(gate, f"{verb} {len(items)}", undo)

    def _check_isotretinoin(self) -> None:
        ever = self.cleaned_data.get("isotretinoin_ever")
        now = self.cleaned_data.get("isotretinoin_taking_now")
        months = self._raw("isotretinoin_months_ago")
        if ever is True and now is None:
            self._missing("isotretinoin_taking_now", "choose Yes or No.")
        elif ever is True and now is False and not months:
            self._missing(
                "isotretinoin_months_ago", "enter the months since the last tablet (e.g. 1.5)."
            )
        elif months and (ever is False or now is True):
            said = "never took" if ever is False else "takes"
            name = self.fields["isotretinoin_months_ago"].short_name
            message = (
                f"{name}: you answered that the client {said} isotretinoin tablets but gave the "
                "months since the last one; clear the months or change that answer."
            )
            if "isotretinoin_months_ago" not in self.errors:
                self.add_error("isotretinoin_months_ago", message)

    def _require_when(self, gate: str, answer: bool, field: str, what: str) -> None:
        if self.cleaned_data.get(gate) is answer and self.cleaned_data.get(field) is None:
            self._missing(field, what)

    def _missing(self, field: str, what: str) -> None:
        if field not in self.errors:
            self.add_error(field, f"{self.fields[field].short_name}: {what}")

    def _contradiction(self, gate: str, what: str, undo: str) -> None:
        label = self.fields[gate].short_name
        message = f"{label}: you answered No but {what}; change the answer to Yes or {undo}."
        self.add_error(gate, message)

    def _raw(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name), "")
        return value.strip() if isinstance(value, str) else value

    def _check_with_engine(self) -> None:
        # The form should never produce an intake the engine refuses; if it does, say so plainly.
        try:
            validate_intake(self.to_intake())
        except IntakeInvalid as invalid:
            for error in invalid.errors:
                self.add_error(None, f"{field_label(error.field)}: {error.message}")

    # Results.

    def to_intake(self) -> dict:
        """The intake of INTAKE.md plus the `client` block, from a valid form."""
        c = self.cleaned_data
        born = c["client_date_of_birth"]
        vitiligo = c["vitiligo_status"] if c["has_vitiligo"] else "none"
        intake = {
            "client": {
                "name": c["client_name"].strip(),
                "date_of_birth": born.isoformat(),
                "reference": c["client_reference"].strip() or None,
            },
            "client_age_years": age_on(self.today, born),
            **{name: c[name] for name in ("treatment_areas", "treatment_goal", "fitzpatrick_type")},
            "history_of_pih": c["history_of_pih"],
            "active_infections": self._items(self.rows[INFECTION_ROWS.name]),
            **self._answers("unwell_or_fever_today", "skin_cancer_history"),
            "vitiligo": vitiligo,
            **self._answers("vitiligo_family_history", "diabetes"),
            "diabetes_well_controlled": (
                None if c["diabetes"] == "none" else c["diabetes_well_controlled"]
            ),
            **self._answers("immunodeficiency_or_transplant", "breastfeeding"),
            "medications": c["medications"] if c["takes_medications"] else [],
            "isotretinoin_last_dose_months_ago": self._isotretinoin(),
            "topical_products": self._items(self.rows[PRODUCT_ROWS.name]),
            "allergies": c["allergies"] if c["has_allergies"] else [],
            "allergy_details": c["allergy_details"].strip() if c["has_allergies"] else "",
            "recent_procedures": self._items(self.rows[PROCEDURE_ROWS.name]),
        }
        return {"client": intake["client"], **{name: intake[name] for name in INTAKE_FIELDS}}

    def _answers(self, first: str, last: str) -> dict:
        """The answers of the intake fields from `first` to `last`, as the form cleaned them."""
        names = list(INTAKE_FIELDS)
        span = names[names.index(first) : names.index(last) + 1]
        return {name: self.cleaned_data.get(name) for name in span}

    def _items(self, rows: Rows) -> list[dict]:
        items = []
        for row in range(1, rows.count + 1):
            values = {col: self.cleaned_data.get(rows.field(row, col)) for col in rows.columns}
            if any(value not in (None, "") for value in values.values()):
                items.append(values)
        return items

    def _isotretinoin(self):
        c = self.cleaned_data
        if not c["isotretinoin_ever"]:
            return None
        if c["isotretinoin_taking_now"]:
            return 0
        months = c["isotretinoin_months_ago"]
        return int(months) if months.is_integer() else months

    def none_applied_sections(self) -> list[dict]:
        """By section, the intake fields whose answer "None of these apply" gave (for the record),
        from a valid form: the marked questions still answered as the button answered them. A
        section some of whose answers the button for every section gave is `all_at_once`."""
        marked = {
            name
            for name in self.cleaned_data.get(NONE_APPLIED, ())
            if self._raw(name) == NONE_VALUE[name]
        }
        at_once = marked.intersection(self.cleaned_data.get(NONE_FOR_ALL, ()))
        sections = []
        for section in self.sections:
            questions = NONE_ANSWERS.get(section.key, {})
            fields = [ASKED_FOR.get(name, name) for name in questions if name in marked]
            if fields:
                entry = {"section": section.title, "fields": fields}
                if at_once.intersection(questions):
                    entry["all_at_once"] = True
                sections.append(entry)
        return sections

    def section_progress(self) -> list[dict]:
        """Each section, complete when every question in it that applies is validly answered."""
        return [
            {
                "key": section.key,
                "number": number,
                "title": section.title,
                "short": section.short,
                "complete": not any(name in self.errors for name in section.field_names),
            }
            for number, section in enumerate(self.sections, 1)
        ]

    def error_summary(self) -> list[dict]:
        """Every error in the order of the questions, with the id of the input to jump to."""
        summary = [{"anchor": "consultation-form", "message": e} for e in self.non_field_errors()]
        for name in field_names(self.sections):
            bound = self[name]
            # A group of radios or checkboxes is reached through its first input.
            anchor = f"{bound.auto_id}_0" if bound.field.widget.use_fieldset else bound.auto_id
            summary += [{"anchor": anchor, "message": message} for message in bound.errors]
        return summary


# The row questions (infections, products, procedures) and the layout never change: they are
# made once per process, not for every form, and every form shares the fields.
for _rows in ROW_EDITORS:
    IntakeForm.base_fields.update(_row_fields(_rows))
share_fields(IntakeForm)


@functools.cache
def _extra_row_field(form_class, rows: Rows, row: int, column: str) -> forms.Field:
    """A question of a row past a list's usual rows: made once per process, shared by forms."""
    field = form_class.asked(_row_field(rows, column, f"{rows.noun.capitalize()} {row}"))
    check_storable_text({rows.field(row, column): field})
    return field


def _none_answer(name: str) -> str | None:
    """The explicit No or None of a question, if it has one."""
    values = [value for value, _ in getattr(IntakeForm.base_fields[name], "choices", ())]
    if values == [YES, NO]:
        return NO
    return "none" if "none" in values else None


#: By section, the answer "None of these apply" gives each of its own yes/no and list questions.
NONE_ANSWERS: dict[str, dict[str, str]] = {
    section.key: answers
    for section in SECTIONS
    if section.none_apply
    and (answers := {q: a for q in section.top_questions() if (a := _none_answer(q))})
}
NONE_VALUE: dict[str, str] = {q: a for answers in NONE_ANSWERS.values() for q, a in answers.items()}
#: What a press of "None of these apply" posts as `apply_none`: a section, or every section.
NONE_BUTTONS = (*NONE_ANSWERS, ALL_SECTIONS)
#: The follow-up questions of each question (every row a list can grow to): a filled follow-up
#: means the question is answered.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    q: follow_ups
    for section in sections_with_rows((MOST_ROWS,) * len(ROW_EDITORS))
    for q, follow_ups in section.top_questions().items()
}
#: The intake field a gate question asks about, where their names differ.
ASKED_FOR = {
    "has_active_infections": "active_infections",
    "has_other_skin_conditions": "other_skin_conditions",
    "has_vitiligo": "vitiligo",
    "has_autoimmune_conditions": "autoimmune_conditions",
    "takes_medications": "medications",
    "isotretinoin_ever": "isotretinoin_last_dose_months_ago",
    "uses_topical_products": "topical_products",
    "has_allergies": "allergies",
    "had_recent_procedures": "recent_procedures",
}


@functools.lru_cache(maxsize=32)
def consultation_helper(counts: tuple[int, ...]) -> FormHelper:
    """The crispy helper of the IntakeForms whose lists show `counts` rows: read only while
    rendering, so it is shared."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.include_media = False  # no question has media: no need to ask ~90 widgets each time
    helper.layout = consultation_layout(NONE_ANSWERS, sections_with_rows(counts))
    render_questions_once(helper)
    return helper


# The consultation's questions address the practitioner; the client's own form asks them of "you".
CLIENT_WORDING = (
    ("Is the client pregnant, or might she be?", "Are you pregnant, or might you be?"),
    ("Client's full name", "Your full name"),
    (
        "Clinic reference (optional)",
        "Clinic reference (optional: leave it blank if you do not know it)",
    ),
    ("Fitzpatrick skin type (your assessment)", "How does your skin react to the sun?"),
    ("Has the client's skin", "Has your skin"),
    ("Does the client", "Do you"),
    ("Is the client", "Are you"),
    ("Has the client", "Have you"),
    ("has the client", "have you"),
    ("is the client", "are you"),
    ("the client", "you"),
    (" they bleed", " you bleed"),
)


def for_the_client(text: str) -> str:
    for practitioners, clients in CLIENT_WORDING:
        text = text.replace(practitioners, clients)
    return text


class ClientIntakeForm(IntakeForm):
    """The consultation form as the client fills it in before the visit: the same questions,
    validation and answers, asked in the second person."""

    @staticmethod
    def asked(field: forms.Field) -> forms.Field:
        return _asked_of_the_client(field)


def _asked_of_the_client(field: forms.Field) -> forms.Field:
    field = copy.deepcopy(field)
    field.label = for_the_client(str(field.label or ""))
    field.help_text = for_the_client(str(field.help_text or ""))
    return field


ClientIntakeForm.base_fields = {
    name: ClientIntakeForm.asked(field) for name, field in IntakeForm.base_fields.items()
}
share_fields(ClientIntakeForm)
