"""Turn stored answers and decisions into words for the pages: labels, not field names."""

import datetime

from screening.engine import INTAKE_SECTIONS, field_label, value_label
from screening.rules.sources import source_link

# Each outcome's icon is an SVG path (24 x 24), drawn inline in the outcome's colour, so that it
# shows on any machine (emoji need a font); the shapes differ, for readers who do not see colour.
OUTCOME_DISPLAY = {
    "proceed": {
        "key": "proceed",
        "word": "Proceed",
        "style": "success",
        # a tick in a circle
        "icon": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-1.2 14.2-4.5-4.5 1.4-1.4 3.1 3.1 "
        "6.4-6.4 1.4 1.4Z",
        "summary": "No precaution stops treatment today.",
    },
    "postpone": {
        "key": "postpone",
        "word": "Postpone",
        "style": "warning",
        # a pause sign in a circle
        "icon": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20ZM8.5 7.5H11v9H8.5Zm4.5 0h2.5v9H13Z",
        "summary": "Do not treat today. Re-screen when the wait has passed.",
    },
    "refer": {
        "key": "refer",
        "word": "Refer",
        "style": "danger",
        # an exclamation mark in a stop sign
        "icon": "M7.86 2h8.28L22 7.86v8.28L16.14 22H7.86L2 16.14V7.86ZM10.75 6h2.5v8.5h-2.5Zm0 "
        "10h2.5v2.5h-2.5Z",
        "summary": "Do not treat. A doctor or prescriber must clear the client first.",
    },
}
ACTION_DISPLAY = {"refer": "Refer", "postpone": "Postpone", "caution": "Caution"}


def answer_text(field: str, value) -> str:
    """A stored answer in words: enum labels, yes/no, items of the list fields spelled out."""
    if isinstance(value, list):
        if not value:
            return "none"
        return "; ".join(item_text(field, item) for item in value)
    return value_label(field, value)


def item_text(field: str, item) -> str:
    if not isinstance(item, dict):
        return value_label(field, item)
    parts = [
        f"{field_label(f'{field}.{key}')}: {answer_text(f'{field}.{key}', value)}"
        for key, value in item.items()
    ]
    return ", ".join(parts)


def present_reason(because: dict) -> dict:
    """One answer behind a finding; free text read as an answer says what it was read as."""
    reason = {
        "label": field_label(because["field"]),
        "answer": answer_text(because["field"], because["value"]),
    }
    read_as = because.get("read_as")
    if because.get("read_from_text") and isinstance(read_as, dict):
        field = read_as.get("field", "")
        reason["read_as"] = f"{field_label(field)}: {answer_text(field, read_as.get('value', []))}"
    return reason


def present_finding(finding: dict, screened_on: datetime.date) -> dict:
    days = finding.get("rescreen_after_days")
    return {
        **finding,
        "title": finding.get("title") or finding["rule"],  # records kept before titles
        "source_link": source_link(finding.get("source", ""), finding.get("source_section", "")),
        "action_word": ACTION_DISPLAY.get(finding["action"], finding["action"]),
        "action_display": OUTCOME_DISPLAY.get(finding["action"]),  # none for a caution
        "reasons": [present_reason(b) for b in finding.get("because", [])],
        "rescreen_on": screened_on + datetime.timedelta(days=days) if days else None,
    }


def present_decision(decision: dict, screened_on: datetime.date) -> dict:
    findings = [present_finding(f, screened_on) for f in decision["findings"]]
    rescreen_after = (
        datetime.date.fromisoformat(decision["rescreen_after"])
        if decision.get("rescreen_after")
        else None
    )
    return {
        "outcome": OUTCOME_DISPLAY[decision["outcome"]],
        "findings": findings,
        "referrals": [f for f in findings if f["action"] == "refer"],
        "also_postponed": (
            also_postponed(findings, rescreen_after) if decision["outcome"] == "refer" else None
        ),
        "rescreen_after": rescreen_after,
        "medications": decision.get("medications", []),
        "unrecognised": decision.get("unrecognised_medications", []),
        "rule_set_version": decision["rule_set_version"],
    }


def also_postponed(findings: list[dict], rescreen_after: datetime.date | None) -> dict | None:
    """The postponements beside a referral: even once the client is cleared, not before their
    date (``rescreen_after``, the latest), nor before the open-ended ones have resolved."""
    postponements = [f for f in findings if f["action"] == "postpone"]
    if not postponements:
        return None
    return {
        "findings": postponements,
        "not_before": rescreen_after,
        "until_resolved": [f for f in postponements if not f["rescreen_on"]],
    }


def answers_by_section(intake: dict, none_applied=()) -> list[dict]:
    """Every stored answer in words, under its consultation section, labelled as on the form.

    A field the record does not hold (a record kept under an older schema) is left out, and a field
    no section names is listed under "Other answers", so nothing stored is ever hidden. Answers
    given by a section's "None of these apply" (`none_applied`, as a screening keeps it) are
    marked `by_none`, and their section `none_applied`; a section some of whose answers the
    button for every section gave is `all_at_once`.
    """
    by_none = {field for section in none_applied for field in section["fields"]}
    at_once = {
        f for section in none_applied if section.get("all_at_once") for f in section["fields"]
    }
    sections = []
    shown = {"client"}
    for title, names in INTAKE_SECTIONS:
        answers = [
            {
                "field": name,
                "label": field_label(name),
                "answer": answer_text(name, intake[name]),
                "by_none": name in by_none,
            }
            for name in names
            if name in intake
        ]
        shown.update(names)
        if answers:
            sections.append(
                {
                    "title": title,
                    "answers": answers,
                    "none_applied": any(answer["by_none"] for answer in answers),
                    "all_at_once": not at_once.isdisjoint(names),
                }
            )
    rest = [
        {"field": name, "label": field_label(name), "answer": answer_text(name, value)}
        for name, value in intake.items()
        if name not in shown
    ]
    if rest:
        sections.append({"title": "Other answers", "answers": rest})
    return sections
