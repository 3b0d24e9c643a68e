"""The consultation form tested directly with the answers it would be posted."""

import copy

import pytest

from screening.engine import INTAKE_FIELDS, INTAKE_SECTIONS, validate_intake
from screening.intake.forms import FIELD_NAMES, IntakeForm
from screening.intake.questions import FollowUp, Rows, flatten
from screening.intake.sections import SECTIONS
from tests.engine.baseline import BASELINE
from tests.intake.factories import HEALTHY, SCREENING_DAY, answers

OPTIONAL = {"client_reference", "medications", "allergy_details"}
REQUIRED = [name for name in HEALTHY if name not in OPTIONAL and not name.startswith("topical_")]


def form_for(**changes):
    form = IntakeForm(answers(**changes), today=SCREENING_DAY)
    form.is_valid()
    return form


def intake_of(**changes):
    form = form_for(**changes)
    assert form.is_valid(), form.errors.as_data()
    return form.to_intake()


def errors_of(**changes):
    form = form_for(**changes)
    assert not form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def baseline(**changes):
    return {**copy.deepcopy(BASELINE), **changes}


def test_it_turns_the_healthy_answers_into_the_baseline_intake():
    intake = intake_of()

    assert validate_intake(intake)
    assert list(intake) == ["client", *INTAKE_FIELDS]
    client = intake.pop("client")
    assert client == {"name": "Ada Lovelace", "date_of_birth": "1992-06-01", "reference": None}
    assert intake == BASELINE


def test_it_keeps_the_clinic_reference_when_given():
    assert intake_of(client_reference=" A-17 ")["client"]["reference"] == "A-17"


# Form questions that answer an intake field under another name.
ASKED_AS = {
    "client_date_of_birth": "client_age_years",
    "vitiligo_status": "vitiligo",
    "isotretinoin_months_ago": "isotretinoin_last_dose_months_ago",
}


def test_it_asks_the_questions_of_each_intake_section_in_that_section():
    # The form's sections run in the order of INTAKE.md's, and the record page shows answers
    # under INTAKE.md's: a question must not move to another section on one side only.
    asked = []
    for section in SECTIONS:
        names = [ASKED_AS.get(name, name) for name in flatten(section.items)]
        names += [item.name for item in _rows(section.items)]
        asked.append({name for name in names if name in INTAKE_FIELDS})
    assert asked == [set(names) for _, names in INTAKE_SECTIONS]


def _rows(items):
    for item in items:
        if isinstance(item, Rows):
            yield item
        elif isinstance(item, FollowUp):
            yield from _rows(item.items)


def test_it_asks_every_question_of_the_intake():
    form = IntakeForm()

    assert set(FIELD_NAMES) | {"none_applied", "none_applied_all"} == set(form.fields)
    offered = [value for value, _ in form.fields["treatment_goal"].choices]
    assert offered == list(INTAKE_FIELDS["treatment_goal"].values)
    allergies = [value for value, _ in form.fields["allergies"].choices]
    assert allergies == list(INTAKE_FIELDS["allergies"].values)


@pytest.mark.parametrize("name", REQUIRED)
def test_it_reports_each_unanswered_question_by_name(name):
    errors = errors_of(**{name: None})

    assert list(errors) == [name]
    label = IntakeForm().fields[name].short_name
    assert errors[name].startswith(f"{label}: ")


def test_it_never_reads_an_unanswered_form_as_no():
    form = IntakeForm({}, today=SCREENING_DAY)

    assert not form.is_valid()
    assert set(REQUIRED) <= set(form.errors)
    assert not any(section["complete"] for section in form.section_progress())


