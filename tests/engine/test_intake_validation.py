import copy

import pytest

from screening.engine import INTAKE_FIELDS, FieldError, IntakeInvalid, validate_intake
from tests.engine.baseline import BASELINE


def answers(**changes) -> dict:
    data = copy.deepcopy(BASELINE)
    data.update(changes)
    return data


def errors_of(data) -> list[FieldError]:
    with pytest.raises(IntakeInvalid) as raised:
        validate_intake(data)
    return raised.value.errors


def test_it_accepts_the_healthy_baseline():
    intake = validate_intake(answers())
    assert intake == BASELINE
    assert intake is not BASELINE


def test_it_knows_every_field_of_the_baseline():
    assert list(INTAKE_FIELDS) == list(BASELINE)


def test_it_keeps_the_client_block():
    client = {"name": "Ada Lovelace", "date_of_birth": "1990-12-10", "reference": None}
    assert validate_intake(answers(client=client))["client"] == client


def test_it_normalises_free_text_and_repeated_values():
    intake = validate_intake(
        answers(
            medications=["  Xarelto 20 mg ", "", "   "],
            treatment_areas=["face", "neck", "face"],
            allergy_details="  itchy  ",
            topical_products=[{"name": " Retin-A ", "last_used_days_ago": 2}],
        )
    )
    assert intake["medications"] == ["Xarelto 20 mg"]
    assert intake["treatment_areas"] == ["face", "neck"]
    assert intake["allergy_details"] == "itchy"
    assert intake["topical_products"] == [{"name": "Retin-A", "last_used_days_ago": 2}]


def test_it_accepts_a_whole_number_where_a_number_is_allowed():
    assert (
        validate_intake(answers(isotretinoin_last_dose_months_ago=4))[
            "isotretinoin_last_dose_months_ago"
        ]
        == 4
    )
    assert (
        validate_intake(answers(isotretinoin_last_dose_months_ago=4.5))[
            "isotretinoin_last_dose_months_ago"
        ]
        == 4.5
    )


def test_it_accepts_diabetes_with_an_answer_on_control():
    intake = validate_intake(answers(diabetes="type2", diabetes_well_controlled=False))
    assert intake["diabetes_well_controlled"] is False


def test_it_rejects_what_is_not_an_object():
    [error] = errors_of(["not", "an", "intake"])
    assert error.field == "intake"


def test_it_reports_every_missing_field_by_name():
    data = answers()
    del data["pregnant"], data["recent_procedures"]
    errors = errors_of(data)
    assert [e.field for e in errors] == ["pregnant", "recent_procedures"]
    assert "pregnant is missing" in errors[0].message


def test_it_reports_every_problem_at_once():
    errors = errors_of(answers(pregnant="no", eczema="active", vitilgo="none"))
    assert {e.field for e in errors} == {"pregnant", "eczema", "vitilgo"}


