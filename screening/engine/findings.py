"""A rule's finding JSON, built by a function made for that rule when the rule set is compiled.

Every finding of a rule has the same texts; its ``because`` and wait depend on the answers. So
``finding_builder`` decides once per rule how to find the tests that made it fire (the walk of
its condition is written out as statements), how to explain them (each test's entries joined,
merged when two tests explain one field, and the free text that ticked `allergies` answers) and
how long the wait is, and returns a function that does only that on each screening.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

from .compiler import (
    CompiledGroup,
    CompiledTest,
    fixed_true_tests,
    holds_without,
)
from .decision import finding_template
from .explain import (
    CLASS_SOURCES,
    answer_copier,
    class_selector,
    derived_explainer,
    explain_text,
    explained_fields,
    explains_whole_list,
    item_copier,
    merged,
)
from .facts import TEXT_ANSWER_FIELD, Facts, matching_items
from .rules import RuleSpec
from .schema import INTAKE_FIELDS
from .waits import wait_from_days_ago, wait_from_months_ago, wait_from_today

Builder = Callable[[Facts, datetime.date], dict]


def finding_builder(spec: RuleSpec, condition: CompiledGroup) -> Builder:
    """``build(facts, on)``: the finding of this rule, which fired on these facts, on day ``on``."""
    template = finding_template(spec)
    tests = _tests(condition)
    fields = [explained_fields(test) for test in tests]
    merge = sum(map(len, fields)) != len(frozenset().union(*fields))  # a field explained twice
    wait = _wait_of(spec, condition, template)
    return _compiled_builder(spec.code, template, condition, tests, merge, wait)


def _compiled_builder(
    code: str,
    template: dict,
    condition: CompiledGroup,
    tests: Sequence[CompiledTest],
    merge: bool,
    wait: Wait | None,
) -> Builder:
    """The builder of one rule, generated as Python source and compiled.

    Its statements walk the condition (every child of a true ``all`` group holds; the children
    of an ``any`` group are checked), add each true test's entries to ``because`` inline and
    note what its wait is counted from: a finding then costs one call, instead of a call per
    test, per explanation and per wait. A true test of `allergies` that only the answers read
    from free text make true is explained by that text, after the other entries. The source
    holds only this code, the schema's field names and names bound to the rule's tests, checks
    and explainers: nothing written in a rule is compiled.
    """
    reads_text = any(test.field == TEXT_ANSWER_FIELD for test in tests)
    source = _BuilderSource(tests, wait, _wait_plan(condition, tests, wait))
    source.names.update(condition.namespace or {})  # the names the inlined checks use
    source.names.update(template=template, merged=merged, explain_text=explain_text)
    source.add(1, "values, intake, because = facts.values, facts.intake, []")
    if reads_text:
        source.add(1, "read, text = facts.read_from_text, []")
    if source.plan.start:
        source.add(1, source.plan.start)
    source.explain_true(condition, 1)
    source.add(1, "finding = template.copy()")
    source.add(1, f'finding["because"] = {"merged(because)" if merge else "because"}')
    if reads_text:
        source.add(1, 'if text: finding["because"] += text')
    if wait is not None:
        source.add(1, f'finding["rescreen_after_days"] = {source.plan.days}')
    source.add(1, "return finding")
    return source.compile(f"<finding of {code}>")


@dataclass(frozen=True)
class _WaitPlan:
    """What the generated builder notes about each true test to count its finding's wait."""

    start: str = ""  # the statement before the walk
    days: str = ""  # the expression of the wait, after it
    note_fired: bool = False  # every true test, for ``Wait.of_true_tests``
    note_anchors: bool = False  # the items of the true tests of the anchor's list
    from_today_unless_anchor: bool = False  # a true test that is not the anchor: from today


def _wait_plan(condition: CompiledGroup, tests: Sequence[CompiledTest], wait: Wait | None):
    """How the builder counts a finding's wait, decided from the condition's shape where it can:
    with no anchor, from today; when every test holds whenever the rule fires, from the anchor
    (dropping it leaves the condition false); for one ``any`` of tests, from today when a test
    other than the anchor is true. Otherwise, ``Wait.of_true_tests`` on the true tests."""
    if wait is None:
        return _WaitPlan()
    if not any(map(wait.is_anchor, tests)):
        return _WaitPlan(days="wait.from_today(on)")
    anchored = "wait.from_anchors(anchored, facts, on)"
    if fixed_true_tests(condition) is not None:
        return _WaitPlan("anchored = []", anchored, note_anchors=True)
    if condition.kind == "any" and all(
        isinstance(child, CompiledTest) for child in condition.children
    ):
        return _WaitPlan(
            "anchored, from_today = [], False",
            f"wait.from_today(on) if from_today else {anchored}",
            note_anchors=True,
            from_today_unless_anchor=True,
        )
    return _WaitPlan("fired = []", "wait.of_true_tests(fired, facts, on)", note_fired=True)