def test_it_renders_yes_no_questions_with_nothing_chosen():
    html = str(IntakeForm()["cold_sore_history"])

    assert 'type="radio"' in html
    assert "checked" not in html


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"has_active_infections": "yes"}, "active_infections_1_type", "add at least one"),
        (
            {"active_infections_1_type": "warts", "active_infections_1_in_treatment_area": "no"},
            "has_active_infections",
            "you answered No but listed 1 infection",
        ),
        ({"uses_topical_products": "no"}, "uses_topical_products", "you answered No but listed"),
        (
            {"uses_topical_products": "yes", "topical_products_1_name": ""},
            "topical_products_1_name",
            "enter the product's name",
        ),
        ({"had_recent_procedures": "yes"}, "recent_procedures_1_type", "add at least one"),
        (
            {"recent_procedures_2_type": "dermal_filler", "recent_procedures_2_days_ago": "10"},
            "had_recent_procedures",
            "you answered No but listed 1 procedure",
        ),
        ({"has_other_skin_conditions": "yes"}, "other_skin_conditions", "add at least one"),
        (
            {"other_skin_conditions": ["melasma", "other"]},
            "has_other_skin_conditions",
            "you answered No but ticked 2",
        ),
        ({"has_autoimmune_conditions": "yes"}, "autoimmune_conditions", "add at least one"),
        (
            {"autoimmune_conditions": ["lupus"]},
            "has_autoimmune_conditions",
            "you answered No but ticked 1",
        ),
        ({"takes_medications": "yes", "medications": " \n "}, "medications", "add at least one"),
        ({"medications": "warfarin"}, "takes_medications", "you answered No but listed 1"),
        ({"has_allergies": "yes"}, "allergies", "add at least one"),
        ({"allergies": ["latex"]}, "has_allergies", "you answered No but ticked 1"),
        ({"allergy_details": "hives"}, "has_allergies", "you answered No but described"),
    ],
)
def test_it_refuses_an_answer_that_contradicts_its_list(changes, field, phrase):
    errors = errors_of(**changes)

    assert field in errors
    assert phrase in errors[field]


def test_it_names_the_list_and_the_way_out_of_a_contradiction():
    message = errors_of(medications="warfarin\naspirin")["takes_medications"]

    assert message == (
        "Medications: you answered No but listed 2; change the answer to Yes or clear the list."
    )


def test_it_asks_for_the_rest_of_a_half_filled_row():
    errors = errors_of(has_active_infections="yes", active_infections_2_type="cold_sore")

    assert list(errors) == ["active_infections_2_in_treatment_area"]
    assert errors["active_infections_2_in_treatment_area"].startswith("Infection 2: say whether")


def test_it_checks_numbers_in_rows():
    errors = errors_of(topical_products_1_last_used_days_ago="-1")

    assert errors["topical_products_1_last_used_days_ago"].startswith("Product 1: enter a whole")


def test_it_builds_the_list_fields_from_rows_and_lines():
    intake = intake_of(
        has_active_infections="yes",
        active_infections_1_type="cold_sore",
        active_infections_1_in_treatment_area="yes",
        active_infections_3_type="fungal",
        active_infections_3_in_treatment_area="no",
        has_other_skin_conditions="yes",
        other_skin_conditions=["melasma"],
        has_autoimmune_conditions="yes",
        autoimmune_conditions=["thyroid", "vitiligo"],
        takes_medications="yes",
        medications="Xarelto 20 mg\n\n  warfrin  \n",
        topical_products_2_name="Retin-A 0.025%",
        topical_products_2_last_used_days_ago="3",
        has_allergies="yes",
        allergies=["latex", "topical_anaesthetic"],
        allergy_details="Swelling with EMLA",
        had_recent_procedures="yes",
        recent_procedures_1_type="dermal_filler",
        recent_procedures_1_days_ago="10",
        recent_procedures_1_in_treatment_area="yes",
    )

    assert validate_intake(intake)
    assert intake["active_infections"] == [
        {"type": "cold_sore", "in_treatment_area": True},
        {"type": "fungal", "in_treatment_area": False},
    ]
    assert intake["other_skin_conditions"] == ["melasma"]
    assert intake["autoimmune_conditions"] == ["thyroid", "vitiligo"]
    assert intake["medications"] == ["Xarelto 20 mg", "warfrin"]
    assert intake["topical_products"] == [
        {"name": "CeraVe moisturising cream", "last_used_days_ago": 0},
        {"name": "Retin-A 0.025%", "last_used_days_ago": 3},
    ]
    assert intake["allergies"] == ["latex", "topical_anaesthetic"]
    assert intake["allergy_details"] == "Swelling with EMLA"
    assert intake["recent_procedures"] == [
        {"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "none"),
        ({"has_vitiligo": "yes", "vitiligo_status": "stable"}, "stable"),
        ({"has_vitiligo": "yes", "vitiligo_status": "active"}, "active"),
        # A follow-up left chosen behind a No does not apply.
        ({"has_vitiligo": "no", "vitiligo_status": "active"}, "none"),
    ],
)
def test_it_reads_vitiligo_from_its_two_questions(changes, expected):
    assert intake_of(**changes)["vitiligo"] == expected


