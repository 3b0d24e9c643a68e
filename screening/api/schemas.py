"""What the API's requests and answers look like, for its OpenAPI description. The intake's JSON
Schema is built from the engine's schema (the fields of INTAKE.md), so it never drifts."""

from typing import Any, Literal

from ninja import Schema

from screening import engine
from screening.engine.intake import CLIENT_KEYS

Outcome = Literal["proceed", "postpone", "refer"]


class FieldProblem(Schema):
    field: str
    message: str


class ProblemDetails(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = None


class Because(Schema):
    field: str
    value: Any


class Finding(Schema):
    rule: str
    action: Literal["refer", "postpone", "caution"]
    message: str
    because: list[Because]
    source: str
    source_section: str
    rescreen_after_days: int | None = None
    # Where the rule is kept: the installation's safety floor, or the clinic's own layer (absent
    # from decisions saved before clinic layers).
    layer: Literal["floor", "clinic"] | None = None


class Decision(Schema):
    outcome: Outcome
    rule_set_version: int
    clinic_layer_version: int | None = None
    findings: list[Finding]
    rescreen_after: str | None
    medications: list[dict[str, Any]]
    unrecognised_medications: list[str]


class Created(Schema):
    id: int
    url: str
    decision: Decision


class ClientBlock(Schema):
    name: str
    date_of_birth: str
    reference: str | None = None


class ScreeningSummary(Schema):
    id: int
    url: str
    created_at: str
    screened_on: str
    client: ClientBlock
    outcome: Outcome
    outcome_in_force: Outcome


class ScreeningList(Schema):
    items: list[ScreeningSummary]
    next_cursor: str | None


class AmendmentOut(Schema):
    id: int
    created_at: str
    reason: str
    outcome: Outcome
    rule_set_version: int
    decision: Decision


class OverrideOut(Schema):
    id: int
    created_at: str
    computed_outcome: Outcome
    outcome: Outcome
    reason_code: str
    reason: str
    comment: str
    overridden_rules: list[str]


class ScreeningDetail(ScreeningSummary):
    rule_set_version: int
    intake: dict[str, Any]
    decision: Decision
    amendments: list[AmendmentOut]
    overrides: list[OverrideOut]


def _field_schema(spec: engine.FieldSpec) -> dict:
    kind = spec.type
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "nullable_bool":
        return {"type": ["boolean", "null"]}
    if kind in ("integer", "nullable_number"):
        schema = {"type": "integer" if kind == "integer" else ["number", "null"]}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
        return schema
    if kind == "enum":
        return {"type": "string", "enum": list(spec.values)} if spec.choices else {"type": "string"}
    if kind == "enum_list":
        item = {"type": "string", "enum": list(spec.values)} if spec.choices else {"type": "string"}
        return {"type": "array", "items": item, **({"minItems": 1} if spec.non_empty else {})}
    if kind == "text":
        return {"type": "string"}
    if kind == "text_list":
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "array", "items": _object_schema(spec.items)}


def _object_schema(specs) -> dict:
    fields = [spec for spec in specs if not spec.derived]
    return {
        "type": "object",
        "properties": {spec.name: _field_schema(spec) for spec in fields},
        "required": [spec.name for spec in fields],
        "additionalProperties": False,
    }


def intake_schema(*, client_required: bool) -> dict:
    """The intake of INTAKE.md as JSON Schema: the engine still checks the rules between fields."""
    schema = _object_schema(engine.INTAKE_FIELDS.values())
    schema["properties"]["client"] = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "date_of_birth": {"type": "string", "format": "date"},
            "reference": {"type": ["string", "null"]},
        },
        "required": [key for key in CLIENT_KEYS if key != "reference"],
        "additionalProperties": False,
    }
    if client_required:
        schema["required"] = [*schema["required"], "client"]
    return schema


def json_body(schema: dict, description: str) -> dict:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }
