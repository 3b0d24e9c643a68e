"""The order of the consultation: six sections, their questions and follow-ups, and the
crispy-forms layout drawn from them."""

import dataclasses
import functools
import re
from collections.abc import Mapping

from crispy_forms.layout import Div, Fieldset, Layout

from .questions import FollowUp, Rows, Section, SideBySide
from .rendering import HTML

INFECTION_ROWS = Rows("active_infections", 4, "infection", ("type", "in_treatment_area"))
PRODUCT_ROWS = Rows("topical_products", 6, "product", ("name", "last_used_days_ago"))
PROCEDURE_ROWS = Rows(
    "recent_procedures", 6, "procedure", ("type", "days_ago", "in_treatment_area")
)
ROW_EDITORS = (INFECTION_ROWS, PRODUCT_ROWS, PROCEDURE_ROWS)
# The `apply_none` of the button that answers every section's unanswered questions at once.
ALL_SECTIONS = "all"
# A list grows past its rows one row at a time (see `row_counts`), up to this many rows; a record
# listing more cannot be corrected through the form.
MOST_ROWS = 30
_ROW_PREFIXES = tuple(f"{rows.name}_" for rows in ROW_EDITORS)
_ROW_ANSWER = re.compile(
    rf"({'|'.join(rows.name for rows in ROW_EDITORS)})_([1-9][0-9]?)_([a-z_]+)"
)

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
            # Skincare on the area plans the treatment: asked here, not among the health
            # sections that "None of these apply" answers.
            "uses_topical_products",
            FollowUp(
                "uses_topical_products",
                ("yes",),
                (PRODUCT_ROWS,),
                intro="If yes: list each product, and how many days ago it was last used.",
                keep_filled=True,
            ),
        ),
        short="Client",
        none_apply=False,
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
        "Medicines, allergies and procedures",
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


def row_counts(answers: Mapping[str, object]) -> tuple[int, ...]:
    """The rows each list of `ROW_EDITORS` shows for these answers (a form's data or initial):
    its usual count, or when the answers fill those, one empty row after the last one filled."""
    counts = {rows.name: rows.count for rows in ROW_EDITORS}
    for name, value in answers.items():
        found = name.startswith(_ROW_PREFIXES) and _ROW_ANSWER.fullmatch(name)
        if found and _given(value):
            list_name, row = found[1], int(found[2])
            counts[list_name] = min(MOST_ROWS, max(counts[list_name], row + 1))
    return tuple(counts.values())


def _given(value: object) -> bool:
    values = value if isinstance(value, list | tuple) else [value]
    return any(str(item).strip() for item in values if item is not None)


@functools.lru_cache(maxsize=32)
def rows_with_counts(counts: tuple[int, ...]) -> tuple[Rows, ...]:
    """`ROW_EDITORS` with each list's rows counted as `counts` (in their order)."""
    return tuple(
        dataclasses.replace(rows, count=count)
        for rows, count in zip(ROW_EDITORS, counts, strict=True)
    )


@functools.lru_cache(maxsize=32)
def sections_with_rows(counts: tuple[int, ...]) -> tuple[Section, ...]:
    """`SECTIONS` with each list's rows counted as `counts` (in the order of `ROW_EDITORS`)."""
    resized = dict(zip(ROW_EDITORS, rows_with_counts(counts), strict=True))

    def items_of(items):
        return tuple(
            resized.get(item, item)
            if isinstance(item, Rows)
            else dataclasses.replace(item, items=items_of(item.items))
            if isinstance(item, FollowUp)
            else item
            for item in items
        )

    return tuple(
        dataclasses.replace(section, items=items_of(section.items)) for section in SECTIONS
    )


def field_names(sections: tuple[Section, ...]) -> tuple[str, ...]:
    """Every question of these sections, in the order it is asked."""
    return tuple(name for section in sections for name in section.field_names)


#: Every question of the form with each list's usual rows, in the order it is asked.
FIELD_NAMES = field_names(SECTIONS)
#: The questions of every row a list can grow to.
ALL_ROW_NAMES = tuple(
    name for rows in rows_with_counts((MOST_ROWS,) * len(ROW_EDITORS)) for name in rows.field_names
)


def checked_name(key: str) -> str:
    """The name of a review's "Checked with the client" tick box for section `key`."""
    return f"checked_section_{key}"


#: The review's tick boxes, kept with the answers so that a reload keeps them too.
REVIEW_TICKS = tuple(checked_name(section.key) for section in SECTIONS)


def consultation_layout(
    none_answers: dict[str, dict[str, str]], sections: tuple[Section, ...] = SECTIONS
) -> Layout:
    """Each section a fieldset (`section-<key>`), follow-ups wrapped with `data-show-when`.

    `none_answers` gives, by section key, the answer "None of these apply" gives each of its
    questions; a section with some gets the button. The button's address is the template's
    `save_url`: without script it posts the answers there, which fills them in and comes back.
    One more button, before the first of those sections, does what all of theirs do; it shows
    only on a page that sets `none_for_all`.
    """
    parts = [_section_layout(n, s, none_answers.get(s.key)) for n, s in enumerate(sections, 1)]
    first = next(n for n, s in enumerate(sections) if s.key in none_answers)
    parts.insert(first, _none_for_all(none_answers))
    return Layout(*parts, "none_applied", "none_applied_all")


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


def _none_for_all(none_answers: dict[str, dict[str, str]]) -> HTML:
    # Only where the practitioner asks the questions aloud (a review of systems, all negative
    # but for what is said): a client skimming their own form answers section by section.
    answers = " ".join(f"{n}={v}" for key in none_answers for n, v in none_answers[key].items())
    return HTML(
        "{% if none_for_all %}"
        '<div class="none-apply none-apply-all" id="none-apply-all">'
        f'<button type="submit" class="btn btn-outline-primary none-apply-button" '
        f'name="apply_none" value="{ALL_SECTIONS}" formaction="{{{{ save_url }}}}" formnovalidate '
        f'data-none-answers="{answers}" aria-describedby="none-apply-all-help">'
        "None of these apply in any section below</button>"
        '<p class="form-text mb-0" id="none-apply-all-help">Answers No or None to each question '
        "below that has no answer yet, as each section's own button does. Check them with the "
        "client and change any that does apply.</p>"
        '<p class="none-apply-status mb-0" id="none-apply-all-status" role="status"></p>'
        "</div>{% endif %}"
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
    if any(isinstance(item, Rows) for item in follow_up.items):
        attrs["data_most_rows"] = str(MOST_ROWS)  # the page's script adds rows up to this
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
