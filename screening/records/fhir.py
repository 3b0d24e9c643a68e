"""FHIR R4 views of the intake: the Questionnaire (from the engine's schema) and each record's
QuestionnaireResponse. Plain dicts: the tests validate them with the `fhir.resources` models."""

from screening.engine import INTAKE_FIELDS, FieldSpec

from .amendments import current_version
from .models import Screening

SYSTEM = "urn:microneedling-screening"
QUESTIONNAIRE_URL = f"{SYSTEM}:Questionnaire:intake"
QUESTIONNAIRE_VERSION = "1"  # the intake schema version of INTAKE.md

# engine type -> (FHIR item type, repeats, required)
ITEM_TYPES = {
    "bool": ("boolean", False, True),
    "nullable_bool": ("boolean", False, False),
    "integer": ("integer", False, True),
    "nullable_number": ("decimal", False, False),
    "enum": ("choice", False, True),
    "enum_list": ("choice", True, False),
    "text": ("string", False, False),
    "text_list": ("string", True, False),
    "object_list": ("group", True, False),
}
CLIENT_ITEMS = [
    {"linkId": "client.name", "text": "Name", "type": "string", "required": True},
    {"linkId": "client.date_of_birth", "text": "Date of birth", "type": "date", "required": True},
    {"linkId": "client.reference", "text": "Clinic reference", "type": "string"},
]


def coding(field: str, value: str, display: str) -> dict:
    return {"system": f"{SYSTEM}:{field}", "code": value, "display": display}


def question(spec: FieldSpec, link_id: str) -> dict:
    item_type, repeats, required = ITEM_TYPES[spec.type]
    item = {"linkId": link_id, "text": spec.label, "type": item_type}
    if required or spec.non_empty:
        item["required"] = True
    if repeats:
        item["repeats"] = True
    if spec.choices:
        item["answerOption"] = [
            {"valueCoding": coding(link_id, value, label)} for value, label in spec.choices
        ]
    if spec.type == "object_list":
        item["item"] = [
            question(sub, f"{link_id}.{sub.name}") for sub in spec.items if not sub.derived
        ]
    return item


def questionnaire() -> dict:
    """The intake as a FHIR Questionnaire: linkIds are the intake's field names."""
    return {
        "resourceType": "Questionnaire",
        "id": "microneedling-intake",
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "MicroneedlingIntake",
        "title": "Microneedling pre-treatment screening intake",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": "client", "text": "Client", "type": "group", "item": CLIENT_ITEMS},
            *(question(spec, name) for name, spec in INTAKE_FIELDS.items()),
        ],
    }


def answers(spec: FieldSpec, link_id: str, value) -> list[dict]:
    """The FHIR answers of one intake value (none for a null or blank answer)."""
    values = value if isinstance(value, list) else [value]
    result = []
    for one in values:
        if one is None or one == "":
            continue
        if spec.type in ("bool", "nullable_bool"):
            result.append({"valueBoolean": one})
        elif spec.type == "integer":
            result.append({"valueInteger": one})
        elif spec.type == "nullable_number":
            result.append({"valueDecimal": one})
        elif spec.choices:
            result.append({"valueCoding": coding(link_id, one, dict(spec.choices).get(one, one))})
        else:
            result.append({"valueString": str(one)})
    return result


def response_items(intake: dict) -> list[dict]:
    items = []
    client = intake.get("client")
    if client:
        client_items = [
            {"linkId": f"client.{key}", "answer": [{value_type: client[key]}]}
            for key, value_type in [
                ("name", "valueString"),
                ("date_of_birth", "valueDate"),
                ("reference", "valueString"),
            ]
            if client.get(key)
        ]
        items.append({"linkId": "client", "item": client_items})
    for name, spec in INTAKE_FIELDS.items():
        value = intake.get(name)
        if spec.type == "object_list":
            for entry in value or []:
                sub_items = [
                    {"linkId": f"{name}.{sub.name}", "answer": found}
                    for sub in spec.items
                    if not sub.derived
                    and (found := answers(sub, f"{name}.{sub.name}", entry.get(sub.name)))
                ]
                items.append({"linkId": name, "text": spec.label, "item": sub_items})
            continue
        found = answers(spec, name, value)
        if found:
            items.append({"linkId": name, "text": spec.label, "answer": found})
    return items


def questionnaire_response(screening: Screening) -> dict:
    """One record as a QuestionnaireResponse: the answers in force (amended ones if corrected)."""
    in_force = current_version(screening)
    amended = in_force is not screening
    practitioner = screening.practitioner
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"screening-{screening.pk}",
        "identifier": {"system": f"{SYSTEM}:screening", "value": str(screening.pk)},
        "questionnaire": f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}",
        "status": "amended" if amended else "completed",
        "subject": {
            "display": screening.client.name,
            **(
                {"identifier": {"system": f"{SYSTEM}:client", "value": screening.client.reference}}
                if screening.client.reference
                else {}
            ),
        },
        "authored": (in_force.created_at).isoformat(),
        "author": {"display": practitioner.get_full_name() or practitioner.get_username()},
        "extension": [
            {"url": f"{SYSTEM}:outcome", "valueCode": in_force.outcome},
            {"url": f"{SYSTEM}:rule-set-version", "valueInteger": in_force.rule_set_version},
        ],
        "item": response_items(in_force.intake),
    }
