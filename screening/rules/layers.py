"""A clinic's layer never weakens the safety floor: the checks of its rules and names.

A layer adds rules of its own, makes floor rules stricter (a layer rule that `overrides` a floor
rule: the same code and condition, a more severe action or a longer wait) and adds medication
names. Nothing in it can delete, switch off or soften a floor rule: the floor's rules are always
evaluated, and these checks refuse a layer rule that claims to replace one with something milder.
"""

from __future__ import annotations

from .models import Action, Rule, RuleSet
from .services import SEVERITY

NO_FLOOR_EDIT = (
    "A clinic cannot change when a floor rule fires: keep the floor's condition, or add a rule "
    "of the clinic's own for other cases."
)
NO_FLOOR_DELETE = (
    "The safety floor's rules cannot be deleted or switched off by a clinic; a clinic may only "
    "make them stricter."
)


class LayerRefused(Exception):
    """A change would weaken the floor; `problems` maps each form field to why."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def _unit(rule_or_values, days) -> str:
    unit = rule_or_values["wait_unit"] if isinstance(rule_or_values, dict) else rule_or_values
    return ("calendar month" if unit == "months" else "day") + ("" if days == 1 else "s")


def override_problems(values: dict, floor: Rule) -> dict[str, str]:
    """Why a layer rule with these values would be milder than the floor rule it overrides."""
    problems = {}
    if values["code"] != floor.code:
        problems["code"] = f"A stricter version of a floor rule keeps its code, {floor.code}."
    if values["condition"] != floor.condition:
        problems["condition"] = NO_FLOOR_EDIT
    action, floor_action = values["action"], floor.action
    if SEVERITY[action] > SEVERITY[floor_action]:
        problems["action"] = (
            f"The floor says {floor.get_action_display().lower()}: a clinic may keep it or choose "
            f"a stricter action, never a milder one."
        )
    elif action == floor_action == Action.POSTPONE:
        problems.update(_wait_problems(values, floor))
    return problems


def _wait_problems(values: dict, floor: Rule) -> dict[str, str]:
    if values["wait_unit"] != floor.wait_unit or (values["wait_from"] or "") != floor.wait_from:
        return {
            "wait_unit": "Keep the floor's unit and starting point of the wait; make it longer."
        }
    wait, floor_wait = values["wait_days"], floor.wait_days
    if floor_wait is None and wait is not None:
        return {
            "wait_days": "The floor postpones until the condition is resolved; a fixed wait "
            "would be shorter. Leave the wait empty."
        }
    if floor_wait is not None and wait is not None and wait < floor_wait:
        return {
            "wait_days": f"The floor waits {floor_wait} {_unit(values, floor_wait)}: a clinic "
            f"may wait longer, never less."
        }
    return {}


def check_rule(draft: RuleSet, values: dict, floor: RuleSet) -> None:
    """Refuse a rule of a layer's draft that would weaken `floor` (the floor in use)."""
    key = values.get("overrides")
    if key is None:
        return
    if not draft.is_layer:
        raise LayerRefused({"__all__": "Only a clinic's layer makes floor rules stricter."})
    overridden = floor.rules.filter(key=key).first()
    if overridden is None:
        raise LayerRefused(
            {"__all__": "The floor rule this would make stricter is not in the floor in use."}
        )
    problems = override_problems(values, overridden)
    if problems:
        raise LayerRefused(problems)


def rule_values(rule: Rule) -> dict:
    return {
        "code": rule.code,
        "action": rule.action,
        "wait_days": rule.wait_days,
        "wait_unit": rule.wait_unit,
        "wait_from": rule.wait_from,
        "condition": rule.condition,
    }


def name_problem(name: str, classes: list[str], floor: RuleSet) -> str | None:
    """Why a layer cannot add this medication name, or None."""
    if not classes:
        return (
            "classes: choose at least one. A clinic's name without a class would silence the "
            "floor's caution about unrecognised medicines."
        )
    if floor.medication_names.filter(name=name).exists():
        return f"name: '{name}' is already in the safety floor's vocabulary."
    unknown = set(classes) - set(floor.medication_classes.values_list("code", flat=True))
    if unknown:
        return f"classes: not in the safety floor's vocabulary: {', '.join(sorted(unknown))}."
    return None


def layer_flags(layer: RuleSet, floor: RuleSet) -> list[str]:
    """What in a layer now duplicates or contradicts `floor`, in words for the clinic.

    Contradictions (a stricter version of a floor rule that the floor has since made stricter
    still, or changed) refuse the layer's next publish; the floor's rule applies meanwhile.
    """
    floor_rules = list(floor.rules.all())
    by_key = {rule.key: rule for rule in floor_rules}
    flags = []
    for rule in layer.rules.all():
        label = f"{rule.title or rule.code} ({rule.code})"
        if rule.overrides is not None:
            overridden = by_key.get(rule.overrides)
            if overridden is None:
                flags.append(
                    f"{label} made a floor rule stricter that the floor no longer has: it now "
                    f"applies as a rule of the clinic's own."
                )
            elif problems := override_problems(rule_values(rule), overridden):
                why = " ".join(problems.values())
                flags.append(f"{label} contradicts the floor v{floor.version}: {why}")
            elif _same_strictness(rule, overridden):
                flags.append(f"{label} duplicates the floor's rule: it is no stricter.")
            continue
        for twin in floor_rules:
            if (twin.code, twin.condition) == (rule.code, rule.condition):
                flags.append(_twin_flag(label, rule, twin))
                break
    for name in layer.medication_names.all():
        if problem := name_problem(name.name, list(name.classes), floor):
            flags.append(f"The medication name '{name.name}': {problem}")
    return flags


def _same_strictness(rule: Rule, floor: Rule) -> bool:
    return (rule.action, rule.wait_days) == (floor.action, floor.wait_days)


def _twin_flag(label: str, rule: Rule, twin: Rule) -> str:
    if _same_strictness(rule, twin):
        return f"{label} duplicates a floor rule with the same condition and action."
    if override_problems(rule_values(rule), twin):
        return (
            f"{label} contradicts a floor rule with the same condition, which is stricter; the "
            f"floor's rule applies."
        )
    return f"{label} repeats a floor rule's condition: make that floor rule stricter instead."


def weakening_problems(layer: RuleSet, floor: RuleSet) -> list[str]:
    """What refuses a layer's publish over `floor`: milder overrides, names it cannot add."""
    problems = []
    by_key = {rule.key: rule for rule in floor.rules.all()}
    for rule in layer.rules.exclude(overrides=None):
        overridden = by_key.get(rule.overrides)
        if overridden is not None and (found := override_problems(rule_values(rule), overridden)):
            problems.append(f"{rule.code}: {' '.join(found.values())}")
    for name in layer.medication_names.all():
        if problem := name_problem(name.name, list(name.classes), floor):
            problems.append(f"'{name.name}': {problem}")
    return problems