class _BuilderSource:
    """The lines of one builder's source and the names they use, bound by name."""

    def __init__(self, tests: Sequence[CompiledTest], wait: Wait | None, plan: _WaitPlan):
        self.number = {id(test): number for number, test in enumerate(tests)}
        self.wait, self.plan = wait, plan
        self.names: dict[str, object] = {
            "compress": compress,
            "matching_items": matching_items,
            "wait": wait,
        }
        for number, test in enumerate(tests):
            self.names[f"test{number}"] = test
        self.lines = ["def build(facts, on):"]

    def add(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def compile(self, filename: str) -> Builder:
        exec(compile("\n".join(self.lines), filename, "exec"), self.names)  # noqa: S102 (above)
        return self.names["build"]  # type: ignore[return-value]

    def explain_true(self, node: CompiledGroup | CompiledTest, depth: int) -> None:
        """Statements explaining a node that holds."""
        if isinstance(node, CompiledTest):
            self.explain_test(node, depth, items_found=False)
        elif node.kind == "all" or len(node.children) == 1:
            for child in node.children:
                self.explain_true(child, depth)
        else:
            for child in node.children:
                self.add(depth, f"if {self.holds(child, depth)}:")
                if isinstance(child, CompiledTest):
                    self.explain_test(child, depth + 1, items_found=True)
                else:
                    self.explain_true(child, depth + 1)

    def holds(self, node: CompiledGroup | CompiledTest, depth: int) -> str:
        """An expression true when the node holds (an ``any_item`` test's matching items)."""
        if isinstance(node, CompiledGroup) or node.inner is None:
            return f"({node.expression})"
        number = self.number[id(node)]
        self.names[f"inner{number}"] = node.inner.check
        field = repr(INTAKE_FIELDS[node.field].name)
        # As ``facts.matching_items``, without a call: the intake's items whose values pass.
        matching = f"compress(intake[{field}], map(inner{number}, values[{field}]))"
        self.add(depth, f"items{number} = list({matching})")
        return f"items{number}"

    def explain_test(self, test: CompiledTest, depth: int, *, items_found: bool) -> None:
        """Statements adding a true test's entries to ``because`` and noting it for the wait
        (``items_found``: an ``any_item`` test's matching items are in ``items{number}``)."""
        number = self.number[id(test)]
        if test.inner is not None and not items_found:
            self.holds(test, depth)
        entry = _entry_source(test, number, self.names)
        if test.field == TEXT_ANSWER_FIELD:
            self.names[f"check{number}"] = test.check
            # False on the ticked answers alone: true only by what free text ticked.
            ticked = f"{{{TEXT_ANSWER_FIELD!r}: intake[{TEXT_ANSWER_FIELD!r}]}}"
            self.add(depth, f"if read and not check{number}({ticked}):")
            self.add(depth + 1, f"explain_text(test{number}, facts, text)")
            self.add(depth, "else:")
            self.add(depth + 1, entry)
        else:
            self.add(depth, entry)
        plan, anchor = self.plan, self.wait is not None and self.wait.is_anchor(test)
        if plan.note_fired:
            self.add(depth, f"fired.append(test{number})")
        elif anchor and plan.note_anchors and self.wait.item_field:
            has_items = test.inner is not None
            items = f"items{number}" if has_items else f"matching_items(test{number}, facts)"
            self.add(depth, f"anchored += {items}")
        elif not anchor and plan.from_today_unless_anchor:
            self.add(depth, "from_today = True")


def _entry_source(test: CompiledTest, number: int, names: dict[str, object]) -> str:
    """The statement that adds a true test's entries to ``because``."""
    if test.inner is not None:  # the copies of its matching items (``items{number}``)
        field = repr(INTAKE_FIELDS[test.field].name)
        names[f"copy{number}"] = item_copier(INTAKE_FIELDS[test.field])
        return (
            f'because.append({{"field": {field}, "value": list(map(copy{number}, items{number}))}})'
        )
    if test.field in CLASS_SOURCES:
        return _class_entry_source(test, number, names)
    if not test.plain:
        names[f"explain{number}"] = derived_explainer(test)
        return f"because += explain{number}(facts)"
    field = repr(INTAKE_FIELDS[test.field].name)  # the schema's own name
    answer = f"intake[{field}]"
    copy = answer_copier(INTAKE_FIELDS[test.field])
    if copy is not None:
        names[f"copy{number}"] = copy
        answer = f"copy{number}({answer})"
    return f'because.append({{"field": {field}, "value": {answer}}})'


def _class_entry_source(test: CompiledTest, number: int, names: dict[str, object]) -> str:
    """The statement that adds the entries behind a true test of medication classes: the whole
    list, or the entries whose matches have the classes."""
    field, matches = CLASS_SOURCES[test.field]
    names[f"copy{number}"] = answer_copier(INTAKE_FIELDS[field]) or list
    entries = f"intake[{field!r}]"
    if not explains_whole_list(test):
        names[f"selects{number}"] = class_selector(test)
        entries = f"compress({entries}, map(selects{number}, facts.{matches}))"
    return f'because.append({{"field": {field!r}, "value": copy{number}({entries})}})'


def _tests(group: CompiledGroup) -> list[CompiledTest]:
    """Every test of a condition (not those inside an ``any_item``: the item group's test
    explains them)."""
    found: list[CompiledTest] = []
    for child in group.children:
        found += _tests(child) if isinstance(child, CompiledGroup) else [child]
    return found


@dataclass(frozen=True)
class Wait:
    """How a finding's wait is counted: ``length`` ``unit`` from the screening day, or from the
    answer of ``anchor_field`` (PRECAUTIONS.md section 0, rule 8)."""

    condition: CompiledGroup
    length: int
    unit: str
    anchor_field: str | None  # None: from the screening day
    item_field: str  # the anchor's field in the items of its list ("" when it is no list)
    elapsed_of: Callable[[dict], object]  # an item's answer of ``item_field``

    def is_anchor(self, test: CompiledTest) -> bool:
        return test.field == self.anchor_field

    def from_today(self, on: datetime.date) -> int:
        return wait_from_today(on, self.length, self.unit)

    def from_anchors(self, matched: list[dict], facts: Facts, on: datetime.date) -> int:
        """Counted from the anchor's answer: the latest of the ``matched`` items (those of the
        true tests of the anchor's list), or the months of a single answer."""
        if self.item_field:
            # Not min(..., default=0): a keyword makes this Python's min parse its arguments
            # the slow way, several times the cost of the rest.
            elapsed = min(map(self.elapsed_of, matched)) if matched else 0
            return wait_from_days_ago(on, elapsed, self.length, self.unit)
        months = facts.intake[self.anchor_field]
        return wait_from_months_ago(on, months if months is not None else 0, self.length, self.unit)

    def of_true_tests(self, tests: Sequence[CompiledTest], facts: Facts, on: datetime.date) -> int:
        """The wait of a finding whose true tests are ``tests``, for any condition."""
        anchors = list(filter(self.is_anchor, tests))
        # Fired through another test as well: the cautious reading counts the full wait from
        # today. (Groups are only `all` and `any`: when every true test is an anchor, dropping
        # them all leaves the condition false, so there is nothing to check.)
        if len(anchors) < len(tests) and holds_without(
            self.condition, facts.values, self.is_anchor
        ):
            return self.from_today(on)
        matched = []
        if self.item_field:
            for test in anchors:
                matched += matching_items(test, facts)
        return self.from_anchors(matched, facts, on)


def _wait_of(spec: RuleSpec, condition: CompiledGroup, template: dict) -> Wait | None:
    """How to count the wait of a finding; None when it is in the template (a fixed number of
    days, or until resolved) or there is none."""
    if spec.action != "postpone" or spec.wait_days is None:
        return None
    if spec.wait_from is None and spec.wait_unit == "days":
        template["rescreen_after_days"] = spec.wait_days
        return None
    anchor_field, _, item_field = (spec.wait_from or "").partition(".")
    return Wait(
        condition,
        spec.wait_days,
        spec.wait_unit,
        anchor_field or None,
        item_field,
        itemgetter(item_field),
    )
