"""Screenings at chosen times, for the list, history and comparison tests."""

import datetime
from unittest import mock

from django.utils import timezone

from tests.records.factories import make_screening

START = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))


def screening_at(when, **kwargs):
    """A screening whose created_at is `when` (auto_now_add reads timezone.now)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return make_screening(**kwargs)


def screenings_hourly(count, *, start=START, **kwargs):
    """`count` screenings an hour apart, oldest first."""
    return [screening_at(start + datetime.timedelta(hours=n), **kwargs) for n in range(count)]
