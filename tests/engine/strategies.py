"""Hypothesis strategies for valid intakes, built from the schema itself."""

from __future__ import annotations

from hypothesis import strategies as st

from screening.engine import INTAKE_FIELDS
from tests.engine.support import NAMES

DOSES = ["", " 20 mg", " 15mg weekly", " 0.025%", " 2 x daily", " 500mcg", " 1000mg capsules"]
MISSPELT = ["warfrin", "Eliqus", "Acutane", "methotrexat", "retinoll", "asprin"]

# Text that can be stored: no NUL, no lone surrogate (those are refused, see test_cleaning.py).
storable = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")

medication_texts = st.one_of(
    st.builds(
        lambda name, dose: name + dose,
        st.sampled_from([n for n, _, _ in NAMES]),
        st.sampled_from(DOSES),
    ),
    st.sampled_from(MISSPELT),
    st.text(storable, max_size=25),
)
product_names = st.one_of(
    st.sampled_from(
        ["Retin-A 0.025%", "retinol serum", "CeraVe moisturising cream", "isotretinoin gel"]
    ),
    st.text(storable, min_size=1, max_size=25).filter(str.strip),
)


def _value(spec):
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "integer":
        return st.integers(min_value=spec.minimum or 0, max_value=spec.maximum or 400)
    if spec.type == "nullable_number":
        months = st.floats(min_value=0, max_value=30, allow_nan=False) | st.integers(0, 30)
        return st.none() | months
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "enum_list":
        size = 1 if spec.non_empty else 0
        return st.lists(st.sampled_from(spec.values), min_size=size, max_size=4, unique=True)
    if spec.type == "text":
        return product_names if spec.non_empty else st.text(storable, max_size=30)
    if spec.type == "text_list":
        return st.lists(medication_texts, max_size=4)
    if spec.type == "object_list":
        fields = {item.name: _value(item) for item in spec.items if not item.derived}
        return st.lists(st.fixed_dictionaries(fields), max_size=3)
    raise AssertionError(f"no strategy for {spec.type}")


_ANSWERS = st.fixed_dictionaries(
    {name: _value(spec) for name, spec in INTAKE_FIELDS.items() if spec.type != "nullable_bool"}
)


@st.composite
def intakes(draw) -> dict:
    """A valid intake: every field, with `diabetes_well_controlled` consistent with `diabetes`."""
    answers = draw(_ANSWERS)
    if answers["diabetes"] == "none":
        answers["diabetes_well_controlled"] = None
    else:
        answers["diabetes_well_controlled"] = draw(st.booleans())
    return {name: answers[name] for name in INTAKE_FIELDS}
