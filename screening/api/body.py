"""Reading a request's JSON body: through the project's one JSON reader, so junk is a 422."""

from screening import engine
from screening.engine.cleaning import InputProblem, read_json

from .problems import Problem, invalid_input


def request_json(request, field: str = "body") -> object:
    try:
        return read_json(request.body, field)
    except InputProblem as problem:
        raise invalid_input([{"field": problem.field, "message": problem.message}]) from None


def field_errors(invalid: engine.IntakeInvalid) -> list[dict]:
    return [{"field": error.field, "message": error.message} for error in invalid.errors]


def valid_intake(data: object, *, client_required: bool) -> dict:
    """The intake in `data`, checked by the engine: every problem a 422 naming its field."""
    if not isinstance(data, dict):
        raise invalid_input([{"field": "body", "message": "The body must be a JSON object."}])
    try:
        engine.validate_intake(data)
    except engine.IntakeInvalid as invalid:
        raise invalid_input(field_errors(invalid)) from None
    if client_required and "client" not in data:
        message = "A screening that is saved needs the client block (name, date_of_birth)."
        raise invalid_input([{"field": "client", "message": message}])
    return data


__all__ = ["Problem", "request_json", "valid_intake"]
