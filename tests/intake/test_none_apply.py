"""A section's "None of these apply": it answers the unanswered questions No or None, visibly and
changeably, never overwrites an answer, and the record keeps which answers it gave."""

import re

import pytest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from screening.intake.forms import NONE_ANSWERS, IntakeForm, apply_none, checked_answers
from screening.records.models import Screening
from tests.intake.factories import SCREENING_DAY, answers, make_draft

# The health section's questions and their explicit No or None (read from INTAKE.md).
HEALTH = {
    "keloid_or_hypertrophic_scarring": "no",
    "bleeding_disorder": "no",
    "diabetes": "none",
    "immunodeficiency_or_transplant": "no",
    "chemotherapy_or_radiotherapy": "none",
    "radiotherapy_to_treatment_area_ever": "no",
    "cardiac_condition_or_implanted_device": "no",
    "pregnant": "no",
    "breastfeeding": "no",
}


def test_it_answers_each_unanswered_question_of_its_section_and_no_other():
    data = {"client_name": ["Ada"]}

    answered = apply_none(data, "health")

    assert answered == list(HEALTH)
    assert {name: data[name] for name in HEALTH} == {n: [v] for n, v in HEALTH.items()}
    assert "diabetes_well_controlled" not in data  # a follow-up keeps no answer
    assert "unwell_or_fever_today" not in data  # another section's question


def test_it_never_overwrites_an_answer_nor_a_list_with_items():
    data = {"pregnant": ["yes"], "had_recent_procedures": [""], "recent_procedures_1_type": ["X"]}

    answered = apply_none(data, "medicines")
    apply_none(data, "health")

    assert data["pregnant"] == ["yes"]
    assert "had_recent_procedures" not in answered
    assert data["had_recent_procedures"] == [""]  # the procedure listed will ask for its Yes
    assert data["takes_medications"] == ["no"]


def test_the_button_for_every_section_answers_each_as_its_own_button_would_and_says_so():
    data = {"cold_sore_history": ["yes"]}
    each = {"cold_sore_history": ["yes"]}

    answered = apply_none(data, "all")
    for section in NONE_ANSWERS:
        apply_none(each, section)

    assert data == {**each, "none_applied_all": answered}
    assert data["cold_sore_history"] == ["yes"]  # never overwritten
    assert "cold_sore_history" not in answered
    assert "uses_topical_products" not in data  # asked with the treatment, by no such button


def test_it_forgets_the_mark_of_an_answer_changed_afterwards():
    data, _ = checked_answers(_post(apply_none="health"), {})
    changed, _ = checked_answers(_post(**{**_flat(data), "pregnant": "yes"}), data)

    assert "pregnant" in data["none_applied"]
    assert "pregnant" not in changed["none_applied"]
    assert "breastfeeding" in changed["none_applied"]


def test_a_save_keeps_every_mark_when_every_section_was_answered_so():
    data = {}
    for section in NONE_ANSWERS:
        apply_none(data, section)

    saved, _ = checked_answers(_post(**_flat(data)), {})

    assert len(saved["none_applied"]) == 9 + 6 + 5 + 9 + 4 > 20
    assert saved["none_applied"] == data["none_applied"]


def test_an_answer_changed_after_the_button_for_every_section_is_no_longer_marked_by_it():
    data, _ = checked_answers(_post(apply_none="all"), {}, every_section=True)
    changed, _ = checked_answers(
        _post(**{**_flat(data), "pregnant": "yes"}), data, every_section=True
    )

    assert "pregnant" in data["none_applied_all"]
    assert "pregnant" not in changed["none_applied_all"] + changed["none_applied"]
    assert "breastfeeding" in changed["none_applied_all"]


def test_only_the_page_offering_it_answers_every_section_at_once():
    posted = _post(client_name="Ada", apply_none="all")

    offered, _ = checked_answers(posted, {}, every_section=True)
    elsewhere, _ = checked_answers(posted, {})

    assert offered["pregnant"] == ["no"]
    assert elsewhere == {"client_name": ["Ada"]}


