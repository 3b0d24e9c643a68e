"""Scenarios: intakes with the outcome and precautions they must get, run before every publish."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from screening import engine

from .models import Scenario

ON = datetime.date(2026, 6, 1)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    outcome: str | None
    fired: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.reasons


def run_scenario(scenario: Scenario, compiled: engine.CompiledRuleSet) -> ScenarioResult:
    try:
        intake = engine.validate_intake(scenario.intake)
    except engine.IntakeInvalid as error:
        reasons = tuple(f"Invalid intake: {e.field}: {e.message}" for e in error.errors)
        return ScenarioResult(scenario, None, (), reasons)
    decision = compiled.evaluate(intake, on=ON)
    fired = tuple(sorted({finding["rule"] for finding in decision["findings"]}))
    reasons = []
    if decision["outcome"] != scenario.expected_outcome:
        reasons.append(
            f"Expected outcome {scenario.expected_outcome}, got {decision['outcome']}"
            f" (findings: {', '.join(fired) or 'none'})."
        )
    missing = [code for code in scenario.required_codes if code not in fired]
    if missing:
        reasons.append(f"Required precautions did not fire: {', '.join(missing)}.")
    return ScenarioResult(scenario, decision["outcome"], fired, tuple(reasons))


def run_scenarios(compiled: engine.CompiledRuleSet) -> list[ScenarioResult]:
    """Every active scenario against a compiled rule set, in name order."""
    return [run_scenario(s, compiled) for s in Scenario.objects.filter(active=True)]
