"""The order of the consultation: six sections, their questions and follow-ups, and the
crispy-forms layout drawn from them."""

from crispy_forms.layout import Div, Fieldset, Layout

from .questions import FollowUp, Rows, Section, SideBySide
from .rendering import HTML

INFECTION_ROWS = Rows("active_infections", 4, "infection", ("type", "in_treatment_area"))
PRODUCT_ROWS = Rows("topical_products", 6, "product", ("name", "last_used_days_ago"))
PROCEDURE_ROWS = Rows(
    "recent_procedures", 6, "procedure", ("type", "days_ago", "in_treatment_area")
)
ROW_EDITORS = (INFECTION_ROWS, PRODUCT_ROWS, PROCEDURE_ROWS)

# What a partly filled row still needs, by column.
ROW_MISSING = {
    "type": "choose the type",
    "in_treatment_area": "say whether it is in or next to the treatment area",
    "name": "enter the product's name",
    "last_used_days_ago": "enter the days since it was last used (0 for today or daily)",
    "days_ago": "enter how many days ago it was done (0 for today)",
}

SECTIONS = (
    Section(
        "client",
        "Client and treatment",
        (
            SideBySide(("client_name", "client_date_of_birth", "client_reference")),
            "treatment_areas",
            "treatment_goal",
            "fitzpatrick_type",
        ),
        short="Client",
    ),
    Section(
        "infection",
        "Infection and skin today",
        (
            "has_active_infections",
            FollowUp(
                "has_active_infections",
                ("yes",),
                (INFECTION_ROWS,),
                intro="If yes: list each infection, and whether it is in or next to the "
                "treatment area.",
                keep_filled=True,
            ),
            "unwell_or_fever_today",
            "cold_sore_history",
            "antiviral_prophylaxis_arranged",
            "open_wounds_in_area",
            "sunburn_in_area_last_14_days",
            "tanning_in_area_last_14_days",
            "tattoo_or_pmu_in_area",
            "suspicious_lesion_in_area",
        ),
        short="Infection",
    ),
    Section(
        "skin",
        "Skin conditions",
        (
            "acne_in_area",
            "eczema",
            "psoriasis",
            "rosacea",
            "has_other_skin_conditions",
            FollowUp(
                "has_other_skin_conditions", ("yes",), ("other_skin_conditions",), keep_filled=True
            ),
            "skin_cancer_history",
        ),
        short="Skin",
    ),
    Section(
        "pigment",
        "Pigment and autoimmune",
        (
            "history_of_pih",
            "has_vitiligo",
            FollowUp("has_vitiligo", ("yes",), ("vitiligo_status",)),
            "vitiligo_family_history",
            "previous_depigmentation",
            "has_autoimmune_conditions",
            FollowUp(
                "has_autoimmune_conditions", ("yes",), ("autoimmune_conditions",), keep_filled=True
            ),
        ),
        short="Pigment",
    ),
    Section(
        "health",
        "Healing and general health",
        (
            "keloid_or_hypertrophic_scarring",
            "bleeding_disorder",
            "diabetes",
            FollowUp("diabetes", ("type1", "type2"), ("diabetes_well_controlled",)),
            "immunodeficiency_or_transplant",
            "chemotherapy_or_radiotherapy",
            "radiotherapy_to_treatment_area_ever",
            "cardiac_condition_or_implanted_device",
            "pregnant",
            "breastfeeding",
        ),
        short="Health",
    ),
    Section(
        "medicines",
        "Medicines, skincare, allergies and procedures",
        (
            "takes_medications",
            FollowUp("takes_medications", ("yes",), ("medications",), keep_filled=True),
            "isotretinoin_ever",
            FollowUp(
                "isotretinoin_ever",
                ("yes",),
                (
                    "isotretinoin_taking_now",
                    FollowUp("isotretinoin_taking_now", ("no",), ("isotretinoin_months_ago",)),
                ),
            ),
            "uses_topical_products",
            FollowUp(
                "uses_topical_products",
                ("yes",),
                (PRODUCT_ROWS,),
                intro="If yes: list each product, and how many days ago it was last used.",
                keep_filled=True,
            ),
            "has_allergies",
            FollowUp("has_allergies", ("yes",), ("allergies", "allergy_details"), keep_filled=True),
            "had_recent_procedures",
            FollowUp(
                "had_recent_procedures",
                ("yes",),
                (PROCEDURE_ROWS,),
                intro="If yes: list each procedure, how many days ago, and whether it was in or "
                "next to the treatment area.",
                keep_filled=True,
            ),
        ),
        short="Medicines",
    ),
)