def test_the_record_keeps_the_sections_answered_so_with_the_fields_they_gave():
    posted = answers(none_applied=["pregnant", "breastfeeding", "has_allergies", "diabetes"])
    posted["diabetes"] = "type2"
    posted["diabetes_well_controlled"] = "yes"
    form = IntakeForm(_post(**posted), today=SCREENING_DAY)

    assert form.is_valid(), form.errors
    assert form.none_applied_sections() == [
        {"section": "Healing and general health", "fields": ["pregnant", "breastfeeding"]},
        {"section": "Medicines, allergies and procedures", "fields": ["allergies"]},
    ]


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def test_without_script_it_fills_the_section_and_comes_back_to_it(signed_in, clinic, practitioner):
    draft = make_draft(clinic, practitioner)

    response = signed_in.post(
        reverse("intake:save", args=[draft.token]), {"pregnant": "yes", "apply_none": "health"}
    )

    assert response["Location"] == f"{draft.get_absolute_url()}#section-health"
    draft.refresh_from_db()
    assert draft.data["pregnant"] == ["yes"] and draft.data["breastfeeding"] == ["no"]
    page = signed_in.get(response["Location"]).content.decode()
    assert "5. Healing and general health: 8 questions answered No or None" in page
    assert _checked(page, "breastfeeding", "no")
    assert _checked(page, "pregnant", "yes")


def test_without_script_the_button_for_every_section_fills_them_and_keeps_what_was_typed(
    signed_in, clinic, practitioner
):
    draft = make_draft(clinic, practitioner)
    posted = {"client_name": "Ada Lovelace", "cold_sore_history": "yes", "apply_none": "all"}

    response = signed_in.post(reverse("intake:save", args=[draft.token]), posted)

    assert response["Location"] == f"{draft.get_absolute_url()}#none-apply-all"
    draft.refresh_from_db()
    assert draft.data["client_name"] == ["Ada Lovelace"]
    assert draft.data["cold_sore_history"] == ["yes"] and draft.data["pregnant"] == ["no"]
    page = signed_in.get(response["Location"]).content.decode()
    answered = 9 + 6 + 5 + 9 + 4 - 1  # every health section's, but the cold sores answered Yes
    assert f"Sections 2 to 6: {answered} questions answered No or None" in page
    assert _checked(page, "cold_sore_history", "yes")
    assert _checked(page, "pregnant", "no") and _checked(page, "had_recent_procedures", "no")
    assert 'value="Ada Lovelace"' in page


def test_a_new_consultation_answers_nothing_until_asked(signed_in, clinic, practitioner):
    draft = make_draft(clinic, practitioner)

    page = signed_in.get(draft.get_absolute_url()).content.decode()

    assert page.count("None of these apply</button>") == 5
    assert page.count("None of these apply in any section below</button>") == 1
    assert " checked" not in page


def test_screening_keeps_on_the_record_what_none_of_these_apply_answered(
    signed_in, clinic, practitioner
):
    draft = make_draft(clinic, practitioner)
    save = reverse("intake:save", args=[draft.token])
    for section in ("infection", "skin", "pigment", "health"):
        signed_in.post(save, {**_flat(draft_data(draft)), "apply_none": section})
    posted = {**answers(), **_flat(draft_data(draft))}

    response = signed_in.post(draft.get_absolute_url(), posted)

    screening = Screening.objects.get()
    assert response["Location"] == screening.get_absolute_url()
    assert [s["section"] for s in screening.none_applied] == [
        "Infection and skin today",
        "Skin conditions",
        "Pigment and autoimmune",
        "Healing and general health",
    ]
    assert screening.none_applied[0]["fields"][0] == "active_infections"
    record = signed_in.get(screening.get_absolute_url()).content.decode()
    assert record.count("(None of these apply)") == 9 + 6 + 5 + 9
    assert record.count("Answered with “None of these apply”") == 4


def test_the_record_says_which_sections_were_answered_all_at_once(signed_in, clinic, practitioner):
    draft = make_draft(clinic, practitioner)
    save = reverse("intake:save", args=[draft.token])
    signed_in.post(save, {"apply_none": "health"})
    signed_in.post(save, {**_flat(draft_data(draft)), "apply_none": "all"})

    signed_in.post(draft.get_absolute_url(), {**answers(), **_flat(draft_data(draft))})

    screening = Screening.objects.get()
    assert [(s["section"], s.get("all_at_once", False)) for s in screening.none_applied] == [
        ("Infection and skin today", True),
        ("Skin conditions", True),
        ("Pigment and autoimmune", True),
        ("Healing and general health", False),  # its own button had answered it already
        ("Medicines, allergies and procedures", True),
    ]
    record = signed_in.get(screening.get_absolute_url()).content.decode()
    assert record.count("Answered all at once, with “None of these apply in any section") == 4
    assert record.count("Answered with “None of these apply”") == 1


def draft_data(draft):
    draft.refresh_from_db()
    return draft.data


def _checked(page, name, value):
    tags = re.findall(rf'<input type="radio"[^>]*name="{name}" value="{value}"[^>]*>', page)
    return bool(tags) and "checked" in tags[0]


def _flat(data):
    return {name: values if len(values) != 1 else values[0] for name, values in data.items()}


def _post(**values):
    return MultiValueDict(
        {name: value if isinstance(value, list) else [value] for name, value in values.items()}
    )
