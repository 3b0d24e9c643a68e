"""Which rules the page edits, the floor's or the clinic's layer's, and links to the floor."""

from django import template
from django.conf import settings
from django.urls import reverse

from screening.accounts.models import Role
from screening.rules.presentation import LAYER_NAMESPACE

register = template.Library()


@register.simple_tag(takes_context=True)
def rules_scope(context) -> dict:
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    return {
        "layer": match is not None and match.namespace == LAYER_NAMESPACE,
        "clinic": getattr(request, "clinic", None),
        "editor": getattr(request, "role", None) == Role.RULES_ADMIN,
        "approval_waived": settings.RULES_APPROVAL_WAIVED,
    }


@register.simple_tag
def floor_url(name: str, *args) -> str:
    """A floor page's address, also on a layer's page (where `url 'rules:...'` is the layer's)."""
    return reverse(f"rules:{name}", args=args)
