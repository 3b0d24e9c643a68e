"""Answers as the consultation form posts them, and drafts to hold them."""

import datetime

from screening.intake.models import Draft

SCREENING_DAY = datetime.date(2026, 11, 23)

# INTAKE.md's healthy baseline, answered question by question (aged 34 on SCREENING_DAY).
HEALTHY = {
    "client_name": "Ada Lovelace",
    "client_date_of_birth": "1992-06-01",
    "client_reference": "",
    "treatment_areas": ["face"],
    "treatment_goal": "fine_lines_wrinkles",
    "fitzpatrick_type": "2",
    "history_of_pih": "no",
    "has_active_infections": "no",
    "unwell_or_fever_today": "no",
    "cold_sore_history": "no",
    "antiviral_prophylaxis_arranged": "no",
    "open_wounds_in_area": "no",
    "acne_in_area": "none",
    "eczema": "none",
    "psoriasis": "none",
    "rosacea": "none",
    "has_other_skin_conditions": "no",
    "sunburn_in_area_last_14_days": "no",
    "tanning_in_area_last_14_days": "no",
    "tattoo_or_pmu_in_area": "no",
    "suspicious_lesion_in_area": "no",
    "skin_cancer_history": "none",
    "has_vitiligo": "no",
    "vitiligo_family_history": "no",
    "previous_depigmentation": "no",
    "has_autoimmune_conditions": "no",
    "keloid_or_hypertrophic_scarring": "no",
    "bleeding_disorder": "no",
    "diabetes": "none",
    "immunodeficiency_or_transplant": "no",
    "chemotherapy_or_radiotherapy": "none",
    "radiotherapy_to_treatment_area_ever": "no",
    "cardiac_condition_or_implanted_device": "no",
    "pregnant": "no",
    "breastfeeding": "no",
    "takes_medications": "no",
    "medications": "",
    "isotretinoin_ever": "no",
    "uses_topical_products": "yes",
    "topical_products_1_name": "CeraVe moisturising cream",
    "topical_products_1_last_used_days_ago": "0",
    "has_allergies": "no",
    "allergy_details": "",
    "had_recent_procedures": "no",
}


def answers(**changes):
    """The healthy answers with `changes`; a change to None leaves the question unanswered."""
    data = {**HEALTHY, **changes}
    return {name: value for name, value in data.items() if value is not None}


def make_draft(clinic, practitioner, data=None):
    return Draft.objects.create(clinic=clinic, practitioner=practitioner, data=data or {})
