"""Shared helpers of the corrections, exports and dashboard tests."""

from screening.intake.answers import answers_from_intake
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


def corrected(screening, **changes) -> dict:
    """What the correction page posts: the record's answers with `changes` (intake fields), as
    the consultation form sends them (the client's fixed questions are not sent)."""
    answers = answers_from_intake({**screening.intake, **changes})
    return {name: values for name, values in answers.items() if not name.startswith("client_")}
