"""The facts of one intake, computed once per evaluation, and the ``because`` of a finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .compiler import CompiledTest
from .decision import json_copy
from .schema import INTAKE_FIELDS
from .vocabulary import MedicationMatch, MedicationVocabulary

ENUM_LIST_FIELDS = tuple(name for name, spec in INTAKE_FIELDS.items() if spec.type == "enum_list")
NO_CLASSES: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Facts:
    """A validated intake, the values compiled checks read, and the medication matches.

    ``values`` holds every intake field (enum lists as frozensets, topical product items with
    their ``classes``) and the derived facts of docs/rules.md. The matches run parallel to
    ``intake["medications"]`` and ``intake["topical_products"]``; ``None`` = not recognised.
    """

    intake: dict
    values: dict
    medication_matches: tuple[MedicationMatch | None, ...]
    topical_matches: tuple[MedicationMatch | None, ...]

    @property
    def recognised(self) -> list[MedicationMatch]:
        """Every medication and topical product name that matched, in entry order."""
        return [m for m in self.medication_matches + self.topical_matches if m is not None]

    @property
    def unrecognised_medications(self) -> list[str]:
        pairs = zip(self.intake["medications"], self.medication_matches, strict=True)
        return [text for text, match in pairs if match is None]

    @property
    def unrecognised_products(self) -> list[str]:
        pairs = zip(self.intake["topical_products"], self.topical_matches, strict=True)
        return [product["name"] for product, match in pairs if match is None]


def prepare_facts(intake: dict, vocabulary: MedicationVocabulary) -> Facts:
    """The facts of a validated intake (see ``validate_intake``)."""
    medications = tuple(vocabulary.match(text) for text in intake["medications"])
    products = intake["topical_products"]
    topicals = tuple(vocabulary.match(product["name"]) for product in products)
    values = dict(intake)
    for name in ENUM_LIST_FIELDS:
        values[name] = frozenset(intake[name])
    values["topical_products"] = [
        {**product, "classes": _classes(match)}
        for product, match in zip(products, topicals, strict=True)
    ]
    values["medication_classes"] = frozenset().union(*map(_classes, medications))
    values["topical_product_classes"] = frozenset().union(*map(_classes, topicals))
    values["has_unrecognised_medications"] = any(m is None for m in medications + topicals)
    values["any_infection_in_area"] = any(
        infection["in_treatment_area"] for infection in intake["active_infections"]
    )
    return Facts(intake, values, medications, topicals)


def _classes(match: MedicationMatch | None) -> frozenset[str]:
    return frozenset(match.classes) if match is not None else NO_CLASSES


def matching_items(test: CompiledTest, facts: Facts) -> list[dict]:
    """The intake's items of the list a (true) test is about that make it true."""
    originals = facts.intake[test.field]
    if test.inner is None:
        return list(originals)
    items = facts.values[test.field]
    return [
        original for original, item in zip(originals, items, strict=True) if test.inner.check(item)
    ]


def because(tests: Iterable[CompiledTest], facts: Facts) -> tuple[tuple[str, object], ...]:
    """``(field, client's answer)`` pairs for true tests, one per field (lists are merged).

    Answers are copied, so a finding does not change when the intake does.
    """
    merged: dict[str, object] = {}
    for test in tests:
        if test.field in facts.intake and test.op != "any_item":
            pairs: Iterable[tuple[str, object]] = ((test.field, facts.intake[test.field]),)
        else:
            pairs = _explain_derived(test, facts)
        for field, value in pairs:
            known = merged.get(field)
            if known is None:
                merged[field] = json_copy(value)
            elif isinstance(known, list) and isinstance(value, list):
                for item in value:
                    if item not in known:
                        known.append(json_copy(item))
    return tuple(merged.items())


def _explain_derived(test: CompiledTest, facts: Facts) -> list[tuple[str, object]]:
    """The answers behind a derived fact, or the matching items of an ``any_item`` test."""
    name, intake = test.field, facts.intake
    if name == "medication_classes":
        pairs = zip(intake["medications"], facts.medication_matches, strict=True)
        return [("medications", [text for text, match in pairs if _matched(test, match)])]
    if name == "topical_product_classes":
        pairs = zip(intake["topical_products"], facts.topical_matches, strict=True)
        return [("topical_products", [item for item, match in pairs if _matched(test, match)])]
    if name == "has_unrecognised_medications":
        return _unrecognised(test, facts)
    if name == "any_infection_in_area":
        infections = intake["active_infections"]
        if test.value:
            infections = [item for item in infections if item["in_treatment_area"]]
        return [("active_infections", infections)]
    return [(name, matching_items(test, facts))]


def _matched(test: CompiledTest, match: MedicationMatch | None) -> bool:
    """Whether this entry's classes are among those that made a class test true."""
    classes = _classes(match)
    if test.op == "is_empty":
        return True
    if test.op == "is_not_empty":
        return bool(classes)
    wanted = {test.value} if test.op == "contains" else set(test.value)
    return not classes.isdisjoint(wanted)


def _unrecognised(test: CompiledTest, facts: Facts) -> list[tuple[str, object]]:
    if not test.value:
        return [("has_unrecognised_medications", False)]
    medications, products = facts.unrecognised_medications, facts.unrecognised_products
    entries = []
    if medications:
        entries.append(("medications", medications))
    if products:
        entries.append(("topical_products", products))
    return entries
