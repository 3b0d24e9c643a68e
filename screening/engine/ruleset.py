"""Compiled rule sets: one per published rule-set version, evaluated against validated intakes.

A ``CompiledRuleSet`` is immutable and safe to share between threads. ``evaluate`` computes the
facts of an intake once (medication matching, derived facts), runs one closure per rule, and
explains only the rules that fired.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .compiler import CompiledGroup, CompiledTest, build_valid_condition, holds_without, true_tests
from .decision import Decision, Finding, json_copy
from .facts import Facts, because, matching_items, prepare_facts
from .rules import RuleProblem, RuleSpec, validate_rule
from .vocabulary import MedicationVocabulary
from .wording import shown

DAYS_PER_MONTH = 30.4375


class RuleSetInvalid(ValueError):
    """A rule set cannot be compiled; ``errors`` maps a rule's index (or "version") to problems."""

    def __init__(self, errors: dict[int | str, list[RuleProblem]]):
        self.errors = errors
        lines = [
            f"rule {where}: {problem.part}: {problem.message}"
            for where, problems in errors.items()
            for problem in problems
        ]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    condition: CompiledGroup

    def finding(self, facts: Facts) -> Finding:
        """The finding of this rule, which fired on these facts."""
        spec = self.spec
        tests = true_tests(self.condition, facts.values)
        wait = self._wait(tests, facts) if spec.action == "postpone" else None
        return Finding(spec, because(tests, facts), wait)

    def _wait(self, tests: list[CompiledTest], facts: Facts) -> int | None:
        """Days from the screening day to re-screen; counted from the event with ``wait_from``."""
        wait_days, wait_from = self.spec.wait_days, self.spec.wait_from
        if wait_days is None or wait_from is None:
            return wait_days
        anchor_field, _, item_field = wait_from.partition(".")

        def is_anchor(test: CompiledTest) -> bool:
            return test.field == anchor_field

        # Fired through another test as well: the cautious reading counts the full wait from today.
        if holds_without(self.condition, facts.values, is_anchor):
            return wait_days
        if item_field:
            items = [item for t in tests if is_anchor(t) for item in matching_items(t, facts)]
            elapsed = min((item[item_field] for item in items), default=0)
        else:
            months = facts.intake[anchor_field]
            elapsed = math.floor(months * DAYS_PER_MONTH) if months is not None else 0
        return max(1, wait_days - elapsed)


@dataclass(frozen=True)
class CompiledRuleSet:
    version: int
    rules: tuple[CompiledRule, ...]
    vocabulary: MedicationVocabulary
    _checks: tuple[tuple[Callable[[dict], bool], CompiledRule], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self):
        pairs = tuple((rule.condition.check, rule) for rule in self.rules)
        object.__setattr__(self, "_checks", pairs)

    def evaluate(self, intake: dict, *, on: datetime.date) -> Decision:
        """Screen an intake on the given date.

        The intake must be the output of ``validate_intake``: evaluation trusts its shape and never
        raises on a valid intake.
        """
        facts = prepare_facts(intake, self.vocabulary)
        values = facts.values
        findings = [rule.finding(facts) for check, rule in self._checks if check(values)]
        return Decision.from_findings(
            findings,
            rule_set_version=self.version,
            on=on,
            medications=facts.recognised,
            unrecognised_medications=facts.unrecognised_medications + facts.unrecognised_products,
        )


def compile_rule_set(
    *, version: int, rules: Iterable[RuleSpec | Mapping], vocabulary: MedicationVocabulary
) -> CompiledRuleSet:
    """Validate and compile every rule. Raises ``RuleSetInvalid`` listing every invalid rule."""
    errors: dict[int | str, list[RuleProblem]] = {}
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        message = f"version must be a whole number, 1 or more; got {shown(version)}."
        errors["version"] = [RuleProblem("version", message)]
    specs = []
    for index, rule in enumerate(rules):
        problems = validate_rule(rule, class_codes=vocabulary.class_codes)
        if problems:
            errors[index] = problems
        else:
            spec = rule if isinstance(rule, RuleSpec) else RuleSpec.from_dict(rule)
            # A private copy: the compiled set must not change when the caller's dicts do.
            specs.append(dataclasses.replace(spec, condition=json_copy(spec.condition)))
    if errors:
        raise RuleSetInvalid(errors)
    compiled = tuple(CompiledRule(spec, build_valid_condition(spec.condition)) for spec in specs)
    return CompiledRuleSet(version, compiled, vocabulary)
