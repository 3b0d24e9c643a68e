"""A saved intake shown in the consultation form gives back the same intake: corrections start
from the record's answers exactly."""

import datetime
import json
from pathlib import Path

import pytest

from screening.intake.answers import answers_from_intake
from screening.intake.forms import IntakeForm, answers_as_post
from tests.engine.baseline import BASELINE

SCENARIOS = json.loads((Path(__file__).parents[2] / "fixtures/scenarios_v1.json").read_text())
CLIENT = {"name": "Ada Lovelace", "date_of_birth": "1992-06-01", "reference": None}
DAY = datetime.date(2026, 11, 23)


def described_only(intake):
    return intake["allergy_details"].strip() and not intake["allergies"]


def intakes():
    yield "baseline", BASELINE
    for scenario in SCENARIOS["scenarios"]:
        yield scenario["name"], scenario["intake"]


# A reaction described without its allergy ticked cannot be given back: see the last test.
SHOWABLE = [(name, intake) for name, intake in intakes() if not described_only(intake)]


@pytest.mark.parametrize(("name", "intake"), SHOWABLE, ids=[name for name, _ in SHOWABLE])
def test_the_form_filled_with_an_intake_gives_it_back(name, intake):
    form = IntakeForm(answers_as_post(answers_from_intake({**intake, "client": CLIENT})), today=DAY)

    assert form.is_valid(), (name, form.errors)
    given = form.to_intake()
    assert given["client"] == CLIENT
    assert {k: v for k, v in given.items() if k not in ("client", "client_age_years")} == {
        k: v for k, v in intake.items() if k != "client_age_years"
    }


def test_a_reaction_described_without_its_allergy_asks_for_one_and_keeps_the_words():
    intake = next(i for _, i in intakes() if described_only(i))

    form = IntakeForm(answers_as_post(answers_from_intake({**intake, "client": CLIENT})), today=DAY)

    assert form.errors == {
        "allergies": ["Allergies: you answered Yes; add at least one, or answer No."]
    }
    assert form["allergy_details"].value() == intake["allergy_details"]
