"""A rule's finding JSON, built by a function made for that rule when the rule set is compiled.

Every finding of a rule has the same texts; its ``because`` and wait depend on the answers. So
``finding_builder`` decides once per rule how to find the tests that made it fire (all of them,
the true ones of a single ``any``, or a walk of the condition), how to explain them (each test's
entries joined, unless two tests explain one field or `allergies` was read from free text) and
how long the wait is, and returns a closure that does only that on each screening.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from .compiler import (
    CompiledGroup,
    CompiledTest,
    fixed_true_tests,
    holds_without,
    true_tests,
)
from .decision import finding_template
from .explain import because, explained_fields, explainer
from .facts import TEXT_ANSWER_FIELD, Facts, is_true, matching_items
from .rules import RuleSpec
from .waits import wait_from_days_ago, wait_from_months_ago, wait_from_today

Builder = Callable[[Facts, datetime.date], dict]
Wait = Callable[[Sequence[CompiledTest], Facts, datetime.date], int]


def finding_builder(spec: RuleSpec, condition: CompiledGroup) -> Builder:
    """``build(facts, on)``: the finding of this rule, which fired on these facts, on day ``on``."""
    template = finding_template(spec)
    tests = _tests(condition)
    explainers = {id(test): explainer(test) for test in tests}
    fields = [explained_fields(test) for test in tests]
    joined = sum(map(len, fields)) == len(frozenset().union(*fields))  # no field twice
    reads_text = any(test.field == TEXT_ANSWER_FIELD for test in tests)
    true_of = _true_tests_of(condition)
    wait = _wait_of(spec, condition, template)

    def build(facts: Facts, on: datetime.date) -> dict:
        finding = template.copy()
        fired = true_of(facts)
        if not joined or (reads_text and facts.read_from_text):
            finding["because"] = because(fired, facts, explainers)
        elif len(fired) == 1:
            finding["because"] = explainers[id(fired[0])](facts)
        else:
            finding["because"] = [entry for test in fired for entry in explainers[id(test)](facts)]
        if wait is not None:
            finding["rescreen_after_days"] = wait(fired, facts, on)
        return finding

    return build


def _tests(group: CompiledGroup) -> list[CompiledTest]:
    """Every test of a condition (not those inside an ``any_item``: the item group's test
    explains them)."""
    found: list[CompiledTest] = []
    for child in group.children:
        found += _tests(child) if isinstance(child, CompiledGroup) else [child]
    return found


def _true_tests_of(condition: CompiledGroup) -> Callable[[Facts], Sequence[CompiledTest]]:
    """The true tests of a condition that holds: known at compile time unless it has an ``any``."""
    fixed = fixed_true_tests(condition)
    if fixed is not None:
        return lambda facts: fixed
    children = condition.children
    if condition.kind == "any" and all(isinstance(child, CompiledTest) for child in children):
        # An ``any_item`` test finds its matching items once, for its entries and wait.
        return lambda facts: [test for test in children if is_true(test, facts)]
    return lambda facts: true_tests(condition, facts.values)


def _wait_of(spec: RuleSpec, condition: CompiledGroup, template: dict) -> Wait | None:
    """How to count the wait of a finding; None when it is in the template (a fixed number of
    days, or until resolved) or there is none."""
    if spec.action != "postpone" or spec.wait_days is None:
        return None
    length, unit, wait_from = spec.wait_days, spec.wait_unit, spec.wait_from
    if wait_from is None:
        if unit == "days":
            template["rescreen_after_days"] = length
            return None
        return lambda tests, facts, on: wait_from_today(on, length, unit)
    anchor_field, _, item_field = wait_from.partition(".")

    def is_anchor(test: CompiledTest) -> bool:
        return test.field == anchor_field

    def wait(tests: Sequence[CompiledTest], facts: Facts, on: datetime.date) -> int:
        """Days from the screening day to re-screen, counted from the anchor's answer."""
        anchors = [test for test in tests if test.field == anchor_field]
        # Fired through another test as well: the cautious reading counts the full wait from
        # today. (Groups are only `all` and `any`: when every true test is an anchor, dropping
        # them all leaves the condition false, so there is nothing to check.)
        if len(anchors) < len(tests) and holds_without(condition, facts.values, is_anchor):
            return wait_from_today(on, length, unit)
        if item_field:
            elapsed = min(
                [item[item_field] for test in anchors for item in matching_items(test, facts)],
                default=0,
            )
            return wait_from_days_ago(on, elapsed, length, unit)
        months = facts.intake[anchor_field]
        return wait_from_months_ago(on, months if months is not None else 0, length, unit)

    return wait
