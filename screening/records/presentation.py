"""Turn stored answers and decisions into words for the pages: labels, not field names."""

import datetime

from screening.engine import INTAKE_SECTIONS, field_label, value_label
from screening.rules.sources import source_link

OUTCOME_DISPLAY = {
    "proceed": {
        "word": "Proceed",
        "style": "success",
        "icon": "✓",
        "summary": "No precaution stops treatment today.",
    },
    "postpone": {
        "word": "Postpone",
        "style": "warning",
        "icon": "⏸",
        "summary": "Do not treat today. Re-screen when the wait has passed.",
    },
    "refer": {
        "word": "Refer",
        "style": "danger",
        "icon": "✋",
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
        "reasons": [present_reason(b) for b in finding.get("because", [])],
        "rescreen_on": screened_on + datetime.timedelta(days=days) if days else None,
    }


def present_decision(decision: dict, screened_on: datetime.date) -> dict:
    findings = [present_finding(f, screened_on) for f in decision["findings"]]
    return {
        "outcome": OUTCOME_DISPLAY[decision["outcome"]],
        "findings": findings,
        "referrals": [f for f in findings if f["action"] == "refer"],
        "rescreen_after": (
            datetime.date.fromisoformat(decision["rescreen_after"])
            if decision.get("rescreen_after")
            else None
        ),
        "medications": decision.get("medications", []),
        "unrecognised": decision.get("unrecognised_medications", []),
        "rule_set_version": decision["rule_set_version"],
    }


def answers_by_section(intake: dict, none_applied=()) -> list[dict]:
    """Every stored answer in words, under its consultation section, labelled as on the form.

    A field the record does not hold (a record kept under an older schema) is left out, and a field
    no section names is listed under "Other answers", so nothing stored is ever hidden. Answers
    given by a section's "None of these apply" (`none_applied`, as a screening keeps it) are
    marked `by_none`, and their section `none_applied`.
    """
    by_none = {field for section in none_applied for field in section["fields"]}
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
            used = any(answer["by_none"] for answer in answers)
            sections.append({"title": title, "answers": answers, "none_applied": used})
    rest = [
        {"field": name, "label": field_label(name), "answer": answer_text(name, value)}
        for name, value in intake.items()
        if name not in shown
    ]
    if rest:
        sections.append({"title": "Other answers", "answers": rest})
    return sections
