"""A rule as docs/rules.md defines it, and its validation."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import MISSING, dataclass

from .conditions import is_group, validate_condition
from .waits import WAIT_UNITS
from .wording import did_you_mean, quoted, sentence, shown

ACTIONS = ("refer", "postpone", "caution")  # most severe first
# A precaution (rule) code: the one pattern for rules, medication classes and the records filter.
PRECAUTION_CODE = re.compile(r"[A-Z][A-Z0-9_]{2,63}")
WAIT_ANCHORS = (
    "isotretinoin_last_dose_months_ago",
    "recent_procedures.days_ago",
    "topical_products.last_used_days_ago",
)
TEXT_KEYS = ("message", "client_message", "source")
TITLE_MAX = 120


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """A rule as docs/rules.md defines it ("A rule"). Build it with ``from_dict`` from JSON."""

    code: str
    title: str = ""  # for people ("Family history of vitiligo"); the code when empty
    action: str
    message: str
    client_message: str
    wait_days: int | None = None  # the wait's length, in wait_unit
    wait_unit: str = "days"
    wait_from: str | None = None
    source: str
    source_section: str = ""
    condition: dict

    @classmethod
    def from_dict(cls, data: Mapping) -> RuleSpec:
        """Raises ``ValueError`` on unknown or missing keys; validate_rule checks the values."""
        problems = _key_problems(data)
        if problems:
            raise ValueError(" ".join(problem.message for problem in problems))
        return cls(**data)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


RULE_KEYS = tuple(f.name for f in dataclasses.fields(RuleSpec))
REQUIRED_KEYS = tuple(f.name for f in dataclasses.fields(RuleSpec) if f.default is MISSING)


@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rule: the key it is about (``wait_days``, ``condition.all[1]``)."""

    part: str
    message: str


def validate_rule(rule: RuleSpec | Mapping, *, class_codes: Collection[str]) -> list[RuleProblem]:
    """Every problem of a rule (a ``RuleSpec`` or its JSON dict); empty when it can be compiled."""
    data = rule.to_dict() if isinstance(rule, RuleSpec) else rule
    if not isinstance(data, Mapping):
        return [RuleProblem("rule", f"A rule must be an object; got {shown(data)}.")]
    problems = _key_problems(data)
    values = {key: data.get(key, _default(key)) for key in RULE_KEYS}
    problems += _value_problems(values)
    if "condition" in data:
        for problem in validate_condition(data["condition"], class_codes=class_codes):
            part = f"condition.{problem.path}" if problem.path else "condition"
            problems.append(RuleProblem(part, problem.message))
    return problems


def _default(key: str) -> object:
    """The default of an optional key; MISSING for a required one (reported as missing)."""
    return RuleSpec.__dataclass_fields__[key].default


def _key_problems(data: Mapping) -> list[RuleProblem]:
    problems = [
        RuleProblem(key, sentence(f"Unknown key '{key}' in a rule{did_you_mean(key, RULE_KEYS)}"))
        for key in data
        if key not in RULE_KEYS
    ]
    problems += [
        RuleProblem(key, f"{key} is missing; every rule needs it.")
        for key in REQUIRED_KEYS
        if key not in data
    ]
    return problems


def _value_problems(rule: dict) -> list[RuleProblem]:
    problems = []
    code, action = rule["code"], rule["action"]
    if code is not MISSING and not (isinstance(code, str) and PRECAUTION_CODE.fullmatch(code)):
        message = (
            "code must be 3 to 64 upper-case letters, digits or _, starting with a letter "
            f"(like HERPES_SIMPLEX_HISTORY); got {shown(code)}."
        )
        problems.append(RuleProblem("code", message))
    if action is not MISSING and action not in ACTIONS:
        message = f"action must be one of {quoted(ACTIONS)}; got {shown(action)}"
        problems.append(RuleProblem("action", sentence(message + did_you_mean(action, ACTIONS))))
    for key in TEXT_KEYS:
        value = rule[key]
        if value is not MISSING and not (isinstance(value, str) and value.strip()):
            problems.append(RuleProblem(key, f"{key} must be non-empty text; got {shown(value)}."))
    title = rule["title"]
    if not isinstance(title, str) or len(title) > TITLE_MAX:
        message = f"title must be text of at most {TITLE_MAX} characters; got {shown(title)}."
        problems.append(RuleProblem("title", message))
    section = rule["source_section"]
    if not isinstance(section, str):
        message = f"source_section must be text (it may be empty); got {shown(section)}."
        problems.append(RuleProblem("source_section", message))
    problems += _wait_problems(action, rule["wait_days"], rule["wait_from"], rule["condition"])
    unit = rule["wait_unit"]
    if unit not in WAIT_UNITS:
        message = f"wait_unit must be one of {quoted(WAIT_UNITS)}; got {shown(unit)}"
        problems.append(
            RuleProblem("wait_unit", sentence(message + did_you_mean(unit, WAIT_UNITS)))
        )
    return problems


def _wait_problems(action, wait_days, wait_from, condition) -> list[RuleProblem]:
    problems = []
    if wait_days is not None:
        if isinstance(wait_days, bool) or not isinstance(wait_days, int) or wait_days < 1:
            message = (
                "wait_days (the wait's length, in wait_unit) must be a whole number, 1 or more,"
                f" or null; got {shown(wait_days)}."
            )
            problems.append(RuleProblem("wait_days", message))
        if action in ACTIONS and action != "postpone":
            message = f"wait_days is only for postpone rules; this rule's action is '{action}'."
            problems.append(RuleProblem("wait_days", message))
    if wait_from is None:
        return problems
    if wait_from not in WAIT_ANCHORS:
        message = f"wait_from must be one of {quoted(WAIT_ANCHORS)} or null; got {shown(wait_from)}"
        message = sentence(message + did_you_mean(wait_from, WAIT_ANCHORS))
        problems.append(RuleProblem("wait_from", message))
    elif wait_days is None:
        message = "wait_from needs wait_days: the wait to count from that answer."
        problems.append(RuleProblem("wait_from", message))
    elif is_group(condition) and not _references(condition, wait_from):
        message = f"wait_from is '{wait_from}' but the condition does not test that field."
        problems.append(RuleProblem("wait_from", message))
    return problems


def _references(node: object, anchor: str) -> bool:
    """Whether a condition tests the anchor field (an item field inside any_item on its list)."""
    list_name, _, item_name = anchor.partition(".")
    if not item_name:
        return any(test.get("field") == anchor for test in _tests(node))
    return any(
        item_name in {inner.get("field") for inner in _tests(test.get("value"))}
        for test in _tests(node)
        if test.get("field") == list_name and test.get("op") == "any_item"
    )


def _tests(node: object) -> Iterable[dict]:
    if is_group(node):
        for items in node.values():
            for item in items if isinstance(items, list) else ():
                yield from _tests(item)
    elif isinstance(node, dict):
        yield node