CASES = [
    # (changes, field, key phrase of the message)
    ({"vitilgo": "none"}, "vitilgo", "did you mean 'vitiligo'?"),
    ({"pregnant": "no"}, "pregnant", "must be true or false"),
    ({"pregnant": None}, "pregnant", "must be true or false"),
    ({"pregnant": 0}, "pregnant", "must be true or false"),
    ({"client_age_years": True}, "client_age_years", "must be a whole number"),
    ({"client_age_years": 34.5}, "client_age_years", "must be a whole number"),
    ({"client_age_years": "34"}, "client_age_years", "must be a whole number"),
    ({"client_age_years": -1}, "client_age_years", "must be 0 or more"),
    ({"fitzpatrick_type": 0}, "fitzpatrick_type", "between 1 and 6"),
    ({"fitzpatrick_type": 7}, "fitzpatrick_type", "between 1 and 6"),
    ({"isotretinoin_last_dose_months_ago": -2}, "isotretinoin_last_dose_months_ago", "0 or more"),
    (
        {"isotretinoin_last_dose_months_ago": "4"},
        "isotretinoin_last_dose_months_ago",
        "a number or null",
    ),
    (
        {"isotretinoin_last_dose_months_ago": True},
        "isotretinoin_last_dose_months_ago",
        "a number or null",
    ),
    (
        {"isotretinoin_last_dose_months_ago": float("nan")},
        "isotretinoin_last_dose_months_ago",
        "a number or null",
    ),
    ({"eczema": "active"}, "eczema", "did you mean 'active_in_area'?"),
    ({"eczema": "Active_In_Area"}, "eczema", "'none', 'history', 'active_in_area'"),
    ({"acne_in_area": None}, "acne_in_area", "must be one of"),
    ({"treatment_areas": []}, "treatment_areas", "at least one"),
    ({"treatment_areas": "face"}, "treatment_areas", "must be a list"),
    ({"treatment_areas": ["face", "nek"]}, "treatment_areas[1]", "did you mean 'neck'?"),
    ({"allergies": ["latex", 3]}, "allergies[1]", "must be one of"),
    ({"allergy_details": None}, "allergy_details", "must be text"),
    ({"medications": "warfarin"}, "medications", "list of text"),
    ({"medications": ["warfarin", 5]}, "medications[1]", "must be text"),
    ({"active_infections": {"type": "warts"}}, "active_infections", "list of objects"),
    ({"active_infections": ["warts"]}, "active_infections[0]", "must be an object"),
    (
        {"active_infections": [{"type": "wart", "in_treatment_area": True}]},
        "active_infections[0].type",
        "did you mean 'warts'?",
    ),
    (
        {"active_infections": [{"type": "warts"}]},
        "active_infections[0].in_treatment_area",
        "is missing",
    ),
    (
        {"active_infections": [{"type": "warts", "in_treatment_area": True, "where": "chin"}]},
        "active_infections[0].where",
        "not a field of active_infections items",
    ),
    (
        {
            "recent_procedures": [
                {"type": "dermal_filler", "days_ago": -3, "in_treatment_area": True}
            ]
        },
        "recent_procedures[0].days_ago",
        "0 or more",
    ),
    (
        {"recent_procedures": [{"type": "dermal_filler", "days_ago": 3, "in_treatment_area": 1}]},
        "recent_procedures[0].in_treatment_area",
        "true or false",
    ),
    (
        {"topical_products": [{"name": "", "last_used_days_ago": 0}]},
        "topical_products[0].name",
        "must not be empty",
    ),
    (
        {"topical_products": [{"name": "Retin-A", "last_used_days_ago": 0, "classes": []}]},
        "topical_products[0].classes",
        "not a field of topical_products items",
    ),
    (
        {"topical_products": [{"name": "Retin-A", "last_used_days_ago": 1.5}]},
        "topical_products[0].last_used_days_ago",
        "whole number",
    ),
    ({"diabetes_well_controlled": True}, "diabetes_well_controlled", "must be null when diabetes"),
    ({"diabetes": "type1"}, "diabetes_well_controlled", "must be true or false when diabetes"),
    (
        {"diabetes": "type2", "diabetes_well_controlled": "yes"},
        "diabetes_well_controlled",
        "true, false or null",
    ),
    ({"client": "Ada"}, "client", "must be an object"),
    (
        {"client": {"name": "Ada", "date_of_birth": "10/12/1990", "reference": None}},
        "client.date_of_birth",
        "YYYY-MM-DD",
    ),
    (
        {"client": {"name": "Ada", "date_of_birth": "1990-02-30", "reference": None}},
        "client.date_of_birth",
        "YYYY-MM-DD",
    ),
    ({"client": {"date_of_birth": "1990-12-10"}}, "client.name", "client's name"),
    (
        {"client": {"name": "Ada", "date_of_birth": "1990-12-10", "reference": 7}},
        "client.reference",
        "text or null",
    ),
    (
        {"client": {"name": "Ada", "date_of_birth": "1990-12-10", "nhs": "1"}},
        "client.nhs",
        "not part of the client block",
    ),
]


@pytest.mark.parametrize(("changes", "field", "phrase"), CASES, ids=[c[1] for c in CASES])
def test_it_names_the_field_of_each_problem(changes, field, phrase):
    errors = errors_of(answers(**changes))
    assert [e.field for e in errors] == [field]
    assert phrase in errors[0].message
    assert errors[0].message.startswith(field)


def test_it_does_not_end_a_suggestion_with_a_full_stop():
    [error] = errors_of(answers(vitilgo="none"))
    assert error.message == "vitilgo is not a field of the intake; did you mean 'vitiligo'?"


def test_it_describes_the_errors_in_the_exception_message():
    with pytest.raises(IntakeInvalid, match="pregnant must be true or false"):
        validate_intake(answers(pregnant="no"))
