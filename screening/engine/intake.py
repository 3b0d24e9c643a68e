"""Validation of an intake against the schema of INTAKE.md.

Nothing is evaluated on half-valid input: every problem is collected and reported by field.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from .cleaning import shown_name, unstorable
from .schema import INTAKE_FIELDS, FieldSpec
from .wording import did_you_mean, quoted, sentence, shown

CLIENT_KEYS = ("name", "date_of_birth", "reference")


@dataclass(frozen=True)
class FieldError:
    """One problem with an intake: the field's path (``active_infections[0].type``), a sentence."""

    field: str
    message: str


class IntakeInvalid(ValueError):
    """The intake does not fit the schema; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__(" ".join(error.message for error in self.errors))


def validate_intake(data: object) -> dict:
    """Check an intake against the schema and return a normalised copy.

    Every field of INTAKE.md is required; the ``client`` block is optional and kept when present.
    Normalising strips free text, drops blank medication entries and repeated list values.
    Raises ``IntakeInvalid`` listing every problem.
    """
    if not isinstance(data, dict):
        raise IntakeInvalid(
            [
                FieldError(
                    "intake", f"The intake must be a JSON object of answers; got {shown(data)}."
                )
            ]
        )
    errors = [FieldError(path, f"{path} {problem}") for path, problem in unstorable(data) if path]
    if errors:
        # Refused first: nothing that cannot be stored or printed reaches the other checks.
        raise IntakeInvalid(errors)
    intake: dict = {}
    if not _KNOWN_NAMES.issuperset(data):
        for name in data:
            if name not in INTAKE_FIELDS and name != "client":
                errors.append(_unknown(shown_name(str(name)), name, INTAKE_FIELDS))
    if "client" in data:
        intake["client"] = _client(data["client"], errors)
    for name, spec, check in _FIELD_CHECKS:
        if name in data:
            intake[name] = check(spec, name, data[name], errors)
        else:
            errors.append(_missing(name))
    if not errors:
        _check_diabetes_answers(intake, errors)
    if errors:
        raise IntakeInvalid(errors)
    return intake


def _missing(path: str) -> FieldError:
    return FieldError(path, f"{path} is missing; every field of the intake must be answered.")


def _unknown(path: str, name: str, known) -> FieldError:
    return FieldError(
        path, sentence(f"{path} is not a field of the intake{did_you_mean(name, known)}")
    )


def _value(spec: FieldSpec, path: str, value: object, errors: list[FieldError]) -> object:
    """The normalised value, or the value unchanged after recording an error."""
    return _CHECKS[spec.type](spec, path, value, errors)


def _bool(spec, path, value, errors):
    if not isinstance(value, bool):
        errors.append(FieldError(path, f"{path} must be true or false; got {shown(value)}."))
    return value


def _nullable_bool(spec, path, value, errors):
    if value is not None and not isinstance(value, bool):
        errors.append(FieldError(path, f"{path} must be true, false or null; got {shown(value)}."))
    return value


def _integer(spec, path, value, errors):
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(path, f"{path} must be a whole number; got {shown(value)}."))
    else:
        _check_range(spec, path, value, errors)
    return value


def _nullable_number(spec, path, value, errors):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append(FieldError(path, f"{path} must be a number or null; got {shown(value)}."))
    else:
        _check_range(spec, path, value, errors)
    return value


def _check_range(spec, path, value, errors):
    if spec.maximum is not None and not spec.minimum <= value <= spec.maximum:
        message = f"{path} must be between {spec.minimum} and {spec.maximum}; got {value}."
        errors.append(FieldError(path, message))
    elif spec.minimum is not None and value < spec.minimum:
        errors.append(FieldError(path, f"{path} must be {spec.minimum} or more; got {value}."))


def _enum(spec, path, value, errors):
    if value not in spec.values or not isinstance(value, str):
        allowed = quoted(spec.values)
        message = f"{path} must be one of {allowed}; got {shown(value)}"
        errors.append(FieldError(path, sentence(message + did_you_mean(value, spec.values))))
    return value


def _enum_list(spec, path, value, errors):
    if not isinstance(value, list):
        message = f"{path} must be a list of values from {quoted(spec.values)}; got {shown(value)}."
        errors.append(FieldError(path, message))
        return value
    if spec.non_empty and not value:
        errors.append(FieldError(path, f"{path} must list at least one of {quoted(spec.values)}."))
    try:
        every_item_a_value = spec.value_set.issuperset(value)
    except TypeError:  # an item that is a list or an object: named below
        every_item_a_value = False
    if every_item_a_value:
        return list(dict.fromkeys(value))
    for index, item in enumerate(value):
        _enum(spec, f"{path}[{index}]", item, errors)
    return list(dict.fromkeys(item for item in value if isinstance(item, str)))


def _text(spec, path, value, errors):
    if not isinstance(value, str):
        errors.append(FieldError(path, f"{path} must be text; got {shown(value)}."))
        return value
    if spec.non_empty and not value.strip():
        errors.append(FieldError(path, f"{path} must not be empty."))
    return value.strip()


def _text_list(spec, path, value, errors):
    if not isinstance(value, list):
        errors.append(FieldError(path, f"{path} must be a list of text; got {shown(value)}."))
        return value
    for index, item in enumerate(value):
        if not isinstance(item, str):
            message = f"{path}[{index}] must be text; got {shown(item)}."
            errors.append(FieldError(f"{path}[{index}]", message))
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _object_list(spec, path, value, errors):
    if not isinstance(value, list):
        message = f"{path} must be a list of objects ([] for none); got {shown(value)}."
        errors.append(FieldError(path, message))
        return value
    return [_object(spec, f"{path}[{index}]", item, errors) for index, item in enumerate(value)]


def _object(spec, path, value, errors):
    entered = spec.entered_items
    names = [item.name for item in entered]
    if not isinstance(value, dict):
        message = f"{path} must be an object with {quoted(names)}; got {shown(value)}."
        errors.append(FieldError(path, message))
        return value
    for name in value:
        if name not in names:
            message = f"{path}.{name} is not a field of {spec.name} items"
            errors.append(
                FieldError(f"{path}.{name}", sentence(message + did_you_mean(name, names)))
            )
    normalised = {}
    for item in entered:
        if item.name in value:
            item_path = f"{path}.{item.name}"
            normalised[item.name] = _value(item, item_path, value[item.name], errors)
        else:
            errors.append(_missing(f"{path}.{item.name}"))
    return normalised


_CHECKS = {
    "bool": _bool,
    "nullable_bool": _nullable_bool,
    "integer": _integer,
    "nullable_number": _nullable_number,
    "enum": _enum,
    "enum_list": _enum_list,
    "text": _text,
    "text_list": _text_list,
    "object_list": _object_list,
}
# Each field of the intake with its check, in the order of INTAKE.md (and of the errors).
_FIELD_CHECKS = tuple((name, spec, _CHECKS[spec.type]) for name, spec in INTAKE_FIELDS.items())
_KNOWN_NAMES = frozenset([*INTAKE_FIELDS, "client"])


def _check_diabetes_answers(intake: dict, errors: list[FieldError]) -> None:
    # Cautious: an answer that contradicts `diabetes` is an error, not silently ignored.
    diabetes, controlled = intake["diabetes"], intake["diabetes_well_controlled"]
    field = "diabetes_well_controlled"
    if diabetes == "none" and controlled is not None:
        message = f"{field} must be null when diabetes is 'none'; got {shown(controlled)}."
        errors.append(FieldError(field, message))
    elif diabetes != "none" and controlled is None:
        message = f"{field} must be true or false when diabetes is '{diabetes}'; got null."
        errors.append(FieldError(field, message))


def _client(value: object, errors: list[FieldError]) -> object:
    if not isinstance(value, dict):
        message = f"client must be an object with {quoted(CLIENT_KEYS)}; got {shown(value)}."
        errors.append(FieldError("client", message))
        return value
    for key in value:
        if key not in CLIENT_KEYS:
            message = f"client.{key} is not part of the client block"
            message = sentence(message + did_you_mean(key, CLIENT_KEYS))
            errors.append(FieldError(f"client.{key}", message))
    name, birth, reference = (value.get(key) for key in CLIENT_KEYS)
    if not isinstance(name, str) or not name.strip():
        errors.append(FieldError("client.name", "client.name must be the client's name (text)."))
    if not _is_iso_date(birth):
        message = f"client.date_of_birth must be a date written YYYY-MM-DD; got {shown(birth)}."
        errors.append(FieldError("client.date_of_birth", message))
    if reference is not None and not isinstance(reference, str):
        message = f"client.reference must be text or null; got {shown(reference)}."
        errors.append(FieldError("client.reference", message))
    return {
        "name": name.strip() if isinstance(name, str) else name,
        "date_of_birth": birth,
        "reference": reference.strip() or None if isinstance(reference, str) else reference,
    }


def _is_iso_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
