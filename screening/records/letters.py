"""The referral letter of a record whose outcome in force is refer."""

from .amendments import current_version
from .exports import person
from .models import Outcome, Screening, in_force_of
from .presentation import also_postponed, present_decision


def referral_letter(screening: Screening) -> dict | None:
    """What the letter says, from the answers and decision in force; None unless it refers."""
    in_force = in_force_of(screening)
    if in_force["outcome"] != Outcome.REFER:
        return None
    decision = present_decision(current_version(screening).decision, screening.screened_on)
    override = None
    if not decision["referrals"]:  # a clinician referred although no rule did
        override = screening.overrides.order_by("-created_at", "-pk").first()
    return {
        "clinic": screening.clinic.name,
        "client": screening.client,
        "practitioner": person(screening.practitioner),
        "screened_on": screening.screened_on,
        "referrals": decision["referrals"],
        "override": override,
        "also_postponed": also_postponed(decision["findings"], decision["rescreen_after"]),
    }
