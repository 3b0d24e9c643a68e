"""The ``because`` of a finding: the client's answers behind the true tests of a rule that fired.

Each test gets an explainer when its rule is compiled (``explainer``): a closure that returns the
test's entries of ``because``, ``{"field": ..., "value": ...}``, holding fresh copies of the
answers, so a decision shares nothing mutable with the intake. When no two tests of a rule explain
the same field, its ``because`` is the entries of its true tests, joined in order; ``because``
merges the entries of one field (lists are merged) and explains the answers of `allergies` read
from free text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .compiler import CompiledTest
from .decision import json_copy
from .facts import TEXT_ANSWER_FIELD, Facts, matching_items
from .schema import INTAKE_FIELDS, FieldSpec

Explainer = Callable[[Facts], list[dict]]

# Field types whose answers go into a ``because`` as they are: immutable, nothing to copy.
_SCALAR_TYPES = frozenset({"bool", "nullable_bool", "integer", "nullable_number", "enum", "text"})
_SCALAR_LISTS = frozenset({"enum_list", "text_list"})


def explainer(test: CompiledTest) -> Explainer:
    """The entries of ``because`` a true test gives (read from the intake's answers)."""
    field = test.field
    if test.plain:
        copy = answer_copier(INTAKE_FIELDS[field])
        if copy is None:
            return lambda facts: [{"field": field, "value": facts.intake[field]}]
        return lambda facts: [{"field": field, "value": copy(facts.intake[field])}]
    if test.inner is not None:
        copy_item = item_copier(INTAKE_FIELDS[field])
        return lambda facts: [
            {"field": field, "value": list(map(copy_item, matching_items(test, facts)))}
        ]
    if field == "medication_classes":
        return _with_classes(test, "medications", lambda facts: facts.medication_matches)
    if field == "topical_product_classes":
        return _with_classes(test, "topical_products", lambda facts: facts.topical_matches)
    if field == "has_unrecognised_medications":
        return _unrecognised(test)
    if field == "any_infection_in_area":
        return _infections(test)
    raise AssertionError(f"no explanation for the field {field!r}")  # schema.py lists them all


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


def because(
    tests: Iterable[CompiledTest], facts: Facts, explainers: Mapping[int, Explainer]
) -> list[dict]:
    """The finding's ``because``: the entries of the true tests (``explainers`` by id(test)), one
    per field (lists are merged), then the free text that ticked `allergies` answers."""
    intake = facts.intake
    entries: list[dict] = []
    read_from_text: list[dict] = []
    for test in tests:
        if facts.read_from_text and _only_read_from_text(test, intake):
            _explain_text(test, facts, read_from_text)
        else:
            entries += explainers[id(test)](facts)
    found = merged(entries)
    return found + read_from_text if read_from_text else found


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


def _with_classes(test: CompiledTest, field: str, matches_of: Callable[[Facts], list]) -> Explainer:
    """The entries of ``field`` whose medication classes made a (true) class test true."""
    copy = answer_copier(INTAKE_FIELDS[field]) or list
    copy_item = item_copier(INTAKE_FIELDS[field]) if field == "topical_products" else None
    if test.op in ("is_empty", "not_contains"):
        # The whole list is the answer that lacks the class.
        return lambda facts: [{"field": field, "value": copy(facts.intake[field])}]
    if test.op == "is_not_empty":

        def wanted(classes):
            return bool(classes)
    else:
        codes = frozenset([test.value] if test.op == "contains" else test.value)

        def wanted(classes):
            return not codes.isdisjoint(classes)

    def explain(facts: Facts) -> list[dict]:
        entries = []
        for entry, match in zip(facts.intake[field], matches_of(facts), strict=True):
            if match is not None and wanted(match.classes):
                entries.append(entry if copy_item is None else copy_item(entry))
        return [{"field": field, "value": entries}]

    return explain


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


def _only_read_from_text(test: CompiledTest, intake: dict) -> bool:
    """Whether a true test of `allergies` is false on the ticked answers alone."""
    return test.field == TEXT_ANSWER_FIELD and not test.check(
        {TEXT_ANSWER_FIELD: intake[TEXT_ANSWER_FIELD]}
    )


def _explain_text(test: CompiledTest, facts: Facts, entries: list[dict]) -> None:
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
