"""The facts of one intake, computed once per evaluation, and the ``because`` of a finding."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .compiler import CompiledTest
from .decision import json_copy
from .schema import INTAKE_FIELDS
from .vocabulary import MedicationMatch, MedicationVocabulary

NO_CLASSES: tuple[str, ...] = ()

# PRECAUTIONS.md section 0 rule 9: a vocabulary class whose code is an answer of `allergies`
# (topical_anaesthetic, nickel_or_metal, latex, ...) is read from free text as that answer ticked.
TEXT_ANSWER_FIELD = "allergies"
TEXT_ANSWERS = frozenset(value for value, _ in INTAKE_FIELDS[TEXT_ANSWER_FIELD].choices)


def text_answer_codes(vocabulary: MedicationVocabulary) -> frozenset[str]:
    """The vocabulary's classes that stand for an `allergies` answer when named in free text."""
    return vocabulary.class_codes & TEXT_ANSWERS


@dataclass(slots=True)  # not frozen: built on every evaluation, and frozen init costs 3x more
class Facts:
    """A validated intake, the values compiled checks read, and the medication matches.

    ``values`` holds every intake field as validated (enum lists stay lists: the operators accept
    any collection), topical product items with their ``classes``, and the derived facts of
    docs/rules.md. The matches run parallel to ``intake["medications"]`` and
    ``intake["topical_products"]``; ``None`` = not recognised. ``recognised`` lists the matches
    in entry order (medications, then products); the unrecognised lists hold the entered names.
    """

    intake: dict
    values: dict
    medication_matches: list[MedicationMatch | None]
    topical_matches: list[MedicationMatch | None]
    recognised: list[MedicationMatch]
    unrecognised_medications: list[str]
    unrecognised_products: list[str]
    # Answers of `allergies` read from free text: answer -> the (field, value) it was read from.
    read_from_text: dict[str, list[tuple[str, object]]] | None = None
    # The items each ``any_item`` test matched, by id(test): a finding and its wait read them.
    matched: dict[int, list[dict]] | None = None


def prepare_facts(
    intake: dict, vocabulary: MedicationVocabulary, text_codes: frozenset[str] = frozenset()
) -> Facts:
    """The facts of a validated intake (see ``validate_intake``).

    This runs on every evaluation, so it builds as little as it can, in one pass over the
    entered names: one copy of the intake's top-level dict, a dict per topical product (to add
    its ``classes``), the class sets and the lists of matches.
    """
    match = vocabulary.match
    recognised: list[MedicationMatch] = []
    medication_matches = []
    unrecognised_medications = []
    medication_classes: set[str] = set()
    for text in intake["medications"]:
        found = match(text)
        medication_matches.append(found)
        if found is None:
            unrecognised_medications.append(text)
        else:
            recognised.append(found)
            medication_classes.update(found.classes)
    topical_matches = []
    unrecognised_products = []
    product_classes: set[str] = set()
    items = []
    for product in intake["topical_products"]:
        found = match(product["name"])
        topical_matches.append(found)
        if found is None:
            unrecognised_products.append(product["name"])
            classes = NO_CLASSES
        else:
            recognised.append(found)
            classes = found.classes
            product_classes.update(classes)
        items.append({**product, "classes": classes})
    values = dict(intake)
    values["topical_products"] = items
    values["medication_classes"] = medication_classes
    values["topical_product_classes"] = product_classes
    values["has_unrecognised_medications"] = bool(unrecognised_medications or unrecognised_products)
    in_area = False
    for infection in intake["active_infections"]:
        if infection["in_treatment_area"]:
            in_area = True
            break
    values["any_infection_in_area"] = in_area
    facts = Facts(
        intake,
        values,
        medication_matches,
        topical_matches,
        recognised,
        unrecognised_medications,
        unrecognised_products,
    )
    if text_codes and (
        intake["allergy_details"]
        or not text_codes.isdisjoint(medication_classes)
        or not text_codes.isdisjoint(product_classes)
    ):
        _read_answers_from_text(facts, vocabulary, text_codes)
    return facts


def _read_answers_from_text(
    facts: Facts, vocabulary: MedicationVocabulary, text_codes: frozenset[str]
) -> None:
    """Tick the `allergies` answers that free text names (rule 9), remembering where from."""
    intake = facts.intake
    read: dict[str, list[tuple[str, object]]] = {}

    def note(codes, field, value):
        for code in text_codes.intersection(codes):
            read.setdefault(code, []).append((field, value))

    details = intake["allergy_details"]
    if details:
        note(vocabulary.named_classes(details), "allergy_details", details)
    for text, found in zip(intake["medications"], facts.medication_matches, strict=True):
        if found is not None:
            note(found.classes, "medications", text)
    for item, found in zip(intake["topical_products"], facts.topical_matches, strict=True):
        if found is not None:
            note(found.classes, "topical_products", item)
    if not read:
        return
    ticked = intake[TEXT_ANSWER_FIELD]
    added = [code for code in sorted(read) if code not in ticked]
    if added:
        facts.values[TEXT_ANSWER_FIELD] = [*ticked, *added]
    facts.read_from_text = read


