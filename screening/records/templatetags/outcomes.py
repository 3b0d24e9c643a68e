"""`{% outcome_word "refer" %}`: an outcome as its icon and word, on pages that hold its code."""

from django import template

from screening.records.presentation import OUTCOME_DISPLAY

register = template.Library()


@register.inclusion_tag("records/_outcome_word.html")
def outcome_word(code):
    """The icon and word of an outcome code; anything else (e.g. none yet) as it is."""
    return {"outcome": OUTCOME_DISPLAY.get(code), "code": code}
