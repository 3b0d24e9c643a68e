"""Compiling a validated condition into checks.

A compiled check takes the values of one intake (a dict of field -> value, see ``facts.py``) and
returns a bool. Each test and group of a condition gets its check, generated as Python source and
compiled once per condition: a group's check holds its tests inline, as one expression, so
checking a rule costs one call however many tests it has (calls are most of the cost of a check).
The source is made only of the operators' fixed templates (``_OPERATORS``) and the schema's field
names; the rule's values are bound by name, so nothing written in a rule is compiled.
"""

from __future__ import annotations

import itertools
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
    # The check as an expression over ``values``, with the names in ``namespace`` (the rule's
    # values and item checks, shared by the nodes of a condition): the rule set's ``fired``
    # function (dispatch.py) and the finding builders inline it.
    expression: str = ""
    namespace: dict | None = None


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    kind: str
    children: tuple[CompiledTest | CompiledGroup, ...]
    check: Check
    expression: str = ""  # as CompiledTest's
    namespace: dict | None = None


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
    source = _Source()
    root = _group(condition, CONDITION_FIELDS, source)
    source.compile()
    return root


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
# ("true", values None), when its answer is one of the values ("answer", from equals and in),
# when it holds one of them ("member", from contains, contains_any and contains_all), or when an
# item of a list answers one of them ("item", field "list.item", from an any_item test whose item
# group has answer guards). Values compare as the compiled checks compare them (== and hashing),
# so a guard never hides a rule.
Guard = tuple[str, str, frozenset | None]


def guards(node: CompiledGroup | CompiledTest) -> frozenset[Guard] | None:
    """Guards of which one must be met for the condition to hold, or None when there are none.

    ``pregnant equals true`` needs ``pregnant``; ``acne_in_area equals "comedonal"`` needs that
    answer; ``fitzpatrick_type gte 4`` needs 4, 5 or 6; ``recent_procedures any_item {type
    equals "surgery", ...}`` needs a procedure of that type; an ``all`` group needs what any one
    of its children needs (the fewest guards); an ``any`` group needs one of what each child
    needs.
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
    if op == "any_item":
        return _item_guards(test)
    if op == "is_not_empty" or (op == "equals" and value is True):
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


def _item_guards(test: CompiledTest) -> frozenset[Guard]:
    """An ``any_item`` test holds when an item holds: when an item answers as its item group's
    answer guards ask, or else (other guards) when the list is not empty."""
    inner = guards(test.inner) if test.inner is not None else None
    if inner and all(kind == "answer" for kind, _, _ in inner):
        return frozenset(("item", f"{test.field}.{name}", values) for _, name, values in inner)
    return frozenset({("true", test.field, None)})


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


# Names bound in conditions are numbered across all conditions, so that the expressions of many
# rules can be inlined in one function with their namespaces merged (see dispatch.py).
_NAME_NUMBERS = itertools.count()


class _Source:
    """The checks of one condition's nodes as Python source, compiled together."""

    def __init__(self):
        self.names: dict[str, object] = {}  # the rule's values and the item checks, by name
        self.checks: list[tuple[CompiledTest | CompiledGroup, str]] = []
        # Set after compiling: (name, group) binds an item group's check to a name, and
        # (group, child) gives a group of one child that child's check.
        self.later: list[tuple[str | CompiledGroup, CompiledGroup | CompiledTest]] = []

    def bind(self, value: object) -> str:
        name = f"_{next(_NAME_NUMBERS)}"
        self.names[name] = value
        return name

    def bind_check(self, group: CompiledGroup) -> str:
        """A name for a group's check, compiled with this one (looked up when called)."""
        name = self.bind(None)
        self.later.append((name, group))
        return name

    def add(self, node: CompiledTest | CompiledGroup, expression: str) -> None:
        self.checks.append((node, expression))

    def compile(self) -> None:
        lambdas = "".join(f"lambda values: {expression},\n" for _, expression in self.checks)
        # The source is the operators' templates over schema field names (see the docstring).
        checks = eval(compile(f"({lambdas})", "<condition>", "eval"), self.names)  # noqa: S307
        for (node, _), check in zip(self.checks, checks, strict=True):
            object.__setattr__(node, "check", check)
        for name_or_group, node in self.later:
            if isinstance(name_or_group, str):
                self.names[name_or_group] = node.check
            else:
                object.__setattr__(name_or_group, "check", node.check)


def _group(node: dict, scope, source: _Source) -> CompiledGroup:
    kind, items = next(iter(node.items()))
    children = tuple(
        _group(item, scope, source) if is_group(item) else _test(item, scope, source)
        for item in items
    )
    joiner = " and " if kind == "all" else " or "
    expression = joiner.join(f"({child.expression})" for child in children)
    group = CompiledGroup(kind, children, _unset, expression, source.names)
    if len(children) == 1:  # the child's own check will do
        source.later.append((group, children[0]))
    else:
        source.add(group, expression)
    return group


def _test(node: dict, scope, source: _Source) -> CompiledTest:
    name, op, value = node["field"], node["op"], node.get("value")
    answer = f"values[{scope[name].name!r}]"  # the schema's own name
    if op == "any_item":
        inner = _group(value, item_scope(scope[name]), source)
        expression = f"any(map({source.bind_check(inner)}, {answer}))"
        test = CompiledTest(
            name, op, value, _unset, inner, expression=expression, namespace=source.names
        )
    else:
        plain = scope is CONDITION_FIELDS and name in INTAKE_FIELDS
        answers = _possible_answers(scope[name]) if plain else None
        bound = source.bind(frozenset(value) if op in _SET_OPERATORS else value)
        expression = _OPERATORS[op].format(answer=answer, value=bound)
        test = CompiledTest(
            name,
            op,
            value,
            _unset,
            plain=plain,
            answers=answers,
            expression=expression,
            namespace=source.names,
        )
    source.add(test, expression)
    return test


def _unset(facts: dict) -> bool:
    raise AssertionError("a check is used before its condition is compiled")


# Each operator as an expression over the answer and the rule's value. Enum lists in facts are
# lists, tuples or sets (see facts.py); null answers make comparisons false, as docs/rules.md says.
_OPERATORS = {
    "equals": "{answer} == {value}",
    "not_equals": "{answer} != {value}",
    "lt": "(_answer := {answer}) is not None and _answer < {value}",
    "lte": "(_answer := {answer}) is not None and _answer <= {value}",
    "gt": "(_answer := {answer}) is not None and _answer > {value}",
    "gte": "(_answer := {answer}) is not None and _answer >= {value}",
    "in": "{answer} in {value}",
    "not_in": "{answer} not in {value}",
    "contains": "{value} in {answer}",
    "not_contains": "{value} not in {answer}",
    "contains_any": "not {value}.isdisjoint({answer})",
    "contains_all": "{value}.issubset({answer})",
    "is_empty": "not {answer}",
    "is_not_empty": "bool({answer})",
    "is_null": "{answer} is None",
    "is_not_null": "{answer} is not None",
}
# Operators whose value is a list, checked as a set.
_SET_OPERATORS = frozenset({"in", "not_in", "contains_any", "contains_all"})
