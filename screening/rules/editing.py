"""Changing the draft: rules and medication names, with optimistic locking on revisions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from . import layers
from .models import MedicationClass, MedicationName, Rule, RuleSet, RuleSetStatus
from .services import published_rule_set, vocabulary


class NotADraft(Exception):
    """Only the draft can be edited."""


class EditConflict(Exception):
    """Someone saved since this form was opened; `current` is what they saved."""

    def __init__(self, current):
        super().__init__("Someone else saved this since you opened it.")
        self.current = current


def _locked_draft(rule_set_id: int) -> RuleSet:
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set_id)
    if rule_set.status != RuleSetStatus.DRAFT:
        raise NotADraft("Published versions are read-only.")
    return rule_set


@transaction.atomic
def save_rule(*, draft: RuleSet, rule: Rule | None, values: dict, revision: int | None) -> Rule:
    """Create (rule None) or update a draft rule; raise EditConflict on a stale revision.

    `values` may hold `overrides` (a new rule of a clinic's layer making a floor rule stricter);
    a saved rule keeps what it overrides. Raises layers.LayerRefused for a milder one.
    """
    _locked_draft(draft.pk)
    values = dict(values)
    if rule is None:
        top = draft.rules.aggregate(top=Max("position"))["top"]
        rule = Rule(rule_set=draft, position=0 if top is None else top + 1, revision=0)
    else:
        rule = Rule.objects.select_for_update().get(pk=rule.pk, rule_set=draft)
        if rule.revision != revision:
            raise EditConflict(rule)
        values["overrides"] = rule.overrides
    if draft.is_layer or values.get("overrides") is not None:
        layers.check_rule(draft, values, published_rule_set())
    for name, value in values.items():
        setattr(rule, name, value)
    rule.revision += 1
    rule.save()
    return rule


@transaction.atomic
def delete_rule(*, draft: RuleSet, rule_id: int) -> None:
    """Delete a draft rule (Rule.DoesNotExist for any other; LayerRefused for the floor's)."""
    _locked_draft(draft.pk)
    rule = Rule.objects.select_related("rule_set").get(pk=rule_id)
    if draft.is_layer and not rule.rule_set.is_layer:
        raise layers.LayerRefused({"__all__": layers.NO_FLOOR_DELETE})
    if rule.rule_set_id != draft.pk:
        raise Rule.DoesNotExist
    rule.delete()


@transaction.atomic
def add_medication_name(
    *, draft: RuleSet, name: str, generic: str, classes: list[str], revision: int
) -> MedicationName:
    """Add a name to the draft's vocabulary; the whole vocabulary must still be valid.

    A clinic's layer adds names to the floor's vocabulary: each with a class of the floor's, and
    none the floor has (raises layers.LayerRefused).
    """
    locked = _vocabulary_at(draft, revision)
    if locked.is_layer and (problem := layers.name_problem(name, classes, published_rule_set())):
        raise layers.LayerRefused({"__all__": problem})
    entry = MedicationName(rule_set=locked, name=name, generic=generic, classes=sorted(classes))
    return _add_valid(locked, entry)


@transaction.atomic
def add_medication_class(
    *, draft: RuleSet, code: str, label: str, precaution: str, revision: int
) -> MedicationClass:
    """Add a class to the draft's vocabulary, for its names and rules to use (the floor's only)."""
    locked = _vocabulary_at(draft, revision)
    if locked.is_layer:
        raise layers.LayerRefused(
            {"__all__": "Medication classes belong to the safety floor; a clinic adds names."}
        )
    entry = MedicationClass(rule_set=locked, code=code, label=label, precaution=precaution)
    return _add_valid(locked, entry)


@transaction.atomic
def remove_medication_name(*, draft: RuleSet, name_id: int, revision: int) -> None:
    locked = _vocabulary_at(draft, revision)
    MedicationName.objects.get(pk=name_id, rule_set=locked).delete()
    _bump(locked)


def _vocabulary_at(draft: RuleSet, revision: int) -> RuleSet:
    """The draft, locked, if its vocabulary is still at the revision the form was opened at."""
    locked = _locked_draft(draft.pk)
    if locked.revision != revision:
        raise EditConflict(locked)
    return locked


def _add_valid(locked: RuleSet, entry):
    """Save a name or class; the whole vocabulary must still be valid."""
    entry.save()
    if locked.is_layer:
        vocabulary(published_rule_set(), locked)
    else:
        vocabulary(locked)  # raises engine.VocabularyInvalid, rolling the addition back
    _bump(locked)
    return entry


def _bump(rule_set: RuleSet) -> None:
    rule_set.revision += 1
    rule_set.save(update_fields=["revision"])
