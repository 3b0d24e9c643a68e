"""Reading a request's JSON body: through the project's one JSON reader, so junk is a 422."""

from screening import engine

from .problems import Problem, invalid_input

try:
    from screening.engine.cleaning import InputProblem, read_json
except ImportError:  # pragma: no cover - until the input-core helper lands the shared reader
    import json

    class InputProblem(ValueError):
        def __init__(self, field, message):
            super().__init__(message)
            self.field, self.message = field, message

    def read_json(data, field, *, max_bytes=1_000_000, max_depth=50):
        if len(data) > max_bytes:
            raise InputProblem(field, f"{field} is larger than {max_bytes} bytes.")
        try:
            value = json.loads(data)
            text = json.dumps(value, ensure_ascii=False)
            text.encode("utf-8")
        except (ValueError, RecursionError) as error:
            raise InputProblem(field, f"{field} is not valid JSON ({error}).") from None
        if "\\u0000" in text or "\x00" in text:
            raise InputProblem(field, f"{field} holds a NUL character, which no answer may hold.")
        return value


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
