"""The ``because`` of a finding: the client's answers behind the true tests of a rule that fired.

A true test gives entries of ``because``, ``{"field": ..., "value": ...}``, holding fresh copies of
the answers, so a decision shares nothing mutable with the intake. The finding builders
(``findings.py``) write most of them inline; this module has the rest: explainers for the tests
of derived facts, how entries of one field are ``merged`` (lists are merged) and ``explain_text``
for the answers of `allergies` read from free text.
"""

from __future__ import annotations

from collections.abc import Callable

from .compiler import CompiledTest
from .decision import json_copy
from .facts import TEXT_ANSWER_FIELD, Facts
from .schema import INTAKE_FIELDS, FieldSpec
from .vocabulary import MedicationMatch

Explainer = Callable[[Facts], list[dict]]

# The class fields: the list whose entries' classes they gather, and the facts' matches of it.
CLASS_SOURCES = {
    "medication_classes": ("medications", "medication_matches"),
    "topical_product_classes": ("topical_products", "topical_matches"),
}

# Field types whose answers go into a ``because`` as they are: immutable, nothing to copy.
_SCALAR_TYPES = frozenset({"bool", "nullable_bool", "integer", "nullable_number", "enum", "text"})
_SCALAR_LISTS = frozenset({"enum_list", "text_list"})


def derived_explainer(test: CompiledTest) -> Explainer:
    """The entries of ``because`` a true test of a derived fact gives (read from the intake's
    answers); the builders write those of the medication classes inline (``class_selector``)."""
    if test.field == "has_unrecognised_medications":
        return _unrecognised(test)
    if test.field == "any_infection_in_area":
        return _infections(test)
    raise AssertionError(f"no explanation for the field {test.field!r}")  # schema.py lists them


def explained_fields(test: CompiledTest) -> frozenset[str]:
    """The fields whose answers can explain a test (the ``field`` of its entries)."""
    field = test.field
    if field == "medication_classes":
        return frozenset({"medications"})
    if field == "topical_product_classes":
        return frozenset({"topical_products"})
    if field == "has_unrecognised_medications":
        if not test.value:
            return frozenset({field})
        return frozenset({"medications", "topical_products"})
    if field == "any_infection_in_area":
        return frozenset({"active_infections"})
    return frozenset({field})


def merged(entries: list[dict]) -> list[dict]:
    """The entries of ``because`` one per field, in order: a field's first answer, with the
    items of its later lists added (an answer of None gives way to the next)."""
    by_field: dict[str, object] = {}
    for entry in entries:
        field, value = entry["field"], entry["value"]
        known = by_field.get(field)
        if known is None:
            by_field[field] = value
        elif isinstance(known, list) and isinstance(value, list):
            for item in value:
                if item not in known:
                    known.append(item)
    return [{"field": field, "value": value} for field, value in by_field.items()]


def answer_copier(spec: FieldSpec) -> Callable[[object], object] | None:
    """How to copy an answer of this field for a decision (None: it is immutable)."""
    if spec.type in _SCALAR_TYPES:
        return None
    if spec.type in _SCALAR_LISTS:
        return list
    copy_item = item_copier(spec)
    return lambda items: list(map(copy_item, items))


def item_copier(spec: FieldSpec) -> Callable[[dict], dict]:
    """How to copy an item of a list of objects: ``dict.copy`` when its answers are scalars."""
    if all(item.type in _SCALAR_TYPES for item in spec.entered_items):
        return dict.copy
    return json_copy  # type: ignore[return-value]


def explains_whole_list(test: CompiledTest) -> bool:
    """Whether a true test of medication classes is explained by its whole list (the answer
    that lacks the class), not by the entries that have one."""
    return test.op in ("is_empty", "not_contains")


def class_selector(test: CompiledTest) -> Callable[[MedicationMatch | None], bool]:
    """Whether an entry, by its match (None: unrecognised), explains a true class test."""
    if test.op == "is_not_empty":

        def selects(match: MedicationMatch | None) -> bool:
            return match is not None and bool(match.classes)
    else:
        codes = frozenset([test.value] if test.op == "contains" else test.value)

        def selects(match: MedicationMatch | None) -> bool:
            return match is not None and not codes.isdisjoint(match.classes)

    return selects


def _unrecognised(test: CompiledTest) -> Explainer:
    if not test.value:
        return lambda facts: [{"field": "has_unrecognised_medications", "value": False}]

    def explain(facts: Facts) -> list[dict]:
        medications, products = facts.unrecognised_medications, facts.unrecognised_products
        entries = []
        if medications:
            entries.append({"field": "medications", "value": list(medications)})
        if products:
            entries.append({"field": "topical_products", "value": list(products)})
        return entries

    return explain


def _infections(test: CompiledTest) -> Explainer:
    copy_item = item_copier(INTAKE_FIELDS["active_infections"])
    in_area_only = bool(test.value)

    def explain(facts: Facts) -> list[dict]:
        infections = facts.intake["active_infections"]
        if in_area_only:
            infections = [item for item in infections if item["in_treatment_area"]]
        return [{"field": "active_infections", "value": list(map(copy_item, infections))}]

    return explain


def explain_text(test: CompiledTest, facts: Facts, entries: list[dict]) -> None:
    """The free text behind an `allergies` test that only the answers read from text make true."""
    read = facts.read_from_text or {}
    if test.op == "contains":
        codes = [test.value] if test.value in read else []
    elif test.op in ("contains_any", "contains_all"):
        codes = [code for code in test.value if code in read]
    else:
        codes = sorted(read)
    by_field: dict[str, dict] = {}
    for code in codes:
        for field, value in read[code]:
            entry = by_field.get(field)
            if entry is None:
                entry = next((e for e in entries if e["field"] == field), None)
            if entry is None:
                kind = field == "allergy_details"
                entry = {"field": field, "value": value if kind else [], "read_from_text": True}
                entry["read_as"] = {"field": TEXT_ANSWER_FIELD, "value": []}
                entries.append(entry)
            by_field[field] = entry
            if field != "allergy_details" and value not in entry["value"]:
                entry["value"].append(json_copy(value))
            if code not in entry["read_as"]["value"]:
                entry["read_as"]["value"].append(code)
