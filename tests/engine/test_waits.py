"""Waits in calendar months (PRECAUTIONS.md section 0, rule 8), through the decision JSON."""

from __future__ import annotations

import datetime

import pytest

from screening.engine import validate_rule
from tests.engine.support import intake, procedure, rule, rule_set, when

ISOTRETINOIN = rule_set(
    rule(
        "ISOTRETINOIN_RECENT",
        "postpone",
        when("isotretinoin_last_dose_months_ago", "lt", 6),
        when("medication_classes", "contains", "isotretinoin_oral"),
        kind="any",
        wait_days=6,
        wait_unit="months",
        wait_from="isotretinoin_last_dose_months_ago",
    )
)


def rescreen(rules, on: str, **changes) -> tuple[str, int]:
    day = datetime.date.fromisoformat(on)
    decision = rules.evaluate(intake(**changes), on=day)
    [finding] = decision["findings"]
    days = finding["rescreen_after_days"]
    assert decision["rescreen_after"] == (day + datetime.timedelta(days=days)).isoformat()
    return decision["rescreen_after"], days


@pytest.mark.parametrize(
    ("on", "months_ago", "expected"),
    [
        ("2026-03-15", 0, "2026-09-15"),  # six months after 15 March is 15 September
        ("2026-07-15", 4, "2026-09-15"),  # stopped 15 March
        ("2026-08-31", 0, "2027-02-28"),  # 31 February is the last day of February
        ("2027-08-31", 0, "2028-02-29"),  # in a leap year, the 29th
        ("2028-02-29", 0, "2028-08-29"),
        # 31 March less one month is 28 February, whose six months end on 28 August; five months
        # from 31 March end later, on 31 August: the wait never ends early.
        ("2026-03-31", 1, "2026-08-31"),
        # 4.5 months: 4 calendar months and 15 days (0.5 x 30.44 = 15.22) before 1 June is
        # 17 January; six months later is 17 July.
        ("2026-06-01", 4.5, "2026-07-17"),
        # 0.99 x 30.44 = 30.14 days, rounded towards the screening day: stopped 2 May, not 1 May.
        ("2026-06-01", 0.99, "2026-11-02"),
        # 2.3 months is 2 months and 9 days (0.3 x 30.44 = 9.13) before 1 June: 23 March.
        ("2026-06-01", 2.3, "2026-09-23"),
    ],
)
def test_it_counts_a_month_wait_in_calendar_months_from_the_last_dose(on, months_ago, expected):
    day, _ = rescreen(ISOTRETINOIN, on, isotretinoin_last_dose_months_ago=months_ago)
    assert day == expected


def test_a_month_wait_is_not_a_fixed_number_of_days():
    _, from_march = rescreen(ISOTRETINOIN, "2026-03-01", isotretinoin_last_dose_months_ago=0)
    _, from_september = rescreen(ISOTRETINOIN, "2026-09-01", isotretinoin_last_dose_months_ago=0)
    assert (from_march, from_september) == (184, 181)


def test_a_drug_listed_counts_the_full_months_from_the_screening_day():
    day, _ = rescreen(ISOTRETINOIN, "2026-08-31", medications=["Accutane"])
    assert day == "2027-02-28"


def test_a_month_wait_without_an_event_counts_from_the_screening_day():
    rules = rule_set(
        rule(
            "SUNBURN_OR_TAN",
            "postpone",
            when("sunburn_in_area_last_14_days", "equals", True),
            wait_days=1,
            wait_unit="months",
        )
    )
    assert rescreen(rules, "2026-01-31", sunburn_in_area_last_14_days=True) == ("2026-02-28", 28)
    assert rescreen(rules, "2028-01-31", sunburn_in_area_last_14_days=True) == ("2028-02-29", 29)


def test_a_month_wait_counts_from_a_procedure_days_ago():
    rules = rule_set(
        rule(
            "RECENT_PROCEDURE",
            "postpone",
            when(
                "recent_procedures",
                "any_item",
                {"all": [when("type", "equals", "dermal_filler"), when("days_ago", "lt", 200)]},
            ),
            wait_days=6,
            wait_unit="months",
            wait_from="recent_procedures.days_ago",
        )
    )
    filler = procedure("dermal_filler", 10)  # 22 May
    day, _ = rescreen(rules, "2026-06-01", recent_procedures=[filler])
    assert day == "2026-11-22"


def test_a_day_wait_stays_in_days():
    rules = rule_set(
        rule(
            "SUNBURN_OR_TAN",
            "postpone",
            when("sunburn_in_area_last_14_days", "equals", True),
            wait_days=30,
        )
    )
    assert rescreen(rules, "2026-01-31", sunburn_in_area_last_14_days=True) == ("2026-03-02", 30)


def test_it_refuses_an_unknown_wait_unit_naming_the_key():
    spec = rule("SUNBURN_OR_TAN", "postpone", when("pregnant", "equals", True), wait_days=2)
    data = {**spec.to_dict(), "wait_unit": "weeks"}
    [problem] = validate_rule(data, class_codes=())
    assert problem.part == "wait_unit"
    assert "'days', 'months'" in problem.message