#: Every question of the form, in the order it is asked.
FIELD_NAMES = tuple(name for section in SECTIONS for name in section.field_names)


def checked_name(key: str) -> str:
    """The name of a review's "Checked with the client" tick box for section `key`."""
    return f"checked_section_{key}"


#: The review's tick boxes, kept with the answers so that a reload keeps them too.
REVIEW_TICKS = tuple(checked_name(section.key) for section in SECTIONS)


def consultation_layout(none_answers: dict[str, dict[str, str]]) -> Layout:
    """Each section a fieldset (`section-<key>`), follow-ups wrapped with `data-show-when`.

    `none_answers` gives, by section key, the answer "None of these apply" gives each of its
    questions; a section with some gets the button. The button's address is the template's
    `save_url`: without script it posts the answers there, which fills them in and comes back.
    """
    return Layout(
        *(_section_layout(n, s, none_answers.get(s.key)) for n, s in enumerate(SECTIONS, 1)),
        "none_applied",
    )


def _section_layout(number: int, section: Section, none_answers: dict | None) -> Fieldset:
    return Fieldset(
        f"{number}. {section.title}",
        # A review of the client's answers shows theirs for the section here (intake/review.py).
        HTML(f'{{% include "intake/_review_section.html" with key="{section.key}" %}}'),
        *([_none_apply(section, none_answers)] if none_answers else []),
        *_layout_items(section.items),
        css_id=f"section-{section.key}",
        css_class="consultation-section",
    )


def _none_apply(section: Section, none_answers: dict[str, str]) -> HTML:
    answers = " ".join(f"{name}={value}" for name, value in none_answers.items())
    key = section.key
    return HTML(
        f'<div class="none-apply">'
        f'<button type="submit" class="btn btn-outline-primary none-apply-button" '
        f'name="apply_none" value="{key}" formaction="{{{{ save_url }}}}" formnovalidate '
        f'data-none-answers="{answers}" aria-describedby="none-apply-{key}-help">'
        f"None of these apply</button>"
        f'<p class="form-text mb-0" id="none-apply-{key}-help">Answers No or None to each '
        f"question below that has no answer yet. Change any that does apply.</p>"
        f'<p class="none-apply-status mb-0" id="none-apply-{key}-status" role="status"></p>'
        f"</div>"
    )


def _layout_items(items):
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, Rows):
            yield from _rows_layout(item)
        elif isinstance(item, SideBySide):
            yield Div(*(Div(name, css_class="col-md") for name in item.items), css_class="row")
        else:
            yield _follow_up_layout(item)


def _follow_up_layout(follow_up: FollowUp) -> Div:
    attrs = {"data_show_when": f"{follow_up.gate}={','.join(follow_up.values)}"}
    if follow_up.keep_filled:
        attrs["data_keep_filled"] = "true"
    intro = [HTML(f'<p class="follow-up-intro">{follow_up.intro}</p>')] if follow_up.intro else []
    return Div(*intro, *_layout_items(follow_up.items), css_class="follow-up", **attrs)


def _rows_layout(rows: Rows):
    for row in range(1, rows.count + 1):
        columns = [Div(name, css_class="col-md") for name in rows.row_fields(row)]
        yield Fieldset(
            f"{rows.noun.capitalize()} {row}",
            Div(*columns, css_class="row"),
            css_class="item-row",
        )
