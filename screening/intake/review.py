"""The practitioner's review of the answers a client sent before the visit.

The consultation form opens filled with the client's answers. Each of its sections starts with
what the client answered there, marks the answers that need a look (they fire a precaution, are
the client's own words, or name a medicine the vocabulary does not know), and has a box the
practitioner ticks once the section is checked with the client. Screening a review needs every
box ticked (checked on the server).
"""

from collections import defaultdict

from django.utils import timezone

from screening.engine import INTAKE_FIELDS, IntakeInvalid, field_label
from screening.records.presentation import ACTION_DISPLAY, answer_text
from screening.rules.services import NoPublishedRuleSet, decide

from .invitations import sent_intake
from .sections import SECTIONS, checked_name

REVIEW_SECTIONS = tuple((section.key, section.title) for section in SECTIONS)
FREE_TEXT = {
    "medications": "Typed by the client: check what they take.",
    "topical_products": "Typed by the client: check the products' names.",
    "allergy_details": "Typed by the client: read it with them.",
}
# Intake answers whose question goes by another name on the form.
ASKED_AS = {
    "client_age_years": "client_date_of_birth",
    "isotretinoin_last_dose_months_ago": "isotretinoin_ever",
}


def _section_of(field: str) -> str | None:
    """The form section that asks for an intake answer (a list is asked as has_X and rows)."""
    sections = {name: section.key for section in SECTIONS for name in section.field_names}
    asked = ASKED_AS.get(field, field)
    for name in (asked, f"has_{asked}"):
        if name in sections:
            return sections[name]
    return next((key for name, key in sections.items() if name.startswith(f"{asked}_")), None)


SECTION_OF_FIELD = {field: _section_of(field) for field in INTAKE_FIELDS}


def unchecked_sections(post) -> list[str]:
    """The titles of the sections the practitioner has not ticked as checked."""
    return [title for key, title in REVIEW_SECTIONS if post.get(checked_name(key)) != "on"]


def client_review(invitation, *, clinic, checked=()) -> dict:
    """What the review shows: the client's answers by form section, marked."""
    intake = sent_intake(invitation)
    review = {"readable": intake is not None, "sent_at": invitation.submitted_at, "client": None}
    by_section = defaultdict(list)
    if intake is not None:
        decision = _decision(intake, clinic)
        review["screenable"] = decision is not None
        looks = needs_a_look(intake, decision)
        for field in INTAKE_FIELDS:
            by_section[SECTION_OF_FIELD[field]].append(
                {
                    "label": field_label(field),
                    "answer": answer_text(field, intake[field]),
                    "look": looks.get(field, []),
                }
            )
        review["client"] = intake["client"]
        review["looks"] = sum(bool(reasons) for reasons in looks.values())
    review["sections"] = [
        {
            "key": key,
            "title": title,
            "answers": by_section[key],
            "checkbox": checked_name(key),
            "checked": checked_name(key) in checked,
        }
        for key, title in REVIEW_SECTIONS
    ]
    return review


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
    return dict(looks)
