"""Helpers of the rule administration tests."""

import json

from screening.rules.models import Rule
from screening.rules.versions import start_draft


def draft_rule(code="VITILIGO_FAMILY_HISTORY"):
    """A rule of the (new or open) draft."""
    draft = start_draft()
    return draft, Rule.objects.filter(rule_set=draft, code=code).first()


def rule_post(rule, **changes):
    data = {
        "code": rule.code,
        "title": rule.title,
        "action": rule.action,
        "message": rule.message,
        "client_message": rule.client_message,
        "wait_days": rule.wait_days or "",
        "wait_unit": rule.wait_unit,
        "wait_from": rule.wait_from,
        "source": rule.source,
        "source_section": rule.source_section,
        "reviewed_on": rule.reviewed_on.isoformat() if rule.reviewed_on else "",
        "condition": json.dumps(rule.condition),
        "revision": rule.revision,
    }
    data.update(changes)
    return data
