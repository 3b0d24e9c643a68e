"""What changed in a returning client's answers since their previous screening."""

from __future__ import annotations

from screening.engine import INTAKE_SECTIONS, field_label

from .presentation import answer_text, item_text

# Derived from the date of birth: it changes every birthday and says nothing new.
IGNORED = frozenset({"client", "client_age_years"})
FIELD_ORDER = [name for _, names in INTAKE_SECTIONS for name in names]


def _key(field: str, item) -> str:
    text = item_text(field, item) if isinstance(item, dict) else str(item)
    return text.strip().casefold()


def changed_answers(previous: dict, current: dict) -> list[dict]:
    """Each answer that differs between two intakes, in form order, labelled as on the form.

    For lists (medicines, conditions, products, procedures) the entries added and removed are
    spelled out, so a new medicine or a new condition stands out.
    """
    names = [n for n in FIELD_ORDER if n in previous or n in current]
    names += [n for n in {**previous, **current} if n not in names and n not in IGNORED]
    changes = []
    for name in names:
        if name in IGNORED:
            continue
        before, now = previous.get(name), current.get(name)
        if before == now:
            continue
        change = {
            "field": name,
            "label": field_label(name),
            "before": answer_text(name, before) if name in previous else "not asked",
            "now": answer_text(name, now) if name in current else "not asked",
            "added": [],
            "removed": [],
        }
        if isinstance(before, list) or isinstance(now, list):
            before_keys = {_key(name, item) for item in before or []}
            now_keys = {_key(name, item) for item in now or []}
            change["added"] = [
                _text(name, item) for item in now or [] if _key(name, item) not in before_keys
            ]
            change["removed"] = [
                _text(name, item) for item in before or [] if _key(name, item) not in now_keys
            ]
            if not change["added"] and not change["removed"]:
                continue  # same entries, other order or other case
        changes.append(change)
    return changes


def _text(field: str, item) -> str:
    return item_text(field, item)
