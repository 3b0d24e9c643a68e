"""The practitioner's review of the answers a client sent before the visit.

The consultation form opens filled with the client's answers; above it, each section lists what
the client answered, marks the answers that need a look (they fire a precaution, are the
client's own words, or name a medicine the vocabulary does not know), and has a box the
practitioner ticks once the section is checked with the client. Screening a review needs every
box ticked (checked on the server).
"""

from collections import defaultdict

from django.utils import timezone

from screening.engine import INTAKE_SECTIONS, IntakeInvalid
from screening.records.presentation import ACTION_DISPLAY, answers_by_section
from screening.rules.services import NoPublishedRuleSet, decide

from .forms import ClientIntakeForm, answers_as_post

# Sections to confirm: the intake's own (INTAKE.md A-G), numbered.
REVIEW_SECTIONS = tuple(
    (str(number), title) for number, (title, _) in enumerate(INTAKE_SECTIONS, 1)
)
FREE_TEXT = {
    "medications": "Typed by the client: check what they take.",
    "topical_products": "Typed by the client: check the products' names.",
    "allergy_details": "Typed by the client: read it with them.",
}


def checked_name(key: str) -> str:
    return f"checked_section_{key}"


def unchecked_sections(post) -> list[str]:
    """The titles of the sections the practitioner has not ticked as checked."""
    return [title for key, title in REVIEW_SECTIONS if post.get(checked_name(key)) != "on"]


def client_review(invitation, *, clinic, checked=()) -> dict:
    """What the review shows above the form: the client's answers by section, marked."""
    form = ClientIntakeForm(data=answers_as_post(invitation.answers))
    if not form.is_valid():
        return {
            "readable": False,
            "sections": _boxes([], checked),
            "sent_at": invitation.submitted_at,
        }
    intake = form.to_intake()
    looks = needs_a_look(intake, _decision(intake, clinic))
    sections = answers_by_section(intake)
    for section in sections:
        for answer in section["answers"]:
            answer["look"] = looks.get(answer["field"], [])
    return {
        "readable": True,
        "client": intake["client"],
        "sections": _boxes(sections, checked),
        "sent_at": invitation.submitted_at,
        "looks": sum(len(reasons) > 0 for reasons in looks.values()),
    }


def _boxes(sections: list[dict], checked) -> list[dict]:
    by_title = {section["title"]: section for section in sections}
    return [
        {
            **by_title.get(title, {"title": title, "answers": []}),
            "checkbox": checked_name(key),
            "checked": checked_name(key) in checked,
        }
        for key, title in REVIEW_SECTIONS
    ]


def _decision(intake: dict, clinic) -> dict | None:
    try:
        return decide(intake, on=timezone.localdate(), clinic=clinic)[0]
    except (IntakeInvalid, NoPublishedRuleSet):
        return None


def needs_a_look(intake: dict, decision: dict | None) -> dict[str, list[str]]:
    """Why each answer needs the practitioner's look, by intake field."""
    looks = defaultdict(list)
    for finding in (decision or {}).get("findings", []):
        action = ACTION_DISPLAY.get(finding["action"], finding["action"])
        reason = f"{action}: {finding.get('title') or finding['rule']}"
        for because in finding.get("because", []):
            if reason not in looks[because["field"]]:
                looks[because["field"]].append(reason)
    for field, why in FREE_TEXT.items():
        if intake.get(field):
            looks[field].append(why)
    typed_medicines = " ".join(intake.get("medications", [])).casefold()
    for name in (decision or {}).get("unrecognised_medications", []):
        field = "medications" if name.casefold() in typed_medicines else "topical_products"
        looks[field].append(f"Not recognised: {name}")
    if decision is None:
        looks["client"].append("The answers could not be screened: check every answer.")
    return dict(looks)
