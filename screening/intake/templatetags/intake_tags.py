from django import template

from screening.intake.models import Draft, Invitation

register = template.Library()

UNFINISHED_SHOWN = 20


@register.simple_tag(takes_context=True)
def unfinished_drafts(context):
    """The signed-in practitioner's unfinished consultations in their clinic, newest first."""
    user = context["request"].user
    membership = getattr(user, "membership", None)
    if membership is None:
        return []
    drafts = Draft.objects.for_clinic(membership.clinic).filter(
        practitioner=user, screening__isnull=True
    )
    return list(drafts.order_by("-updated_at")[:UNFINISHED_SHOWN])


@register.simple_tag(takes_context=True)
def ready_for_review(context):
    """The signed-in practitioner's invitations whose client has sent the answers, oldest first."""
    user = context["request"].user
    membership = getattr(user, "membership", None)
    if membership is None:
        return []
    ready = Invitation.objects.for_clinic(membership.clinic).ready_for_review()
    return list(ready.filter(practitioner=user).order_by("submitted_at")[:UNFINISHED_SHOWN])
