"""The decision, built directly in the JSON form of DESIGN.md section 2.

The engine's output is that JSON: the app stores it, the result page renders it and ``screen``
prints it. Building it directly, from a template per rule made when the rule set is compiled, costs
less than building objects and converting them on every screening.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from .rules import ACTIONS, RuleSpec
from .vocabulary import MedicationMatch

SEVERITY = {action: rank for rank, action in enumerate(ACTIONS)}
OUTCOMES = ("proceed", "postpone", "refer")  # the decision's outcomes, least severe first
OUTCOME_OF_ACTION = {"refer": "refer", "postpone": "postpone", "caution": "proceed"}


def finding_template(spec: RuleSpec) -> dict:
    """A rule's finding without its ``because`` and wait, in the key order of DESIGN.md.

    Copied for each finding; the placeholders keep the order when they are filled in.
    """
    template = {
        "rule": spec.code,
        "title": spec.title or spec.code,
        "action": spec.action,
        "message": spec.message,
        "client_message": spec.client_message,
        "because": None,
        "source": spec.source,
        "source_section": spec.source_section,
    }
    if spec.action == "postpone":
        template["rescreen_after_days"] = None  # days from the screening; None: until resolved
    return template


def decision_json(
    findings: list[dict],
    *,
    rule_set_version: int,
    on: datetime.date,
    longest_wait: int | None,
    medications: Iterable[MedicationMatch],
    unrecognised_medications: list[str],
) -> dict:
    """The decision of findings already in ``finding_order``: its outcome and re-screen date
    (``longest_wait`` days after ``on``, the longest wait of its findings)."""
    return {
        "outcome": OUTCOME_OF_ACTION[findings[0]["action"]] if findings else "proceed",
        "rule_set_version": rule_set_version,
        "findings": findings,
        "rescreen_after": rescreen_day(on, longest_wait) if longest_wait is not None else None,
        "medications": list(map(MedicationMatch.as_json, medications)),
        "unrecognised_medications": unrecognised_medications,
    }


@functools.lru_cache(4096)  # the same screening days and waits, again and again
def rescreen_day(on: datetime.date, wait: int) -> str:
    """The day to re-screen, ``wait`` days after ``on``, as ISO text."""
    return (on + datetime.timedelta(days=wait)).isoformat()


def rule_order(spec: RuleSpec) -> tuple:
    """Where a rule's findings go in a decision, before their waits count (``finding_order``)."""
    return (SEVERITY[spec.action], spec.code)


def finding_order(finding: dict) -> tuple:
    """The order of a decision's findings: severity, then code, then the longer wait first
    ("until resolved" is the longest). Sorted stably, findings that sort alike keep rule order."""
    wait = finding.get("rescreen_after_days")
    return (SEVERITY[finding["action"]], finding["rule"], wait is not None, -(wait or 0))


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
