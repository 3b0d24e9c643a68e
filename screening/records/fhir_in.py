"""FHIR in: the QuestionnaireResponse that records/fhir.py exports, read back as an intake.

linkId = the intake field; a list of objects is one repeated group per entry holding
FIELD.SUBFIELD items; an absent list means an empty list, an absent nullable answer null, an absent
required answer an error naming its linkId. Every problem names the linkId it is about."""

import re

from pydantic import ValidationError

from screening import engine
from screening.engine import INTAKE_FIELDS, FieldSpec

from .fhir import ITEM_TYPES

VALUE_KEYS = {
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "choice": "valueCoding",
    "string": "valueString",
}
LIST_TYPES = ("enum_list", "text_list", "object_list")


class ResponseInvalid(ValueError):
    """The resource cannot be read as an intake; `errors` lists {field: linkId, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} problem(s) with the QuestionnaireResponse")
        self.errors = errors


def problem(link_id: str, message: str) -> dict:
    return {"field": link_id, "message": message}


def checked_by_fhir_resources(resource: dict) -> list[dict]:
    """The FHIR R4 model's own checks (types, cardinality), each named by its item's linkId."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    try:
        QuestionnaireResponse.model_validate(resource)
    except ValidationError as invalid:
        return [
            problem(link_id_at(resource, error["loc"]), f"{path(error['loc'])}: {error['msg']}")
            for error in invalid.errors()
        ]
    except (TypeError, ValueError) as error:
        return [problem("QuestionnaireResponse", f"not a QuestionnaireResponse: {error}")]
    return []


def path(location) -> str:
    return ".".join(str(part) for part in location) or "QuestionnaireResponse"


def link_id_at(resource, location) -> str:
    """The linkId of the innermost item on `location`, or the resource's element path."""
    node, found = resource, None
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            found = node["linkId"]
    return found or path(location)


def intake_from_response(resource: object) -> dict:
    """The intake a QuestionnaireResponse holds. Raises ResponseInvalid naming each linkId."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        raise ResponseInvalid([problem("resourceType", "expected a QuestionnaireResponse.")])
    errors = checked_by_fhir_resources(resource)
    if errors:
        raise ResponseInvalid(errors)
    groups: dict[str, list[dict]] = {}
    for item in resource.get("item") or []:
        groups.setdefault(item.get("linkId", ""), []).append(item)
    intake, errors = {}, []
    unknown = set(groups) - set(INTAKE_FIELDS) - {"client"}
    errors += [
        problem(link, f"{link} is not a question of the intake.") for link in sorted(unknown)
    ]
    if "client" in groups:
        intake["client"] = client_block(groups["client"][0], errors)
    for name, spec in INTAKE_FIELDS.items():
        items = groups.get(name, [])
        if spec.type == "object_list":
            intake[name] = [entry(spec, name, group, errors) for group in items]
        else:
            intake[name] = value_of(spec, name, items[0] if items else None, errors)
    if errors:
        raise ResponseInvalid(errors)
    try:
        engine.validate_intake(intake)
    except engine.IntakeInvalid as invalid:
        raise ResponseInvalid(
            [problem(as_link_id(e.field), f"{e.field}: {e.message}") for e in invalid.errors]
        ) from None
    return intake


def as_link_id(field: str) -> str:
    """`active_infections[0].type` -> `active_infections.type`."""
    return re.sub(r"\[\d+\]", "", field)


def entry(spec: FieldSpec, name: str, group: dict, errors: list) -> dict:
    items = {item.get("linkId"): item for item in group.get("item") or []}
    known = {f"{name}.{sub.name}" for sub in spec.items if not sub.derived}
    for link in sorted(set(items) - known, key=str):
        errors.append(problem(str(link), f"{link} is not part of {name}."))
    return {
        sub.name: value_of(sub, f"{name}.{sub.name}", items.get(f"{name}.{sub.name}"), errors)
        for sub in spec.items
        if not sub.derived
    }


def value_of(spec: FieldSpec, link_id: str, item: dict | None, errors: list):
    answers = (item or {}).get("answer") or []
    item_type, repeats, required = ITEM_TYPES[spec.type]
    value_key = VALUE_KEYS[item_type]
    values = []
    for answer in answers:
        if value_key not in answer:
            others = ", ".join(sorted(answer)) or "nothing"
            errors.append(problem(link_id, f"{link_id} wants {value_key}; got {others}."))
            return None
        value = answer[value_key]
        values.append(value.get("code") if value_key == "valueCoding" else value)
    if repeats:
        return values
    if len(values) > 1:
        errors.append(problem(link_id, f"{link_id} takes one answer; got {len(values)}."))
        return None
    if values:
        return values[0]
    if spec.type == "text":
        return ""
    if required:
        errors.append(problem(link_id, f"{link_id} is required and has no answer."))
    return None


def client_block(group: dict, errors: list) -> dict:
    items = {item.get("linkId"): item for item in group.get("item") or []}
    client = {}
    for key, value_key in [
        ("name", "valueString"),
        ("date_of_birth", "valueDate"),
        ("reference", "valueString"),
    ]:
        answers = (items.get(f"client.{key}") or {}).get("answer") or []
        if answers and value_key in answers[0]:
            client[key] = answers[0][value_key]
        elif key != "reference":
            errors.append(problem(f"client.{key}", f"client.{key} is required and has no answer."))
    return client
