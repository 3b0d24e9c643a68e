"""What changed between two rule-set versions: rules matched by their key, names by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Rule, RuleSet
from .presentation import describe
from .versions import RULE_FIELDS


@dataclass
class RuleChange:
    code: str
    title: str
    key: str
    fields: list[tuple[str, object, object]]  # (field, before, after)


@dataclass
class VersionDiff:
    old: RuleSet
    new: RuleSet
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)
    names_added: list = field(default_factory=list)
    names_removed: list = field(default_factory=list)
    names_changed: list[tuple[str, list[tuple[str, object, object]]]] = field(default_factory=list)
    classes_added: list = field(default_factory=list)
    classes_removed: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            [
                self.added,
                self.removed,
                self.changed,
                self.names_added,
                self.names_removed,
                self.names_changed,
                self.classes_added,
                self.classes_removed,
            ]
        )


def diff_versions(old: RuleSet, new: RuleSet) -> VersionDiff:
    diff = VersionDiff(old, new)
    old_labels = dict(old.medication_classes.values_list("code", "label"))
    new_labels = dict(new.medication_classes.values_list("code", "label"))
    old_rules = {rule.key: rule for rule in old.rules.all()}
    new_rules = {rule.key: rule for rule in new.rules.all()}
    diff.added = [rule for key, rule in new_rules.items() if key not in old_rules]
    diff.removed = [rule for key, rule in old_rules.items() if key not in new_rules]
    for key, rule in new_rules.items():
        before = old_rules.get(key)
        if before is None:
            continue
        fields = [
            (
                field_name(name),
                shown(name, getattr(before, name), old_labels),
                shown(name, getattr(rule, name), new_labels),
            )
            for name in RULE_FIELDS
            if getattr(before, name) != getattr(rule, name)
        ]
        if fields:
            diff.changed.append(RuleChange(rule.code, rule.title, str(key), fields))
    old_names = {n.name: n for n in old.medication_names.all()}
    new_names = {n.name: n for n in new.medication_names.all()}
    diff.names_added = [n for name, n in new_names.items() if name not in old_names]
    diff.names_removed = [n for name, n in old_names.items() if name not in new_names]
    for name, entry in new_names.items():
        before = old_names.get(name)
        if before is None:
            continue
        fields = [
            (attr, getattr(before, attr), getattr(entry, attr))
            for attr in ("generic", "classes")
            if getattr(before, attr) != getattr(entry, attr)
        ]
        if fields:
            diff.names_changed.append((name, fields))
    old_classes = {c.code for c in old.medication_classes.all()}
    new_classes = {c.code for c in new.medication_classes.all()}
    diff.classes_added = sorted(new_classes - old_classes)
    diff.classes_removed = sorted(old_classes - new_classes)
    return diff


def field_name(name: str) -> str:
    return str(Rule._meta.get_field(name).verbose_name).capitalize()


def shown(name: str, value, class_labels: dict) -> object:
    """A rule's field as the rules list shows it: a condition in words, an empty value as a dash."""
    if name == "condition":
        return describe(value, class_labels)
    return "—" if value in (None, "") else value
