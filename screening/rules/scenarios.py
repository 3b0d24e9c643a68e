"""Scenarios: intakes with the outcome and precautions they must get, run before every publish."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from screening import engine

from .models import Scenario

ON = datetime.date(2026, 6, 1)
RANK = {outcome: rank for rank, outcome in enumerate(engine.OUTCOMES)}


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    outcome: str | None
    fired: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.reasons


def run_scenario(scenario: Scenario, compiled, *, at_least: bool = False) -> ScenarioResult:
    """Run one scenario with a compiled floor (or ``ScreeningRules``, a floor with a layer).

    `at_least`: a floor scenario run with a clinic's layer, which may only be stricter, passes
    with its expected outcome or a more severe one.
    """
    try:
        intake = engine.validate_intake(scenario.intake)
    except engine.IntakeInvalid as error:
        reasons = tuple(f"Invalid intake: {e.field}: {e.message}" for e in error.errors)
        return ScenarioResult(scenario, None, (), reasons)
    decision = compiled.evaluate(intake, on=ON)
    fired = tuple(sorted({finding["rule"] for finding in decision["findings"]}))
    reasons = []
    outcome, expected = decision["outcome"], scenario.expected_outcome
    if outcome != expected and not (at_least and RANK[outcome] > RANK[expected]):
        wanted = f"{expected} or stricter" if at_least else expected
        reasons.append(
            f"Expected outcome {wanted}, got {outcome} (findings: {', '.join(fired) or 'none'})."
        )
    missing = [code for code in scenario.required_codes if code not in fired]
    if missing:
        reasons.append(f"Required precautions did not fire: {', '.join(missing)}.")
    return ScenarioResult(scenario, decision["outcome"], fired, tuple(reasons))


def run_scenarios(compiled, *, clinic=None) -> list[ScenarioResult]:
    """Every active floor scenario, and with a clinic its own ones too, in name order."""
    scenarios = Scenario.objects.filter(active=True).filter(
        Q(clinic=None) | Q(clinic=clinic) if clinic is not None else Q(clinic=None)
    )
    return [
        run_scenario(s, compiled, at_least=clinic is not None and s.clinic_id is None)
        for s in scenarios
    ]
