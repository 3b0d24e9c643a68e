"""A saved intake shown in the consultation form: its answers as the form posts them.

Used to correct a record's answers through the form; the inverse of `IntakeForm.to_intake`.
"""

from screening.engine import INTAKE_FIELDS, field_label

from .forms import ASKED_FOR
from .questions import NO, YES
from .sections import MOST_ROWS, ROW_EDITORS


def answers_from_intake(intake: dict) -> dict[str, list[str]]:
    """A saved intake as the form's answers (name -> list of values), to show it in the form:
    the inverse of `IntakeForm.to_intake`."""

    def said(answer: bool) -> list[str]:
        return [YES if answer else NO]

    client = intake.get("client") or {}
    data = {
        "client_name": [client.get("name", "")],
        "client_date_of_birth": [client.get("date_of_birth", "")],
        "client_reference": [client.get("reference") or ""],
        "treatment_areas": list(intake["treatment_areas"]),
        "treatment_goal": [intake["treatment_goal"]],
        "fitzpatrick_type": [str(intake["fitzpatrick_type"])],
    }
    for name, spec in INTAKE_FIELDS.items():
        if spec.type == "bool" and name != "diabetes_well_controlled":
            data[name] = said(intake[name])
        elif spec.type == "enum" and name not in ("treatment_goal", "vitiligo"):
            data[name] = [intake[name]]
    for gate, name in ASKED_FOR.items():
        if name not in ("vitiligo", "isotretinoin_last_dose_months_ago"):
            data[gate] = said(bool(intake[name]))
    for rows in ROW_EDITORS:
        for row, item in enumerate(intake[rows.name], 1):
            for column in rows.columns:
                value = item[column]
                data[rows.field(row, column)] = (
                    said(value) if isinstance(value, bool) else [str(value)]
                )
    data.update(_lists_from(intake))
    return data


def _lists_from(intake: dict) -> dict[str, list[str]]:
    vitiligo, months = intake["vitiligo"], intake["isotretinoin_last_dose_months_ago"]
    data = {
        "other_skin_conditions": list(intake["other_skin_conditions"]),
        "autoimmune_conditions": list(intake["autoimmune_conditions"]),
        "allergies": list(intake["allergies"]),
        "allergy_details": [intake["allergy_details"]],
        "medications": ["\n".join(intake["medications"])],
        "has_vitiligo": [NO if vitiligo == "none" else YES],
        "isotretinoin_ever": [NO if months is None else YES],
    }
    if intake["allergy_details"].strip():
        data["has_allergies"] = [YES]  # a described reaction is an allergy to name
    if vitiligo != "none":
        data["vitiligo_status"] = [vitiligo]
    if intake["diabetes_well_controlled"] is not None:
        data["diabetes_well_controlled"] = [YES if intake["diabetes_well_controlled"] else NO]
    if months is not None:
        data["isotretinoin_taking_now"] = [YES if months == 0 else NO]
        if months:
            data["isotretinoin_months_ago"] = [str(months)]
    return data


def too_long_lists(intake: dict) -> list[str]:
    """The lists of `intake` with more items than the form can grow rows for."""
    return [
        f"{field_label(rows.name)}: {len(intake[rows.name])} listed, the form holds {MOST_ROWS}"
        for rows in ROW_EDITORS
        if len(intake[rows.name]) > MOST_ROWS
    ]
