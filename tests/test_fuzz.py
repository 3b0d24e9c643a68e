"""Generated junk to every page, JSON endpoint and command: no 5xx, no traceback (bounded)."""

import pytest

from screening.devtools import fuzzing

pytestmark = pytest.mark.django_db

EXAMPLES = 100  # manage.py fuzz --examples N runs more, outside the suite
# The odd values every field of every form gets; manage.py fuzz also sends the long ones.
ODD_VALUES = [b"a\x00b", b"\xed\xa0\x80", b'["\\ud800"]', fuzzing.DEEP_LIST.encode(), b"1" * 5000]


def test_routes_are_discovered_from_the_urlconf():
    found = {route for route, _ in fuzzing.routes()}

    assert "/consultations/{token}/save/" in found
    assert "/consultations/corrections/{pk}/" in found
    assert "/rules/scenarios/new/" in found
    assert not any(route.startswith("/admin/") for route in found)


def test_no_generated_input_gives_a_5xx_or_a_traceback():
    report = fuzzing.run(EXAMPLES, odd_values=ODD_VALUES)

    assert report.failures == []
    # Every address opened by every role, every form given each odd value, then the examples.
    assert report.tried > EXAMPLES + 200
    # The run reached pages and forms, not just refusals at the door.
    assert report.statuses[200] > 100
    assert report.statuses[422] + report.statuses[400] > 0
