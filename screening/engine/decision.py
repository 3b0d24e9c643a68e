"""Findings and the decision, in the JSON form of DESIGN.md section 2."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .rules import ACTIONS, RuleSpec
from .vocabulary import MedicationMatch

SEVERITY = {action: rank for rank, action in enumerate(ACTIONS)}
OUTCOMES = {"refer": "refer", "postpone": "postpone", "caution": "proceed"}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired, with why: ``because`` holds ``(field, client's answer)`` pairs.

    ``rescreen_after_days`` is set on postpone findings only: days from the screening date, or
    None for "until resolved". The rule's code, action and texts are read through ``spec``.
    """

    spec: RuleSpec
    because: tuple[tuple[str, object], ...]
    rescreen_after_days: int | None = None

    @property
    def rule(self) -> str:
        return self.spec.code

    @property
    def action(self) -> str:
        return self.spec.action

    @property
    def message(self) -> str:
        return self.spec.message

    @property
    def client_message(self) -> str:
        return self.spec.client_message

    @property
    def source(self) -> str:
        return self.spec.source

    @property
    def source_section(self) -> str:
        return self.spec.source_section

    def sort_key(self) -> tuple:
        # Severity, then code, then the longer wait first ("until resolved" is the longest).
        wait, spec = self.rescreen_after_days, self.spec
        return (SEVERITY[spec.action], spec.code, wait is not None, -(wait or 0))

    def as_json(self) -> dict:
        spec = self.spec
        data = {
            "rule": spec.code,
            "action": spec.action,
            "message": spec.message,
            "client_message": spec.client_message,
            "because": [{"field": f, "value": json_copy(v)} for f, v in self.because],
            "source": spec.source,
            "source_section": spec.source_section,
        }
        if spec.action == "postpone":
            data["rescreen_after_days"] = self.rescreen_after_days
        return data


@dataclass(frozen=True)
class Decision:
    """The result of screening one intake against one rule set version."""

    outcome: str
    rule_set_version: int
    findings: tuple[Finding, ...]
    rescreen_after: datetime.date | None
    medications: tuple[MedicationMatch, ...]
    unrecognised_medications: tuple[str, ...]

    @classmethod
    def from_findings(
        cls,
        findings: Iterable[Finding],
        *,
        rule_set_version: int,
        on: datetime.date,
        medications: Iterable[MedicationMatch],
        unrecognised_medications: Iterable[str],
    ) -> Decision:
        """Order the findings and derive the outcome and the re-screen date."""
        ordered = tuple(sorted(findings, key=Finding.sort_key))
        # Only postpone findings have a wait; the first finding is the most severe.
        waits = [f.rescreen_after_days for f in ordered if f.rescreen_after_days is not None]
        return cls(
            outcome=OUTCOMES[ordered[0].spec.action] if ordered else "proceed",
            rule_set_version=rule_set_version,
            findings=ordered,
            rescreen_after=on + datetime.timedelta(days=max(waits)) if waits else None,
            medications=tuple(medications),
            unrecognised_medications=tuple(unrecognised_medications),
        )

    def as_json(self) -> dict:
        return {
            "outcome": self.outcome,
            "rule_set_version": self.rule_set_version,
            "findings": [finding.as_json() for finding in self.findings],
            "rescreen_after": self.rescreen_after.isoformat() if self.rescreen_after else None,
            "medications": [match.as_json() for match in self.medications],
            "unrecognised_medications": list(self.unrecognised_medications),
        }


def outcome_of(findings: Iterable[Finding]) -> str:
    """refer > postpone > proceed; no finding, or only cautions, is proceed."""
    actions = {finding.action for finding in findings}
    if "refer" in actions:
        return "refer"
    if "postpone" in actions:
        return "postpone"
    return "proceed"


def json_copy(value: object) -> object:
    """A fresh copy of a JSON value, so a decision's JSON never shares lists with the intake."""
    # Scalars are returned as they are without a call: most answers are scalars or lists of them.
    if isinstance(value, dict):
        return {
            key: json_copy(item) if isinstance(item, _CONTAINERS) else item
            for key, item in value.items()
        }
    if isinstance(value, _SEQUENCES):
        return [json_copy(item) if isinstance(item, _CONTAINERS) else item for item in value]
    return value


# Tuples of types, not list | tuple: that would build a union object on every call.
_SEQUENCES = (list, tuple)
_CONTAINERS = (list, tuple, dict)
