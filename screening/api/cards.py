"""CDS Hooks cards from a decision (DESIGN.md section 6): the outcome card first, then one card
per finding in the decision's order. Markdown in `detail`; everything entered is escaped."""

import re
import uuid

from screening.records.models import OverrideReason

TOPIC_SYSTEM = "urn:microneedling-screening:precaution"
REASON_SYSTEM = "urn:microneedling-screening:override-reason"
INDICATOR = {"refer": "critical", "postpone": "warning", "proceed": "info", "caution": "info"}
ACTION_WORD = {"refer": "Refer", "postpone": "Postpone", "caution": "Caution"}
OVERRIDABLE = ("refer", "postpone")
SUMMARY_MAX = 139  # the specification: under 140 characters
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def escaped(text: object) -> str:
    """Text as literal markdown: no link, emphasis or HTML from anything a user typed."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def shortened(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def override_reasons() -> list[dict]:
    return [
        {"system": REASON_SYSTEM, "code": reason.value, "display": reason.label}
        for reason in OverrideReason
    ]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def outcome_summary(decision: dict) -> str:
    findings = decision["findings"]
    if decision["outcome"] == "refer":
        refer = sum(1 for f in findings if f["action"] == "refer")
        return f"Refer: do not treat; clearance needed first ({plural(refer, 'reason')})"
    if decision["outcome"] == "postpone":
        when = decision["rescreen_after"]
        return "Postpone: do not treat today; " + (
            f"re-screen on or after {when}" if when else "re-screen once resolved"
        )
    if findings:
        return f"Proceed, with {plural(len(findings), 'precaution')} to follow"
    return "Proceed: no precaution found"


def outcome_detail(decision: dict) -> str:
    findings = decision["findings"]
    lines = [f"Screened against rule set version {decision['rule_set_version']}."]
    if decision["outcome"] == "refer":
        lines += [
            "",
            "**Referral summary**: microneedling pre-treatment screening, clearance requested.",
            "",
            "Reasons for referral:",
            "",
            *(
                f"- {escaped(f['rule'])}: {escaped(f['message'])}"
                for f in findings
                if f["action"] == "refer"
            ),
            "",
            "Please confirm in writing whether microneedling may go ahead, and on what terms.",
        ]
    elif decision["outcome"] == "postpone":
        when = decision["rescreen_after"]
        lines += ["", f"Book a new screening {'on or after ' + when if when else 'once resolved'}."]
    if decision["unrecognised_medications"]:
        names = ", ".join(escaped(name) for name in decision["unrecognised_medications"])
        lines += ["", f"Medicines not recognised (check them by hand): {names}."]
    return "\n".join(lines)


def finding_detail(finding: dict) -> str:
    lines = [escaped(finding["message"])]
    if finding.get("client_message"):
        lines += ["", f"**Tell the client:** {escaped(finding['client_message'])}"]
    if finding.get("because"):
        lines += ["", "**Because:**", ""]
        lines += [f"- {escaped(b['field'])}: {escaped(b['value'])}" for b in finding["because"]]
    if finding["action"] == "postpone":
        days = finding.get("rescreen_after_days")
        lines += [
            "",
            f"**Re-screen:** {f'after {days} days' if days is not None else 'once resolved'}.",
        ]
    section = f", {finding['source_section']}" if finding.get("source_section") else ""
    lines += ["", f"**Source:** {escaped(finding['source'] + section)}"]
    return "\n".join(lines)


def first_sentence(message: str) -> str:
    return re.split(r"(?<=[.;])\s", message.strip(), maxsplit=1)[0].rstrip(".;")


def card(*, summary, detail, indicator, source, overridable) -> dict:
    made = {
        "uuid": str(uuid.uuid4()),
        "summary": shortened(summary),
        "detail": detail,
        "indicator": indicator,
        "source": source,
    }
    if overridable:
        made["overrideReasons"] = override_reasons()
    return made


def cards_for(decision: dict, *, service_label: str, precaution_url) -> list[tuple[dict, list]]:
    """(card, the precaution codes it is about) pairs: the outcome card, then the findings'."""
    findings = decision["findings"]
    outcome = decision["outcome"]
    set_aside = sorted({f["rule"] for f in findings if f["action"] in OVERRIDABLE})
    made = [
        (
            card(
                summary=outcome_summary(decision),
                detail=outcome_detail(decision),
                indicator=INDICATOR[outcome],
                source={"label": service_label},
                overridable=outcome != "proceed",
            ),
            set_aside,
        )
    ]
    for finding in findings:
        code = finding["rule"]
        title = finding.get("title") or first_sentence(finding["message"])
        summary = f"{ACTION_WORD[finding['action']]}: {title}"
        made.append(
            (
                card(
                    summary=summary,
                    detail=finding_detail(finding),
                    indicator=INDICATOR[finding["action"]],
                    source={
                        "label": shortened(finding["source"], 200),
                        "url": precaution_url(code),
                        "topic": {"system": TOPIC_SYSTEM, "code": code},
                    },
                    overridable=finding["action"] in OVERRIDABLE,
                ),
                [code] if finding["action"] in OVERRIDABLE else [],
            )
        )
    return made
