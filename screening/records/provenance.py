"""Who gave each answer of a record: the client before the visit, or the practitioner.

A screening reviewed from an invitation keeps the client's answers beside its own intake
(ClientAnswers); an answer the same in both is the client's, one that differs the practitioner
changed, and a record without the client's answers was answered at the consultation.
"""

from .models import ClientAnswers, Screening
from .presentation import answer_text

CLIENT = "client"
PRACTITIONER = "practitioner"
CHANGED = "changed"


def client_answers_of(screening: Screening) -> ClientAnswers | None:
    try:
        return screening.client_answers
    except ClientAnswers.DoesNotExist:
        return None


def answer_sources(intake: dict, client_intake: dict | None) -> dict[str, dict]:
    """Per answer of `intake`: who gave it, and for a changed answer what the client said."""
    sources = {}
    for field, value in intake.items():
        if client_intake is None or field not in client_intake:
            sources[field] = {"by": PRACTITIONER}
        elif client_intake[field] == value:
            sources[field] = {"by": CLIENT}
        else:
            sources[field] = {
                "by": CHANGED,
                "client_answer": client_intake[field],
                "client_answer_text": (
                    answer_text(field, client_intake[field]) if field != "client" else ""
                ),
            }
    return sources


def sources_on_page(screening: Screening, sections: list[dict]) -> dict:
    """The record page's answers marked with who gave each, and when the client sent theirs."""
    kept = client_answers_of(screening)
    if kept is None:
        return {"client_sent_at": None, "client_details_changed": ""}
    sources = answer_sources(screening.intake, kept.intake)
    for section in sections:
        for answer in section["answers"]:
            answer["source"] = sources.get(answer["field"], {"by": PRACTITIONER})
    client = sources.get("client", {})
    given = client.get("client_answer") if client.get("by") == CHANGED else None
    return {"client_sent_at": kept.sent_at, "client_details_changed": identity_text(given)}


def identity_text(identity: dict | None) -> str:
    if not identity:
        return ""
    reference = identity.get("reference")
    return f"{identity.get('name', '')}, born {identity.get('date_of_birth', '')}" + (
        f", ref. {reference}" if reference else ""
    )


def sources_for_export(screening: Screening) -> dict | None:
    """The subject-access export's account of who gave each answer (None: all at the chair)."""
    kept = client_answers_of(screening)
    if kept is None:
        return None
    sources = answer_sources(screening.intake, kept.intake)
    return {
        "client_sent_at": kept.sent_at.isoformat(),
        "client_answers": kept.intake,
        "given_by": {field: source["by"] for field, source in sources.items()},
        "changed_by_practitioner": [
            {
                "field": field,
                "client_answer": source["client_answer"],
                "recorded_answer": screening.intake[field],
            }
            for field, source in sources.items()
            if source["by"] == CHANGED
        ],
    }