def test_it_asks_whether_vitiligo_is_stable_or_active():
    errors = errors_of(has_vitiligo="yes")

    assert errors == {"vitiligo_status": "Vitiligo: choose stable or active."}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"diabetes_well_controlled": "no"}, None),
        ({"diabetes": "type2", "diabetes_well_controlled": "yes"}, True),
        ({"diabetes": "type1", "diabetes_well_controlled": "no"}, False),
    ],
)
def test_it_asks_about_control_only_with_diabetes(changes, expected):
    assert intake_of(**changes)["diabetes_well_controlled"] is expected


def test_it_requires_the_control_answer_with_diabetes():
    errors = errors_of(diabetes="type2")

    assert list(errors) == ["diabetes_well_controlled"]
    assert errors["diabetes_well_controlled"].startswith("Diabetes well controlled: choose Yes")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"isotretinoin_ever": "yes", "isotretinoin_taking_now": "yes"}, 0),
        (
            {
                "isotretinoin_ever": "yes",
                "isotretinoin_taking_now": "no",
                "isotretinoin_months_ago": "4.5",
            },
            4.5,
        ),
        (
            {
                "isotretinoin_ever": "yes",
                "isotretinoin_taking_now": "no",
                "isotretinoin_months_ago": "7",
            },
            7,
        ),
    ],
)
def test_it_reads_the_isotretinoin_answers(changes, expected):
    assert intake_of(**changes)["isotretinoin_last_dose_months_ago"] == expected


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"isotretinoin_ever": "yes"}, "isotretinoin_taking_now", "choose Yes or No"),
        (
            {"isotretinoin_ever": "yes", "isotretinoin_taking_now": "no"},
            "isotretinoin_months_ago",
            "enter the months",
        ),
        ({"isotretinoin_months_ago": "3"}, "isotretinoin_months_ago", "never took"),
        (
            {
                "isotretinoin_ever": "yes",
                "isotretinoin_taking_now": "yes",
                "isotretinoin_months_ago": "3",
            },
            "isotretinoin_months_ago",
            "takes isotretinoin",
        ),
    ],
)
def test_it_asks_isotretinoin_follow_ups_that_apply(changes, field, phrase):
    errors = errors_of(**changes)

    assert list(errors) == [field]
    assert phrase in errors[field]


@pytest.mark.parametrize(
    ("born", "age"),
    [("1992-11-23", 34), ("1992-11-24", 33), ("2026-11-23", 0), ("1900-01-01", 126)],
)
def test_it_works_out_the_age_on_the_screening_day(born, age):
    intake = intake_of(client_date_of_birth=born)

    assert intake["client_age_years"] == age
    assert intake["client"]["date_of_birth"] == born


@pytest.mark.parametrize(
    ("born", "phrase"),
    [
        ("2026-11-24", "Date of birth: it is in the future"),
        ("1899-12-31", "Date of birth: it is before 1900"),
        ("31/02/1990", "Date of birth: enter a real date"),
    ],
)
def test_it_refuses_an_impossible_date_of_birth(born, phrase):
    errors = errors_of(client_date_of_birth=born)

    assert list(errors) == ["client_date_of_birth"]
    assert errors["client_date_of_birth"].startswith(phrase)


def test_it_accepts_a_date_of_birth_typed_the_british_way():
    assert intake_of(client_date_of_birth="01/06/1992")["client"]["date_of_birth"] == "1992-06-01"


def test_it_marks_sections_complete_when_their_questions_are_answered():
    form = form_for(has_vitiligo="yes", diabetes="type1")

    complete = {section["key"]: section["complete"] for section in form.section_progress()}
    assert complete == {
        "client": True,
        "infection": True,
        "skin": True,
        "pigment": False,
        "health": False,
        "medicines": True,
    }


def test_it_lists_errors_in_question_order_with_anchors():
    form = form_for(client_name=None, pregnant=None, treatment_areas=None)

    assert [item["anchor"] for item in form.error_summary()] == [
        "id_client_name",
        "id_treatment_areas_0",
        "id_pregnant_0",
    ]
