"""Compiled rule sets: one per published rule-set version, evaluated against validated intakes.

A ``CompiledRuleSet`` is immutable and safe to share between threads. ``evaluate`` computes the
facts of an intake once (medication matching, derived facts), checks the rules whose guards the
answers meet (in one function compiled for the rule set, see ``dispatch.py``) and builds the
findings of the rules that fired (one builder per rule, see ``findings.py``).
``fired_codes`` stops before explaining: the outcome and the codes, for bulk comparisons.
"""

from __future__ import annotations

import dataclasses
import datetime
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .compiler import CompiledGroup, build_valid_condition
from .decision import (
    OUTCOME_OF_ACTION,
    SEVERITY,
    decision_json,
    finding_order,
    json_copy,
    rule_order,
)
from .dispatch import fired_function
from .facts import prepare_facts, text_answer_codes
from .findings import Builder, finding_builder
from .rules import RuleProblem, RuleSpec, validate_rule
from .vocabulary import MedicationVocabulary
from .wording import shown


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
    # ``finding(facts, on)``: the finding JSON of this rule, which fired on these facts, screened
    # on ``on`` (see ``findings.finding_builder``).
    finding: Builder = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "finding", finding_builder(self.spec, self.condition))


class FiredCodes(NamedTuple):
    """The outcome of screening an intake and the sorted codes of the rules that fired."""

    outcome: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRuleSet:
    version: int
    rules: tuple[CompiledRule, ...]
    vocabulary: MedicationVocabulary
    # Rules are numbered in the order of their findings in a decision (``rule_order``, then
    # rule-set order), so fired rules sorted by number need no sort key; only the findings of
    # rules with the same severity and code (``_tied``) are sorted again, by their waits.
    # By number: each rule's finding builder, and its code and outcome (for ``fired_codes``).
    _builders: tuple[Builder, ...] = dataclasses.field(init=False, repr=False, compare=False)
    _codes: tuple[str, ...] = dataclasses.field(init=False, repr=False, compare=False)
    _outcomes: tuple[str, ...] = dataclasses.field(init=False, repr=False, compare=False)
    _tied: frozenset[int] = dataclasses.field(init=False, repr=False, compare=False)
    # The numbers of the postpone rules, from the first to the one after the last (their
    # findings are next to each other in a decision, and only they have waits).
    _postpone_numbers: tuple[int, int] = dataclasses.field(init=False, repr=False, compare=False)
    # ``_fired(values)``: the numbers of the rules whose condition holds (see dispatch.py).
    _fired: Callable[[dict], set[int]] = dataclasses.field(init=False, repr=False, compare=False)
    # The vocabulary classes read from free text as `allergies` answers (PRECAUTIONS.md 0.9).
    _text_codes: frozenset[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        orders = [rule_order(rule.spec) for rule in self.rules]
        ranked = sorted(range(len(self.rules)), key=lambda index: (orders[index], index))
        number = {index: rank for rank, index in enumerate(ranked)}
        shared = Counter(orders)
        tied = frozenset(number[index] for index, order in enumerate(orders) if shared[order] > 1)
        specs = [self.rules[index].spec for index in ranked]
        actions = [SEVERITY[spec.action] for spec in specs]
        postpone = SEVERITY["postpone"]
        postpone_numbers = (bisect_left(actions, postpone), bisect_left(actions, postpone + 1))
        set_ = object.__setattr__
        set_(self, "_builders", tuple(self.rules[index].finding for index in ranked))
        set_(self, "_codes", tuple(spec.code for spec in specs))
        set_(self, "_outcomes", tuple(OUTCOME_OF_ACTION[spec.action] for spec in specs))
        set_(self, "_tied", tied)
        set_(self, "_postpone_numbers", postpone_numbers)
        conditions = [(number[index], rule.condition) for index, rule in enumerate(self.rules)]
        set_(self, "_fired", fired_function(conditions))
        set_(self, "_text_codes", text_answer_codes(self.vocabulary))

    def evaluate(self, intake: dict, *, on: datetime.date) -> dict:
        """Screen an intake on the given date: the decision JSON of DESIGN.md section 2.

        The intake must be the output of ``validate_intake``: evaluation trusts its shape and never
        raises on a valid intake. The JSON is new on every call and shares nothing with the intake.
        """
        facts = prepare_facts(intake, self.vocabulary, self._text_codes)
        fired = sorted(self._fired(facts.values))
        builders = self._builders
        findings = []
        for number in fired:
            findings.append(builders[number](facts, on))
        if len(findings) > 1 and not self._tied.isdisjoint(fired):
            findings.sort(key=finding_order)
        first, after = self._postpone_numbers
        longest = None
        for finding in findings[bisect_left(fired, first) : bisect_left(fired, after)]:
            wait = finding["rescreen_after_days"]
            if wait is not None and (longest is None or wait > longest):
                longest = wait
        return decision_json(
            findings,
            rule_set_version=self.version,
            on=on,
            longest_wait=longest,
            medications=facts.recognised,
            unrecognised_medications=facts.unrecognised_medications + facts.unrecognised_products,
        )

    def fired_codes(self, intake: dict, *, on: datetime.date) -> FiredCodes:
        """The outcome of ``evaluate`` and the sorted codes of its findings, without explaining.

        For counting and comparing many screenings (the impact of a rule change on past intakes):
        the same facts and compiled conditions as ``evaluate``, none of the findings' texts,
        ``because`` or waits. ``on`` is kept so both take the same arguments.
        """
        facts = prepare_facts(intake, self.vocabulary, self._text_codes)
        fired = self._fired(facts.values)
        if not fired:
            return FiredCodes("proceed", ())
        codes = sorted(set(map(self._codes.__getitem__, fired)))
        return FiredCodes(self._outcomes[min(fired)], tuple(codes))


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
