"""A rule's finding JSON, built by a function made for that rule when the rule set is compiled.

Every finding of a rule has the same texts; its ``because`` and wait depend on the answers. So
``finding_builder`` decides once per rule how to find the tests that made it fire (all of them,
the true ones of a single ``any``, or a walk of the condition), how to explain them (each test's
entries joined, unless two tests explain one field or `allergies` was read from free text) and
how long the wait is, and returns a function that does only that on each screening.
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
from .explain import (
    Explainer,
    answer_copier,
    because,
    explained_fields,
    explainer,
    item_copier,
)
from .facts import TEXT_ANSWER_FIELD, Facts, matching_items
from .rules import RuleSpec
from .schema import INTAKE_FIELDS
from .waits import wait_from_days_ago, wait_from_months_ago, wait_from_today

Builder = Callable[[Facts, datetime.date], dict]
Wait = Callable[[Sequence[CompiledTest], Facts, datetime.date], int]


def finding_builder(spec: RuleSpec, condition: CompiledGroup) -> Builder:
    """``build(facts, on)``: the finding of this rule, which fired on these facts, on day ``on``."""
    template = finding_template(spec)
    tests = _tests(condition)
    fields = [explained_fields(test) for test in tests]
    joined = sum(map(len, fields)) == len(frozenset().union(*fields))  # no field twice
    wait = _wait_of(spec, condition, template)
    fixed = fixed_true_tests(condition)
    children = condition.children
    flat_any = condition.kind == "any" and all(
        isinstance(child, CompiledTest) for child in children
    )
    reads_text = any(test.field == TEXT_ANSWER_FIELD for test in tests)
    # Made only when needed: a rule set of thousands of rules keeps fewer objects alive.
    general = None
    if not joined or (fixed is None and not flat_any) or reads_text:
        explainers = {id(test): explainer(test) for test in tests}
        general = _merging_builder(template, condition, explainers, wait)
    if not joined or (fixed is None and not flat_any):
        return general
    return _joining_builder(
        spec.code, template, fixed or children, only_true=fixed is None, wait=wait, on_text=general
    )


def _merging_builder(
    template: dict, condition: CompiledGroup, explainers: dict[int, Explainer], wait: Wait | None
) -> Builder:
    """For any rule: the true tests found by a walk of the condition, explained by ``because``."""

    def build(facts: Facts, on: datetime.date) -> dict:
        finding = template.copy()
        fired = true_tests(condition, facts.values)
        finding["because"] = because(fired, facts, explainers)
        if wait is not None:
            finding["rescreen_after_days"] = wait(fired, facts, on)
        return finding

    return build


def _joining_builder(
    code: str,
    template: dict,
    tests: Sequence[CompiledTest],
    *,
    only_true: bool,
    wait: Wait | None,
    on_text: Builder | None,
) -> Builder:
    """For a rule whose tests all hold when it fires (or are the tests of one ``any``, of which
    the true ones explain) and explain different fields: ``because`` is their entries, joined.

    The builder is generated as Python source and compiled, one per rule: a finding then costs
    one call, its tests checked and its answers copied inline, instead of a call per test and
    per explanation (a screening makes about three findings, so that is most of its time). The
    source holds only this code, the schema's field names and names bound to the rule's tests,
    checks and explainers: nothing written in a rule is compiled. ``on_text`` (the merging
    builder) explains a rule that reads `allergies` when free text ticked some.
    """
    names: dict[str, object] = {
        "template": template,
        "tests": tuple(tests),
        "wait": wait,
        "on_text": on_text,
        "matching_items": matching_items,
    }
    lines = ["def build(facts, on):"]
    if on_text is not None:
        lines.append("    if facts.read_from_text: return on_text(facts, on)")
    lines += ["    values, intake, because = facts.values, facts.intake, []"]
    if only_true and wait is not None:
        lines.append("    fired = []")
    for number, test in enumerate(tests):
        names[f"test{number}"], names[f"check{number}"] = test, test.check
        indent = "    "
        holds = f"check{number}(values)"
        if test.inner is not None:  # its matching items are found once, for explaining
            lines.append(f"    items{number} = matching_items(test{number}, facts)")
            holds = f"items{number}"
        if only_true:
            lines.append(f"    if {holds}:")
            indent = "        "
            if wait is not None:
                lines.append(f"{indent}fired.append(test{number})")
        lines.append(indent + _entry_source(test, number, names))
    lines += ["    finding = template.copy()", '    finding["because"] = because']
    if wait is not None:
        fired = "fired" if only_true else "tests"
        lines.append(f'    finding["rescreen_after_days"] = wait({fired}, facts, on)')
    lines.append("    return finding")
    source = "\n".join(lines)
    exec(compile(source, f"<finding of {code}>", "exec"), names)  # noqa: S102 (see above)
    return names["build"]  # type: ignore[return-value]


def _entry_source(test: CompiledTest, number: int, names: dict[str, object]) -> str:
    """The statement that adds a true test's entries to ``because``."""
    if test.inner is not None:  # the copies of its matching items (``items{number}``)
        field = repr(INTAKE_FIELDS[test.field].name)
        names[f"copy{number}"] = item_copier(INTAKE_FIELDS[test.field])
        return (
            f'because.append({{"field": {field}, "value": list(map(copy{number}, items{number}))}})'
        )
    if not test.plain:
        names[f"explain{number}"] = explainer(test)
        return f"because += explain{number}(facts)"
    field = repr(INTAKE_FIELDS[test.field].name)  # the schema's own name
    answer = f"intake[{field}]"
    copy = answer_copier(INTAKE_FIELDS[test.field])
    if copy is not None:
        names[f"copy{number}"] = copy
        answer = f"copy{number}({answer})"
    return f'because.append({{"field": {field}, "value": {answer}}})'


def _tests(group: CompiledGroup) -> list[CompiledTest]:
    """Every test of a condition (not those inside an ``any_item``: the item group's test
    explains them)."""
    found: list[CompiledTest] = []
    for child in group.children:
        found += _tests(child) if isinstance(child, CompiledGroup) else [child]
    return found


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
        anchors = list(filter(is_anchor, tests))
        # Fired through another test as well: the cautious reading counts the full wait from
        # today. (Groups are only `all` and `any`: when every true test is an anchor, dropping
        # them all leaves the condition false, so there is nothing to check.)
        if len(anchors) < len(tests) and holds_without(condition, facts.values, is_anchor):
            return wait_from_today(on, length, unit)
        if item_field:
            elapsed = None
            for test in anchors:
                for item in matching_items(test, facts):
                    if elapsed is None or item[item_field] < elapsed:
                        elapsed = item[item_field]
            return wait_from_days_ago(on, elapsed or 0, length, unit)
        months = facts.intake[anchor_field]
        return wait_from_months_ago(on, months if months is not None else 0, length, unit)

    return wait
