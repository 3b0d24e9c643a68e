"""Compiled rule sets: one per published rule-set version, evaluated against validated intakes.

A ``CompiledRuleSet`` is immutable and safe to share between threads. ``evaluate`` computes the
facts of an intake once (medication matching, derived facts), runs one closure per rule (skipping
the rules whose guard field is false or empty), and explains only the rules that fired.
``fired_codes`` stops before explaining: the outcome and the codes, for bulk comparisons.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from .compiler import CompiledGroup, build_valid_condition, guard_suffices, guards
from .decision import (
    OUTCOME_OF_ACTION,
    SEVERITY,
    decision_json,
    finding_order,
    json_copy,
    rule_order,
)
from .facts import prepare_facts, text_answer_codes
from .findings import Builder, finding_builder
from .rules import ACTIONS, RuleProblem, RuleSpec, validate_rule
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
    # The rules to check on every intake, and those behind guards (see ``compiler.guards``): a
    # rule is listed under each of its guards and checked only when one of them is met: under a
    # field that must be true or non-empty (``pregnant equals true``), under an answer a field
    # must take (``acne_in_area equals "comedonal"``) or under a member a list or set must hold
    # (``medication_classes contains "anticoagulant"``).
    # Entries are (rule index, check, rule); a rule checked twice is found once. The check is
    # None when meeting the guard is enough (``compiler.guard_suffices``): nothing to ask.
    _unguarded: tuple[_Entry, ...] = dataclasses.field(init=False, repr=False, compare=False)
    _by_true_field: tuple[tuple[_Entry, ...], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )
    _true_field_values: Callable[[dict], tuple] = dataclasses.field(
        init=False, repr=False, compare=False
    )
    _by_answer: tuple[dict[object, tuple[_Entry, ...]], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )
    _answers: Callable[[dict], tuple] = dataclasses.field(init=False, repr=False, compare=False)
    _by_member: tuple[tuple[str, dict[object, tuple[_Entry, ...]]], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )
    # The vocabulary classes read from free text as `allergies` answers (PRECAUTIONS.md 0.9).
    _text_codes: frozenset[str] = dataclasses.field(init=False, repr=False, compare=False)
    # Entries are numbered in the order of their findings in a decision (``rule_order``, then
    # rule-set order), so fired rules sorted by number need no sort key; only the findings of
    # rules with the same severity and code are sorted again, by their waits.
    _tied: frozenset[int] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        orders = [rule_order(rule.spec) for rule in self.rules]
        ranked = sorted(range(len(self.rules)), key=lambda index: (orders[index], index))
        number = {index: rank for rank, index in enumerate(ranked)}
        shared = Counter(orders)
        tied = frozenset(number[index] for index, order in enumerate(orders) if shared[order] > 1)
        unguarded: list[_Entry] = []
        by_true_field: dict[str, list[_Entry]] = {}
        by_value: dict[str, dict[str, dict[object, list[_Entry]]]] = {"answer": {}, "member": {}}
        for index, rule in enumerate(self.rules):
            rule_guards = guards(rule.condition)
            if rule_guards is None:
                unguarded.append((number[index], rule.condition.check, rule))
                continue
            exact = guard_suffices(rule.condition)
            entry = (number[index], None if exact else rule.condition.check, rule)
            for kind, name, values in sorted(rule_guards, key=_guard_order):
                if kind == "true":
                    by_true_field.setdefault(name, []).append(entry)
                    continue
                table = by_value[kind].setdefault(name, {})
                for value in sorted(values, key=repr):
                    table.setdefault(value, []).append(entry)
        object.__setattr__(self, "_unguarded", tuple(unguarded))
        object.__setattr__(self, "_by_true_field", tuple(map(tuple, by_true_field.values())))
        object.__setattr__(self, "_true_field_values", _getter(tuple(by_true_field)))
        by_answer = _frozen_tables(by_value["answer"])
        object.__setattr__(self, "_by_answer", tuple(table for _, table in by_answer))
        object.__setattr__(self, "_answers", _getter(tuple(name for name, _ in by_answer)))
        object.__setattr__(self, "_by_member", _frozen_tables(by_value["member"]))
        object.__setattr__(self, "_text_codes", text_answer_codes(self.vocabulary))
        object.__setattr__(self, "_tied", tied)

    def _fired(self, values: dict) -> dict[int, CompiledRule]:
        """The rules whose condition holds, by their number (see ``_tied``)."""
        fired = {index: rule for index, check, rule in self._unguarded if check(values)}
        # C-level passes pick the guard fields that are true or non-empty, and the entries of
        # the answers given (most answers have none).
        for entries in compress(self._by_true_field, self._true_field_values(values)):
            for index, check, rule in entries:
                if check is None or check(values):
                    fired[index] = rule
        for entries in filter(None, map(dict.get, self._by_answer, self._answers(values))):
            for index, check, rule in entries:
                if check is None or check(values):
                    fired[index] = rule
        for name, by_member in self._by_member:
            for member in values[name]:
                for index, check, rule in by_member.get(member, ()):
                    if check is None or check(values):
                        fired[index] = rule
        return fired

    def evaluate(self, intake: dict, *, on: datetime.date) -> dict:
        """Screen an intake on the given date: the decision JSON of DESIGN.md section 2.

        The intake must be the output of ``validate_intake``: evaluation trusts its shape and never
        raises on a valid intake. The JSON is new on every call and shares nothing with the intake.
        """
        facts = prepare_facts(intake, self.vocabulary, self._text_codes)
        fired = self._fired(facts.values)
        findings = [fired[number].finding(facts, on) for number in sorted(fired)]
        if len(findings) > 1 and not self._tied.isdisjoint(fired):
            findings.sort(key=finding_order)
        return decision_json(
            findings,
            rule_set_version=self.version,
            on=on,
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
        specs = [rule.spec for rule in fired.values()]
        severest = min([SEVERITY[spec.action] for spec in specs])
        codes = tuple(sorted({spec.code for spec in specs}))
        return FiredCodes(OUTCOME_OF_ACTION[ACTIONS[severest]], codes)


_Entry = tuple[int, Callable[[dict], bool] | None, CompiledRule]


def _guard_order(guard: tuple[str, str, frozenset | None]) -> tuple:
    """Guards in a fixed order, so the tables do not depend on set iteration order."""
    kind, name, values = guard
    return (kind, name, sorted(map(repr, values or ())))


def _frozen_tables(tables: dict[str, dict[object, list[_Entry]]]) -> tuple:
    return tuple(
        (name, {value: tuple(entries) for value, entries in table.items()})
        for name, table in tables.items()
    )


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    """The values of these fields as a tuple (``itemgetter`` returns a bare value for one)."""
    if len(names) > 1:
        return itemgetter(*names)
    return lambda values: tuple(values[name] for name in names)


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
