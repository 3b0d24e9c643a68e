"""Waits in days and in calendar months (PRECAUTIONS.md section 0, rule 8).

A wait in months is counted in calendar months: six months after 15 March is 15 September, and a
day the month does not have (31 February) becomes its last day. A month is never a fixed number of
days, except for the fraction of an answer like "stopped 4.5 months ago", which is that share of
30.44 days, rounded towards the screening day so that a wait never ends early.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math

WAIT_UNITS = ("days", "months")
# The screening days a decision can be computed for: waits are counted back and on from them.
EARLIEST_DAY, LATEST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
DAYS_PER_MONTH_FRACTION = 30.44
# The waits of a screening day repeat across screenings (the same waits and answers): the calendar
# arithmetic of each is done once. A wait depends on its arguments alone.
WAITS_CACHED = 4096


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (or earlier when negative), or the month's
    last day when it is shorter."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def add_wait(day: datetime.date, length: int, unit: str) -> datetime.date:
    """The day a wait of ``length`` (in ``unit``) that started on ``day`` ends."""
    if unit == "months":
        return add_months(day, length)
    return day + datetime.timedelta(days=length)


def _split_months(months: float) -> tuple[int, int]:
    """Whole calendar months and the days of the fraction (rounded down: towards today)."""
    whole = math.floor(months)
    # round() first, so 2.3 - 2 = 0.29999... does not lose a day to floating point.
    fraction_days = math.floor(round((months - whole) * DAYS_PER_MONTH_FRACTION, 6))
    return whole, fraction_days


def months_before(on: datetime.date, months: float) -> datetime.date:
    """The day of an event ``months`` ago ("stopped 4.5 months ago")."""
    whole, fraction_days = _split_months(months)
    return add_months(on, -whole) - datetime.timedelta(days=fraction_days)


def days_left(on: datetime.date, ends: datetime.date) -> int:
    """Days from the screening day to the end of a wait that fired (at least 1)."""
    return max(1, (ends - on).days)


@functools.lru_cache(WAITS_CACHED)
def wait_from_months_ago(on: datetime.date, months: float, length: int, unit: str) -> int:
    """Days to wait, for a wait of ``length`` ``unit`` counted from an event ``months`` ago.

    For a wait in months, the later of two readings: ``length`` months after the day of the event,
    and the months still to go counted from today (so "stopped 4 months ago" with a 6-month wait
    is 2 months from today even when the day of the event does not exist in its month).
    """
    ends = add_wait(months_before(on, months), length, unit)
    if unit == "months":
        whole, fraction_days = _split_months(months)
        from_today = add_months(on, length - whole) - datetime.timedelta(days=fraction_days)
        ends = max(ends, from_today)
    return days_left(on, ends)


@functools.lru_cache(WAITS_CACHED)
def wait_from_days_ago(on: datetime.date, days: int, length: int, unit: str) -> int:
    """Days to wait, for a wait of ``length`` ``unit`` counted from an event ``days`` ago."""
    return days_left(on, add_wait(on - datetime.timedelta(days=days), length, unit))


@functools.lru_cache(WAITS_CACHED)
def wait_from_today(on: datetime.date, length: int, unit: str) -> int:
    """Days to wait, for a wait counted from the screening day."""
    if unit == "days":
        return length
    return days_left(on, add_wait(on, length, unit))
