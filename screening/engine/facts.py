"""The facts of one intake, computed once per evaluation, and the ``because`` of a finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .compiler import CompiledTest
from .decision import json_copy
from .vocabulary import MedicationMatch, MedicationVocabulary

NO_CLASSES: tuple[str, ...] = ()


@dataclass(slots=True)  # not frozen: built on every evaluation, and frozen init costs 3x more
class Facts:
    """A validated intake, the values compiled checks read, and the medication matches.

    ``values`` holds every intake field as validated (enum lists stay lists: the operators accept
    any collection), topical product items with their ``classes``, and the derived facts of
    docs/rules.md. The matches run parallel to ``intake["medications"]`` and
    ``intake["topical_products"]``; ``None`` = not recognised.
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
    """The facts of a validated intake (see ``validate_intake``).

    This runs on every evaluation, so it builds as little as it can: one copy of the intake's
    top-level dict, a dict per topical product (to add its ``classes``) and the class sets.
    """
    match = vocabulary.match
    medications = tuple(map(match, intake["medications"]))
    products = intake["topical_products"]
    topicals = tuple(match(product["name"]) for product in products) if products else ()
    unrecognised = False
    medication_classes: set[str] = set()
    for found in medications:
        if found is None:
            unrecognised = True
        else:
            medication_classes.update(found.classes)
    product_classes: set[str] = set()
    items = []
    for product, found in zip(products, topicals, strict=True):
        if found is None:
            unrecognised = True
            classes = NO_CLASSES
        else:
            classes = found.classes
            product_classes.update(classes)
        items.append({**product, "classes": classes})
    values = dict(intake)
    values["topical_products"] = items
    values["medication_classes"] = medication_classes
    values["topical_product_classes"] = product_classes
    values["has_unrecognised_medications"] = unrecognised
    in_area = False
    for infection in intake["active_infections"]:
        if infection["in_treatment_area"]:
            in_area = True
            break
    values["any_infection_in_area"] = in_area
    return Facts(intake, values, medications, topicals)


def _classes(match: MedicationMatch | None) -> tuple[str, ...]:
    return match.classes if match is not None else NO_CLASSES


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
    intake = facts.intake
    merged: dict[str, object] = {}
    for test in tests:
        if test.plain:
            field = test.field
            if field not in merged:  # the common case: one answer, copied as it is
                merged[field] = json_copy(intake[field])
                continue
            pairs: Iterable[tuple[str, object]] = ((field, intake[field]),)
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
    if test.op in ("is_empty", "not_contains"):
        return True  # the whole list is the answer that lacks the class
    if test.op == "is_not_empty":
        return bool(classes)
    wanted = {test.value} if test.op == "contains" else set(test.value)
    return not wanted.isdisjoint(classes)


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
