"""The intake schema of INTAKE.md as data, plus the derived facts of docs/rules.md.

Field types are those of the condition language: ``bool``, ``nullable_bool``, ``integer``,
``nullable_number``, ``enum``, ``enum_list``, ``text``, ``text_list`` and ``object_list``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class FieldSpec:
    """One field of the intake, of a list item, or a derived fact.

    ``choices`` holds ``(value, label)`` pairs for ``enum`` and ``enum_list`` fields. Fields whose
    values are medication class codes (``from_vocabulary``) take their values from the vocabulary.
    """

    name: str
    type: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    items: tuple[FieldSpec, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    non_empty: bool = False
    derived: bool = False
    from_vocabulary: bool = False

    @functools.cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    @functools.cached_property
    def value_set(self) -> frozenset[str]:
        return frozenset(self.values)

    @functools.cached_property
    def entered_items(self) -> tuple[FieldSpec, ...]:
        """The item fields a person answers (not the derived ones)."""
        return tuple(item for item in self.items if not item.derived)

    def item(self, name: str) -> FieldSpec | None:
        return next((item for item in self.items if item.name == name), None)


def _field(name, type_, label, choices=(), **options) -> FieldSpec:
    return FieldSpec(name, type_, label, tuple(choices), **options)


def _choices(values: str, **labels: str) -> tuple[tuple[str, str], ...]:
    """``(value, label)`` pairs from space-separated values; a label defaults to the words."""
    return tuple(
        (value, labels.get(value, value.replace("_", " ").capitalize())) for value in values.split()
    )


AREAS = _choices("face neck chest back arms hands abdomen thighs buttocks scalp other")
GOALS = _choices(
    "fine_lines_wrinkles acne_scars other_atrophic_scars stretch_marks hyperpigmentation_melasma"
    " enlarged_pores keratosis_pilaris psoriasis vitiligo hair_loss other",
    fine_lines_wrinkles="Fine lines and wrinkles",
    hyperpigmentation_melasma="Hyperpigmentation or melasma",
)
INFECTION_TYPES = _choices(
    "cold_sore bacterial fungal warts shingles other",
    bacterial="Bacterial infection",
    fungal="Fungal infection",
)
PROCEDURE_TYPES = _choices(
    "botulinum_toxin dermal_filler superficial_peel medium_deep_peel ablative_laser"
    " nonablative_laser_or_ipl microneedling microdermabrasion dermabrasion surgery"
    " waxing_threading_depilatory other",
    botulinum_toxin="Botulinum toxin",
    medium_deep_peel="Medium or deep peel",
    nonablative_laser_or_ipl="Non-ablative laser or IPL",
    waxing_threading_depilatory="Waxing, threading or depilatory cream",
)
AUTOIMMUNE = _choices(
    "lupus scleroderma rheumatoid_arthritis thyroid type1_diabetes psoriasis vitiligo"
    " alopecia_areata inflammatory_bowel_disease other",
    thyroid="Autoimmune thyroid disease",
    type1_diabetes="Type 1 diabetes",
)
ALLERGIES = _choices(
    "topical_anaesthetic nickel_or_metal latex antiseptic hyaluronic_acid skincare_ingredient"
    " fragrance adhesive other",
    topical_anaesthetic="Topical anaesthetic (numbing cream)",
    nickel_or_metal="Nickel or metal",
)
ACNE = _choices(
    "none comedonal inflammatory nodulocystic",
    comedonal="Blackheads or whiteheads only",
    inflammatory="Inflamed spots",
    nodulocystic="Deep nodules or cysts",
)
ECZEMA = _choices(
    "none history active_in_area active_elsewhere",
    history="Past eczema, no flare now",
    active_in_area="Active in the area",
    active_elsewhere="Active elsewhere",
)
PSORIASIS = _choices(
    "none history active_elsewhere active_in_area",
    history="Past psoriasis, no plaques now",
    active_in_area="Active in the area",
    active_elsewhere="Active elsewhere",
)
ROSACEA = _choices("none controlled active_flare", controlled="Controlled, no flare now")
OTHER_SKIN = _choices("keratosis_pilaris lichen_planus melasma seborrhoeic_dermatitis other")
SKIN_CANCER = _choices(
    "none treated_elsewhere in_treatment_area current",
    treated_elsewhere="Treated, outside the area",
    in_treatment_area="In the treatment area",
    current="Current, not yet fully treated",
)
VITILIGO = _choices(
    "none stable active",
    stable="Stable for 12+ months",
    active="Active in the last 12 months, or unsure",
)
DIABETES = _choices("none type1 type2", type1="Type 1", type2="Type 2")
CHEMO_RADIO = _choices(
    "none current within_12_months over_12_months_ago",
    within_12_months="Within the last 12 months",
    over_12_months_ago="Over 12 months ago",
)

# The sections of INTAKE.md (A to G) with their fields, in INTAKE.md's order.
_SECTIONS = (
    (
        "Treatment context",
        (
            _field("client_age_years", "integer", "Age (years)", minimum=0),
            _field("treatment_areas", "enum_list", "Treatment areas", AREAS, non_empty=True),
            _field("treatment_goal", "enum", "Treatment goal", GOALS),
            _field("fitzpatrick_type", "integer", "Fitzpatrick skin type", minimum=1, maximum=6),
            _field("history_of_pih", "bool", "History of dark marks after spots or injury (PIH)"),
        ),
    ),
    (
        "Infection and skin barrier today",
        (
            _field(
                "active_infections",
                "object_list",
                "Active infections",
                items=(
                    _field("type", "enum", "Type", INFECTION_TYPES),
                    _field("in_treatment_area", "bool", "In the treatment area"),
                ),
            ),
            _field("unwell_or_fever_today", "bool", "Unwell or feverish today"),
            _field("cold_sore_history", "bool", "Cold sore history"),
            _field("antiviral_prophylaxis_arranged", "bool", "Antiviral cover arranged"),
            _field("open_wounds_in_area", "bool", "Open wounds or broken skin in the area"),
            _field("acne_in_area", "enum", "Acne in the area", ACNE),
            _field("eczema", "enum", "Eczema", ECZEMA),
            _field("psoriasis", "enum", "Psoriasis", PSORIASIS),
            _field("rosacea", "enum", "Rosacea", ROSACEA),
            _field("other_skin_conditions", "enum_list", "Other skin conditions", OTHER_SKIN),
            _field("sunburn_in_area_last_14_days", "bool", "Sunburn in the area (last 14 days)"),
            _field("tanning_in_area_last_14_days", "bool", "Tanning of the area (last 14 days)"),
            _field("tattoo_or_pmu_in_area", "bool", "Tattoo or permanent make-up in the area"),
            _field(
                "suspicious_lesion_in_area", "bool", "New, changing or suspicious spot in the area"
            ),
            _field("skin_cancer_history", "enum", "Skin cancer history", SKIN_CANCER),
        ),
    ),
    (
        "Pigment and autoimmune",
        (
            _field("vitiligo", "enum", "Vitiligo", VITILIGO),
            _field("vitiligo_family_history", "bool", "Family history of vitiligo"),
            _field("previous_depigmentation", "bool", "Skin has lost its colour before"),
            _field("autoimmune_conditions", "enum_list", "Autoimmune conditions", AUTOIMMUNE),
        ),
    ),
    (
        "Healing, bleeding and general health",
        (
            _field("keloid_or_hypertrophic_scarring", "bool", "Keloid or raised scarring"),
            _field("bleeding_disorder", "bool", "Bleeding disorder"),
            _field("diabetes", "enum", "Diabetes", DIABETES),
            _field("diabetes_well_controlled", "nullable_bool", "Diabetes well controlled"),
            _field("immunodeficiency_or_transplant", "bool", "Immunodeficiency or transplant"),
            _field(
                "chemotherapy_or_radiotherapy", "enum", "Chemotherapy or radiotherapy", CHEMO_RADIO
            ),
            _field(
                "radiotherapy_to_treatment_area_ever", "bool", "Radiotherapy to the area (ever)"
            ),
            _field(
                "cardiac_condition_or_implanted_device",
                "bool",
                "Heart condition or implanted device",
            ),
            _field("pregnant", "bool", "Pregnant or may be pregnant"),
            _field("breastfeeding", "bool", "Breastfeeding"),
        ),
    ),
    (
        "Medicines and skincare",
        (
            _field("medications", "text_list", "Medications"),
            _field(
                "isotretinoin_last_dose_months_ago",
                "nullable_number",
                "Last isotretinoin tablet (months ago)",
                minimum=0,
            ),
            _field(
                "topical_products",
                "object_list",
                "Topical products",
                items=(
                    _field("name", "text", "Name", non_empty=True),
                    _field("last_used_days_ago", "integer", "Last used (days ago)", minimum=0),
                    _field("classes", "enum_list", "Classes", derived=True, from_vocabulary=True),
                ),
            ),
        ),
    ),
    (
        "Allergies",
        (
            _field("allergies", "enum_list", "Allergies", ALLERGIES),
            _field("allergy_details", "text", "Allergy details"),
        ),
    ),
    (
        "Recent procedures",
        (
            _field(
                "recent_procedures",
                "object_list",
                "Recent procedures",
                items=(
                    _field("type", "enum", "Type", PROCEDURE_TYPES),
                    _field("days_ago", "integer", "Days ago", minimum=0),
                    _field("in_treatment_area", "bool", "In the treatment area"),
                ),
            ),
        ),
    ),
)
_FIELDS = tuple(field for _, fields in _SECTIONS for field in fields)

_DERIVED = (
    _field(
        "medication_classes", "enum_list", "Medication classes", derived=True, from_vocabulary=True
    ),
    _field(
        "topical_product_classes",
        "enum_list",
        "Topical product classes",
        derived=True,
        from_vocabulary=True,
    ),
    _field(
        "has_unrecognised_medications",
        "bool",
        "Has unrecognised medicines or products",
        derived=True,
    ),
    _field("any_infection_in_area", "bool", "Any infection in the treatment area", derived=True),
)

#: The consultation's sections, each a title and the names of its fields: INTAKE.md's A to G
#: regrouped so that each fits a tablet screen. The form asks them so; records show them so.
INTAKE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Client and treatment",
        (
            "client_age_years",
            "treatment_areas",
            "treatment_goal",
            "fitzpatrick_type",
            "topical_products",
        ),
    ),
    (
        "Infection and skin today",
        (
            "active_infections",
            "unwell_or_fever_today",
            "cold_sore_history",
            "antiviral_prophylaxis_arranged",
            "open_wounds_in_area",
            "sunburn_in_area_last_14_days",
            "tanning_in_area_last_14_days",
            "tattoo_or_pmu_in_area",
            "suspicious_lesion_in_area",
        ),
    ),
    (
        "Skin conditions",
        (
            "acne_in_area",
            "eczema",
            "psoriasis",
            "rosacea",
            "other_skin_conditions",
            "skin_cancer_history",
        ),
    ),
    (
        "Pigment and autoimmune",
        (
            "history_of_pih",
            "vitiligo",
            "vitiligo_family_history",
            "previous_depigmentation",
            "autoimmune_conditions",
        ),
    ),
    (
        "Healing and general health",
        (
            "keloid_or_hypertrophic_scarring",
            "bleeding_disorder",
            "diabetes",
            "diabetes_well_controlled",
            "immunodeficiency_or_transplant",
            "chemotherapy_or_radiotherapy",
            "radiotherapy_to_treatment_area_ever",
            "cardiac_condition_or_implanted_device",
            "pregnant",
            "breastfeeding",
        ),
    ),
    (
        "Medicines, allergies and procedures",
        (
            "medications",
            "isotretinoin_last_dose_months_ago",
            "allergies",
            "allergy_details",
            "recent_procedures",
        ),
    ),
)
#: Every intake field of INTAKE.md, in INTAKE.md's order. All are required.
INTAKE_FIELDS: MappingProxyType[str, FieldSpec] = MappingProxyType({f.name: f for f in _FIELDS})
#: Facts the engine derives from the intake; usable in conditions, never entered.
DERIVED_FIELDS: MappingProxyType[str, FieldSpec] = MappingProxyType({f.name: f for f in _DERIVED})
#: The fields a rule condition may name at its top level.
CONDITION_FIELDS: MappingProxyType[str, FieldSpec] = MappingProxyType(
    {**INTAKE_FIELDS, **DERIVED_FIELDS}
)


def field_spec(name: str) -> FieldSpec | None:
    """The spec of a top-level or derived field, or of an item field written ``list.item``."""
    list_name, _, item_name = name.partition(".")
    spec = CONDITION_FIELDS.get(list_name)
    if spec is not None and item_name:
        return spec.item(item_name)
    return spec


def field_label(name: str) -> str:
    """The human label of a field (``"cold_sore_history"`` -> ``"Cold sore history"``).

    Item fields are named ``list.item`` (``"recent_procedures.days_ago"``); an unknown name is
    returned as it is.
    """
    spec = field_spec(name)
    return spec.label if spec is not None else name


def value_label(field: str, value: object) -> str:
    """The human label of a field's answer: enum labels, yes/no for booleans, no answer for null."""
    if value is None:
        return "no answer"
    if isinstance(value, bool):
        return "yes" if value else "no"
    spec = field_spec(field)
    if spec is not None and isinstance(value, str):
        return dict(spec.choices).get(value, value)
    return str(value)
