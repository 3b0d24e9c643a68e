"""The facts of one intake, computed once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

from .compiler import CompiledTest
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
    details = intake["allergy_details"]
    if details:
        _note(read, text_codes, vocabulary.named_classes(details), "allergy_details", details)
    # Plain zip: the matches are parallel to the entries by construction (and this Python parses
    # zip's strict= the slow way). Most matches name no allergy: skipped without a call.
    for text, found in zip(intake["medications"], facts.medication_matches):  # noqa: B905
        if found is not None and not text_codes.isdisjoint(found.classes):
            _note(read, text_codes, found.classes, "medications", text)
    for item, found in zip(intake["topical_products"], facts.topical_matches):  # noqa: B905
        if found is not None and not text_codes.isdisjoint(found.classes):
            _note(read, text_codes, found.classes, "topical_products", item)
    if not read:
        return
    ticked = intake[TEXT_ANSWER_FIELD]
    added = [code for code in sorted(read) if code not in ticked]
    if added:
        facts.values[TEXT_ANSWER_FIELD] = [*ticked, *added]
    facts.read_from_text = read


def _note(read: dict, text_codes: frozenset[str], codes, field: str, value: object) -> None:
    """Note the `allergies` answers that ``codes`` stand for, read from ``value`` of ``field``."""
    for code in text_codes.intersection(codes):
        read.setdefault(code, []).append((field, value))


def matching_items(test: CompiledTest, facts: Facts) -> list[dict]:
    """The intake's items of the list a test is about that make it true (all of them for a test
    of the whole list, such as ``is_not_empty``)."""
    originals = facts.intake[test.field]
    if test.inner is None:
        return list(originals)
    # The values' items run parallel to the originals (with derived item facts, or the same).
    return list(compress(originals, map(test.inner.check, facts.values[test.field])))
