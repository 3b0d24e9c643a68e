"""Generated junk to every page, JSON endpoint and command: no 5xx, no traceback (bounded)."""

import pytest

from screening.devtools import fuzzing

pytestmark = pytest.mark.django_db

EXAMPLES = 200  # manage.py fuzz --examples N runs more, outside the suite


def test_routes_are_discovered_from_the_urlconf():
    found = {route for route, _ in fuzzing.routes()}

    assert "/consultations/{token}/save/" in found
    assert "/records/screenings/{pk}/amend/" in found
    assert "/rules/scenarios/new/" in found
    assert not any(route.startswith("/admin/") for route in found)


def test_no_generated_input_gives_a_5xx_or_a_traceback():
    report = fuzzing.run(EXAMPLES)

    assert report.failures == []
    # Every address opened by every role, every form given each odd value, then the examples.
    assert report.tried > EXAMPLES + 300
    # The run reached pages and forms, not just refusals at the door.
    assert report.statuses[200] > 100
    assert report.statuses[422] + report.statuses[400] > 0
