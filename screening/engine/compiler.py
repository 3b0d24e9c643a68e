"""Compiling a validated condition into plain closures.

A compiled check takes the facts of one intake (a dict of field -> value, see ``facts.py``) and
returns a bool. Operators are looked up in a fixed table; nothing from a rule is evaluated as code.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from .conditions import ConditionProblem, is_group, item_scope, validate_condition
from .schema import CONDITION_FIELDS, INTAKE_FIELDS

Check = Callable[[dict], bool]


class ConditionInvalid(ValueError):
    """A condition cannot be compiled; ``problems`` lists why."""

    def __init__(self, problems: list[ConditionProblem]):
        self.problems = list(problems)
        super().__init__(" ".join(f"{p.path or 'condition'}: {p.message}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class CompiledTest:
    field: str
    op: str
    value: object
    check: Check
    inner: CompiledGroup | None = None  # the item group of an any_item test
    plain: bool = False  # an intake field whose answer explains the test as it is
    # Every answer a valid intake can give the field, when there are few (enums, bounded
    # whole numbers, yes/no): a guard for tests that have none of their own, like `gte`.
    answers: tuple | None = None


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    kind: str
    children: tuple[CompiledTest | CompiledGroup, ...]
    check: Check


def compile_condition(condition: dict, *, class_codes: Collection[str]) -> Check:
    """The condition as one closure ``check(facts) -> bool``. Raises ``ConditionInvalid``."""
    return build_condition(condition, class_codes=class_codes).check


def build_condition(condition: dict, *, class_codes: Collection[str]) -> CompiledGroup:
    """The condition as a tree of compiled groups and tests (kept for explaining a finding)."""
    problems = validate_condition(condition, class_codes=class_codes)
    if problems:
        raise ConditionInvalid(problems)
    return build_valid_condition(condition)


def build_valid_condition(condition: dict) -> CompiledGroup:
    """``build_condition`` for a condition already validated (by ``validate_rule``)."""
    return _group(condition, CONDITION_FIELDS)


def true_tests(group: CompiledGroup, facts: dict) -> list[CompiledTest]:
    """Every true test in the branches that make a true group true (all branches of an ``any``)."""
    found: list[CompiledTest] = []
    _collect_true_tests(group, facts, found)
    return found


def _collect_true_tests(group: CompiledGroup, facts: dict, found: list[CompiledTest]) -> None:
    # Every child of a true `all` group is true: only the branches of an `any` need checking.
    check_each = group.kind == "any"
    for child in group.children:
        if check_each and not child.check(facts):
            continue
        if isinstance(child, CompiledGroup):
            _collect_true_tests(child, facts, found)
        else:
            found.append(child)


def fixed_true_tests(group: CompiledGroup) -> tuple[CompiledTest, ...] | None:
    """Every test of a condition with no ``any`` branch (all true when it is), else None."""
    found: list[CompiledTest] = []
    for child in group.children:
        if isinstance(child, CompiledTest):
            found.append(child)
            continue
        if child.kind == "any" and len(child.children) > 1:
            return None
        inner = fixed_true_tests(child)
        if inner is None:
            return None
        found += inner
    if group.kind == "any" and len(group.children) > 1:
        return None
    return tuple(found)


# A guard (kind, field, values): a condition can only hold when the field is true or non-empty
# ("true", values None), when its answer is one of the values ("answer", from equals and in), or
# when it holds one of them ("member", from contains, contains_any and contains_all). Values
# compare as the compiled checks compare them (== and hashing), so a guard never hides a rule.
Guard = tuple[str, str, frozenset | None]


def guards(node: CompiledGroup | CompiledTest) -> frozenset[Guard] | None:
    """Guards of which one must be met for the condition to hold, or None when there are none.

    ``pregnant equals true`` needs ``pregnant``; ``acne_in_area equals "comedonal"`` needs that
    answer; ``fitzpatrick_type gte 4`` needs 4, 5 or 6; an ``all`` group needs what any one of
    its children needs (the fewest guards); an ``any`` group needs one of what each child needs.
    """
    if isinstance(node, CompiledTest):
        return _test_guard(node)
    found = [guards(child) for child in node.children]
    if node.kind == "all" or len(found) == 1:
        known = [each for each in found if each is not None]
        return min(known, key=len) if known else None
    if any(each is None for each in found):
        return None
    return frozenset().union(*found)


def guard_suffices(node: CompiledGroup | CompiledTest) -> bool:
    """Whether the condition holds whenever one of its ``guards`` is met (no need to check it).

    True for a test whose guard says all it asks (``pregnant equals true``, ``acne_in_area in
    [...]``, ``medication_classes contains_any [...]``), for an ``any`` group of such tests and
    for a group of one of them; not for ``any_item`` or ``contains_all``, which ask more.
    """
    if isinstance(node, CompiledTest):
        if node.op == "contains_all":
            return len(node.value) == 1
        return node.op != "any_item" and _test_guard(node) is not None
    if len(node.children) == 1 or node.kind == "any":
        return all(guard_suffices(child) for child in node.children)
    return False


def _test_guard(test: CompiledTest) -> frozenset[Guard] | None:
    op, field, value = test.op, test.field, test.value
    if op in ("any_item", "is_not_empty") or (op == "equals" and value is True):
        guard = ("true", field, None)
    elif op == "equals":
        guard = ("answer", field, frozenset({value}))
    elif op == "in":
        guard = ("answer", field, frozenset(value))
    elif op == "contains":
        guard = ("member", field, frozenset({value}))
    elif op in ("contains_any", "contains_all"):
        guard = ("member", field, frozenset(value))
    elif test.answers is not None:
        # The answers the test holds for, found by asking the test itself.
        held = frozenset(answer for answer in test.answers if test.check({field: answer}))
        guard = ("answer", field, held)
    else:
        return None
    return frozenset({guard})


# Fields with at most this many possible answers are guarded by them (see CompiledTest.answers).
MAX_GUARD_ANSWERS = 64


def _possible_answers(spec) -> tuple | None:
    """Every answer a valid intake gives this field, when they are few (intake.py checks them)."""
    if spec.type == "enum":
        return spec.values
    if spec.type in ("bool", "nullable_bool"):
        return (False, True, None) if spec.type == "nullable_bool" else (False, True)
    bounded = spec.minimum is not None and spec.maximum is not None
    if spec.type == "integer" and bounded and spec.maximum - spec.minimum < MAX_GUARD_ANSWERS:
        return tuple(range(spec.minimum, spec.maximum + 1))
    return None


def holds_without(
    node: CompiledGroup | CompiledTest, facts: dict, dropped: Callable[[CompiledTest], bool]
) -> bool:
    """Whether the condition is still true when the ``dropped`` tests are taken as false."""
    if isinstance(node, CompiledTest):
        return not dropped(node) and node.check(facts)
    results = (holds_without(child, facts, dropped) for child in node.children)
    return all(results) if node.kind == "all" else any(results)


def _group(node: dict, scope) -> CompiledGroup:
    kind, items = next(iter(node.items()))
    children = tuple(
        _group(item, scope) if is_group(item) else _test(item, scope) for item in items
    )
    checks = tuple(child.check for child in children)
    return CompiledGroup(kind, children, _all(checks) if kind == "all" else _any(checks))


def _test(node: dict, scope) -> CompiledTest:
    name, op, value = node["field"], node["op"], node.get("value")
    if op == "any_item":
        inner = _group(value, item_scope(scope[name]))
        return CompiledTest(name, op, value, _any_item(name, inner.check), inner)
    plain = scope is CONDITION_FIELDS and name in INTAKE_FIELDS
    answers = _possible_answers(scope[name]) if plain else None
    return CompiledTest(name, op, value, _OPERATORS[op](name, value), plain=plain, answers=answers)


# The hot path: plain loops, as all()/any() over a generator cost several times more per call.


def _all(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda facts: first(facts) and second(facts)
    if len(checks) == 3:
        first, second, third = checks
        return lambda facts: first(facts) and second(facts) and third(facts)

    def check(facts):
        for each in checks:  # noqa: SIM110
            if not each(facts):
                return False
        return True

    return check


def _any(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda facts: first(facts) or second(facts)
    if len(checks) == 3:
        first, second, third = checks
        return lambda facts: first(facts) or second(facts) or third(facts)

    def check(facts):
        for each in checks:  # noqa: SIM110
            if each(facts):
                return True
        return False

    return check


def _any_item(name: str, inner: Check) -> Check:
    def check(facts):
        for item in facts[name]:  # noqa: SIM110
            if inner(item):
                return True
        return False

    return check


# Each operator builds a closure over the field name and the rule's value. Enum lists in facts are
# lists, tuples or sets (see facts.py); null answers make comparisons false, as docs/rules.md says.


def _equals(name, value):
    return lambda facts: facts[name] == value


def _not_equals(name, value):
    return lambda facts: facts[name] != value


def _lt(name, value):
    return lambda facts: (answer := facts[name]) is not None and answer < value


def _lte(name, value):
    return lambda facts: (answer := facts[name]) is not None and answer <= value


def _gt(name, value):
    return lambda facts: (answer := facts[name]) is not None and answer > value


def _gte(name, value):
    return lambda facts: (answer := facts[name]) is not None and answer >= value


def _in(name, value):
    allowed = frozenset(value)
    return lambda facts: facts[name] in allowed


def _not_in(name, value):
    excluded = frozenset(value)
    return lambda facts: facts[name] not in excluded


def _contains(name, value):
    return lambda facts: value in facts[name]


def _not_contains(name, value):
    return lambda facts: value not in facts[name]


def _contains_any(name, value):
    wanted = frozenset(value)
    return lambda facts: not wanted.isdisjoint(facts[name])


def _contains_all(name, value):
    wanted = frozenset(value)
    return lambda facts: wanted.issubset(facts[name])


def _is_empty(name, value):
    return lambda facts: not facts[name]


def _is_not_empty(name, value):
    return lambda facts: bool(facts[name])


def _is_null(name, value):
    return lambda facts: facts[name] is None


def _is_not_null(name, value):
    return lambda facts: facts[name] is not None


_OPERATORS = {
    "equals": _equals,
    "not_equals": _not_equals,
    "lt": _lt,
    "lte": _lte,
    "gt": _gt,
    "gte": _gte,
    "in": _in,
    "not_in": _not_in,
    "contains": _contains,
    "not_contains": _not_contains,
    "contains_any": _contains_any,
    "contains_all": _contains_all,
    "is_empty": _is_empty,
    "is_not_empty": _is_not_empty,
    "is_null": _is_null,
    "is_not_null": _is_not_null,
}
