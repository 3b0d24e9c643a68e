"""The condition language of docs/rules.md: its operators, validation, and a description in words.

A condition is a group (``{"all": [...]}`` or ``{"any": [...]}``) of groups and tests
(``{"field": F, "op": O, "value": V}``). Fields come from the fixed schema and operators from the
fixed table below; nothing in a condition is ever evaluated as code.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .schema import CONDITION_FIELDS, FieldSpec, field_label, field_spec, value_label
from .wording import did_you_mean, quoted, sentence, shown

MAX_DEPTH = 8
GROUP_KEYS = ("all", "any")
TEST_KEYS = ("field", "op", "value")

# Operators by field type, each with the kind of value it takes (None: no value).
OPERATORS: dict[str, dict[str, str | None]] = {
    "bool": {"equals": "bool"},
    "nullable_bool": {"equals": "bool", "is_null": None, "is_not_null": None},
    "integer": {
        **dict.fromkeys(("equals", "not_equals", "lt", "lte", "gt", "gte"), "integer"),
        **dict.fromkeys(("in", "not_in"), "integer_list"),
    },
    "nullable_number": {
        **dict.fromkeys(("equals", "lt", "lte", "gt", "gte"), "number"),
        **dict.fromkeys(("is_null", "is_not_null"), None),
    },
    "enum": {
        **dict.fromkeys(("equals", "not_equals"), "choice"),
        **dict.fromkeys(("in", "not_in"), "choice_list"),
    },
    "enum_list": {
        **dict.fromkeys(("contains", "not_contains"), "choice"),
        **dict.fromkeys(("contains_any", "contains_all"), "choice_list"),
        **dict.fromkeys(("is_empty", "is_not_empty"), None),
    },
    "text": {"is_empty": None, "is_not_empty": None},
    "text_list": {"is_empty": None, "is_not_empty": None},
    "object_list": {"any_item": "group", "is_empty": None, "is_not_empty": None},
}

# The lists whose items have each item field, to explain an item field used outside its list.
_LISTS_BY_ITEM_FIELD: dict[str, list[str]] = {
    item: [spec.name for spec in CONDITION_FIELDS.values() if spec.item(item)]
    for item in {item.name for spec in CONDITION_FIELDS.values() for item in spec.items}
}


@dataclass(frozen=True)
class ConditionProblem:
    """One problem: where in the condition (``all[2].any[0]``; ``""``: the top) and a sentence."""

    path: str
    message: str


def is_group(node: object) -> bool:
    return isinstance(node, dict) and any(key in node for key in GROUP_KEYS)


def item_scope(list_spec: FieldSpec) -> dict[str, FieldSpec]:
    return {item.name: item for item in list_spec.items}


def allowed_values(spec: FieldSpec, class_codes: Collection[str]) -> tuple[str, ...]:
    return tuple(sorted(class_codes)) if spec.from_vocabulary else spec.values


def validate_condition(
    condition: object, *, class_codes: Collection[str]
) -> list[ConditionProblem]:
    """Every problem of a rule's condition; an empty list means it can be compiled.

    ``class_codes`` are the medication class codes of the vocabulary the rule will run with.
    """
    checker = _Checker(frozenset(class_codes))
    if not is_group(condition):
        message = "The condition must be a group: an object with one key, 'all' or 'any'."
        checker.report("", message)
    else:
        checker.group(condition, "", CONDITION_FIELDS, None, 1)
    return checker.problems


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


class _Checker:
    def __init__(self, class_codes: frozenset[str]):
        self.class_codes = class_codes
        self.problems: list[ConditionProblem] = []

    def report(self, path: str, message: str) -> None:
        self.problems.append(ConditionProblem(path, message))

    def node(self, node, path, scope, list_name, depth):
        if is_group(node):
            self.group(node, path, scope, list_name, depth + 1)
        elif isinstance(node, dict) and ("field" in node or "op" in node):
            self.test(node, path, scope, list_name, depth)
        else:
            message = (
                "Expected a group ({'all': [...]} or {'any': [...]}) or a test "
                f"({{'field': ..., 'op': ..., 'value': ...}}); got {shown(node)}."
            )
            self.report(path, message)

    def group(self, node, path, scope, list_name, depth):
        if depth > MAX_DEPTH:
            self.report(path, f"The nesting is too deep: at most {MAX_DEPTH} levels of groups.")
            return
        if len(node) != 1:
            message = f"A group has exactly one key, 'all' or 'any'; found {quoted(node)}."
            self.report(path, message)
            return
        kind, items = next(iter(node.items()))
        if not isinstance(items, list):
            self.report(path, f"'{kind}' must be a list of groups and tests; got {shown(items)}.")
        elif not items:
            self.report(path, f"The '{kind}' group is empty; it needs at least one group or test.")
        else:
            for index, item in enumerate(items):
                self.node(item, _join(path, f"{kind}[{index}]"), scope, list_name, depth)

    def test(self, node, path, scope, list_name, depth):
        extra = [key for key in node if key not in TEST_KEYS]
        if extra:
            message = f"Unknown key {quoted(extra)} in a test; a test has 'field', 'op', 'value'."
            self.report(path, message)
        spec = self.field(node.get("field"), path, scope, list_name)
        if spec is None:
            return
        operators = OPERATORS[spec.type]
        op = node.get("op")
        if not isinstance(op, str) or op not in operators:
            message = (
                f"The operator {shown(op)} does not fit {spec.name} ({spec.type}); "
                f"use one of {quoted(operators)}{did_you_mean(op, operators)}"
            )
            self.report(path, sentence(message))
            return
        kind = operators[op]
        if kind is None and "value" in node:
            self.report(path, f"'{op}' takes no value; remove 'value'.")
        elif kind is not None and "value" not in node:
            self.report(path, f"'{op}' needs a 'value'.")
        elif kind == "group":
            self.any_item(node["value"], path, spec, depth)
        elif kind is not None:
            self.value(node["value"], kind, spec, op, path)

    def field(self, name, path, scope, list_name) -> FieldSpec | None:
        if not isinstance(name, str):
            self.report(path, f"A test needs a 'field' naming an intake field; got {shown(name)}.")
            return None
        if name in scope:
            return scope[name]
        if list_name is not None:
            message = (
                f"Inside any_item on {list_name} only its item fields can be used "
                f"({quoted(scope)}); '{name}' is not one of them{did_you_mean(name, scope)}"
            )
        elif name in _LISTS_BY_ITEM_FIELD:
            lists = " or ".join(_LISTS_BY_ITEM_FIELD[name])
            message = f"'{name}' is an item field of {lists}; use it inside an any_item test on it"
        else:
            message = f"Unknown field '{name}'{did_you_mean(name, scope)}"
        self.report(path, sentence(message))
        return None

    def any_item(self, value, path, spec, depth):
        if not is_group(value):
            message = (
                f"any_item needs a group over the fields of {spec.name} items as its value "
                f"({{'all': [...]}} or {{'any': [...]}}); got {shown(value)}."
            )
            self.report(path, message)
            return
        self.group(value, _join(path, "value"), item_scope(spec), spec.name, depth + 1)

    def value(self, value, kind, spec, op, path):
        if kind.endswith("_list"):
            if not isinstance(value, list) or not value:
                self.report(
                    path, f"'{op}' needs a non-empty list as its value; got {shown(value)}."
                )
                return
            for index, item in enumerate(value):
                self.value(item, kind.removesuffix("_list"), spec, op, f"{path}.value[{index}]")
            return
        problem = _VALUE_CHECKS[kind](self, value, spec, op)
        if problem:
            self.report(path, problem)

    def choice(self, value, spec, op):
        allowed = allowed_values(spec, self.class_codes)
        if isinstance(value, str) and value in allowed:
            return None
        message = f"{shown(value)} is not a value of {spec.name}; allowed: {quoted(allowed)}"
        return sentence(message + did_you_mean(value, allowed))


def _bool_problem(checker, value, spec, op):
    if not isinstance(value, bool):
        return f"The value for {spec.name} must be true or false; got {shown(value)}."
    return None


def _integer_problem(checker, value, spec, op):
    if isinstance(value, bool) or not isinstance(value, int):
        return f"The value for {spec.name} must be a whole number; got {shown(value)}."
    # Only exact comparisons are checked: "gte 7" is odd but "equals 7" can never be true.
    low, high = spec.minimum, spec.maximum
    exact = op in ("equals", "not_equals", "in", "not_in")
    if exact and high is not None and not low <= value <= high:
        return f"{spec.name} is between {low} and {high}; {value} is outside its values."
    return None


def _number_problem(checker, value, spec, op):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"The value for {spec.name} must be a number; got {shown(value)}."
    return None


_VALUE_CHECKS = {
    "bool": _bool_problem,
    "integer": _integer_problem,
    "number": _number_problem,
    "choice": _Checker.choice,
}


# ---- describing a condition in words ----------------------------------------------------------

# What each operator reads as, in the rules list, Compare versions and the row editor.
OPERATOR_WORDS = {
    "equals": "is",
    "not_equals": "is not",
    "lt": "is less than",
    "lte": "is at most",
    "gt": "is more than",
    "gte": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "includes",
    "not_contains": "does not include",
    "contains_any": "includes any of",
    "contains_all": "includes all of",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
    "is_null": "has no answer",
    "is_not_null": "has an answer",
    "any_item": "has an item where",
}


def describe_condition(condition: dict, *, class_labels: Mapping[str, str] | None = None) -> str:
    """A valid condition in words, using field and value labels.

    ``{"all": [{"field": "cold_sore_history", "op": "equals", "value": true}, ...]}`` ->
    ``"Cold sore history is yes, and ..."``. ``class_labels`` maps medication class codes to labels.
    """
    return _describe_group(condition, "", class_labels or {}, top=True)


def _describe_group(group: dict, prefix: str, class_labels, *, top: bool) -> str:
    kind, items = next(iter(group.items()))
    joiner = {"all": " and ", "any": " or "}[kind]
    parts = [_describe_node(item, prefix, class_labels) for item in items]
    if top:
        return ("," + joiner).join(parts)
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def _describe_node(node: dict, prefix: str, class_labels) -> str:
    if is_group(node):
        return _describe_group(node, prefix, class_labels, top=False)
    field, op = node["field"], node["op"]
    path = prefix + field
    words = f"{field_label(path)} {OPERATOR_WORDS[op]}"
    if op == "any_item":
        return f"{words} {_describe_group(node['value'], field + '.', class_labels, top=False)}"
    if "value" not in node:
        return words
    value = node["value"]
    values = value if isinstance(value, list) else [value]
    if field_spec(path).from_vocabulary:
        labels = [class_labels.get(v, v) for v in values]
    else:
        labels = [value_label(path, v) for v in values]
    return f"{words} {', '.join(labels)}"