def matching_items(test: CompiledTest, facts: Facts) -> list[dict]:
    """The intake's items of the list a test is about that make it true (none: it is false).

    Those of an ``any_item`` test are found once per evaluation: do not change the list.
    """
    originals = facts.intake[test.field]
    if test.inner is None:
        return list(originals)
    matched = facts.matched
    if matched is None:
        matched = facts.matched = {}
    found = matched.get(id(test))
    if found is None:
        check = test.inner.check
        items = facts.values[test.field]  # parallel to the originals, with derived item facts
        found = [original for original, item in zip(originals, items, strict=True) if check(item)]
        matched[id(test)] = found
    return found


def is_true(test: CompiledTest, facts: Facts) -> bool:
    """Whether a test holds; an ``any_item`` test keeps its matching items for explaining."""
    if test.inner is not None:
        return bool(matching_items(test, facts))
    return test.check(facts.values)


def because(tests: Iterable[CompiledTest], facts: Facts) -> list[dict]:
    """The finding's ``because``: the client's answers behind true tests, one per field (lists are
    merged), as ``{"field": ..., "value": ...}``.

    Answers are copied, so a decision does not change when the intake does.
    """
    intake = facts.intake
    merged: dict[str, object] = {}
    read_from_text: list[dict] = []
    for test in tests:
        if facts.read_from_text and _only_read_from_text(test, intake):
            _explain_text(test, facts, read_from_text)
            continue
        if test.plain:
            field = test.field
            if field not in merged:  # the common case: one answer, copied as it is
                value = intake[field]
                merged[field] = value if type(value) in _SCALARS else json_copy(value)
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
    found = [{"field": field, "value": value} for field, value in merged.items()]
    return found + read_from_text if read_from_text else found


# Field types whose answers go into a ``because`` as they are: immutable, nothing to copy.
_SCALAR_TYPES = frozenset({"bool", "nullable_bool", "integer", "nullable_number", "enum", "text"})


def plain_explainer(
    tests: Sequence[CompiledTest], *, only_true: bool
) -> Callable[[Facts], list[dict]] | None:
    """``because`` made once per rule, for tests that each read one intake answer as it is.

    Without ``only_true`` the tests are those of a condition with no ``any`` branch (all true when
    it holds); with it, the tests of one ``any``, of which the true ones explain. None when a test
    reads a derived fact or an item group, or two tests of an ``any`` read one field: ``because``
    explains those. Answers of `allergies` that free text ticked are explained by ``because`` too.
    """
    if not all(test.plain for test in tests):
        return None
    fields = tuple(dict.fromkeys(test.field for test in tests))
    if only_true and len(fields) < len(tests):
        return None
    answers = tuple((field, INTAKE_FIELDS[field].type not in _SCALAR_TYPES) for field in fields)
    reads_text = TEXT_ANSWER_FIELD in fields
    if only_true:
        checks = tuple(zip((test.check for test in tests), answers, strict=True))

        def explain_true(facts: Facts) -> list[dict]:
            values = facts.values
            if reads_text and facts.read_from_text:
                return because([test for test in tests if test.check(values)], facts)
            intake = facts.intake
            return [
                {"field": field, "value": json_copy(intake[field]) if copy else intake[field]}
                for check, (field, copy) in checks
                if check(values)
            ]

        return explain_true

    def explain_all(facts: Facts) -> list[dict]:
        if reads_text and facts.read_from_text:
            return because(tests, facts)
        intake = facts.intake
        return [
            {"field": field, "value": json_copy(intake[field]) if copy else intake[field]}
            for field, copy in answers
        ]

    return explain_all


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


_SCALARS = frozenset({bool, int, float, str, type(None)})


def _explain_derived(test: CompiledTest, facts: Facts) -> list[tuple[str, object]]:
    """The answers behind a derived fact, or the matching items of an ``any_item`` test."""
    name, intake = test.field, facts.intake
    if name == "medication_classes":
        texts = _with_classes(test, intake["medications"], facts.medication_matches)
        return [("medications", texts)]
    if name == "topical_product_classes":
        items = _with_classes(test, intake["topical_products"], facts.topical_matches)
        return [("topical_products", items)]
    if name == "has_unrecognised_medications":
        return _unrecognised(test, facts)
    if name == "any_infection_in_area":
        infections = intake["active_infections"]
        if test.value:
            infections = [item for item in infections if item["in_treatment_area"]]
        return [("active_infections", infections)]
    return [(name, matching_items(test, facts))]


def _with_classes(test: CompiledTest, entries: list, matches: list) -> list:
    """The entries whose medication classes made a (true) class test true."""
    if test.op in ("is_empty", "not_contains"):
        return list(entries)  # the whole list is the answer that lacks the class
    if test.op == "is_not_empty":
        pairs = zip(entries, matches, strict=True)
        return [entry for entry, match in pairs if match is not None and match.classes]
    wanted = {test.value} if test.op == "contains" else set(test.value)
    pairs = zip(entries, matches, strict=True)
    return [
        entry
        for entry, match in pairs
        if match is not None and not wanted.isdisjoint(match.classes)
    ]


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
