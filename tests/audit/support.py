"""Shared helpers of the corrections, exports and dashboard tests."""

import json

from screening.records.amendments import amendment_record, editable_answers, override_record


def amend(screening, author, reason="Family history was recorded wrongly.", **changes):
    answers = {**editable_answers(screening.intake), **changes}
    return amendment_record(screening=screening, author=author, reason=reason, answers=answers)


def override(screening, author, outcome="proceed", reason_code="clearance_letter", **extra):
    return override_record(
        screening=screening,
        author=author,
        outcome=outcome,
        reason_code=reason_code,
        comment=extra.get("comment", "Letter from Dr Who dated 1 Nov."),
    )


def answers_json(screening, **changes) -> str:
    return json.dumps({**editable_answers(screening.intake), **changes}, indent=2)
