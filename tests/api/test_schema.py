"""The OpenAPI description: served, true to the answers (schemathesis), docs without a CDN."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.support import new_key
from tests.conftest import make_member
from tests.records.factories import make_screening

EXAMPLES_PER_ENDPOINT = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.django_db
def test_the_schema_lists_every_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/evaluate", "/api/v1/screenings", "/api/v1/screenings/{screening_id}"} <= set(
        paths
    )


@pytest.mark.django_db
def test_the_docs_page_loads_only_our_own_files(client):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    assert "<script>" not in page  # no inline script: the CSP allows only 'self'


@pytest.fixture
def in_process_app():
    """The WSGI app in this thread and this test's transaction (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_generated_request_gets_a_server_error_or_an_answer_off_the_schema(
    clinic, in_process_app
):
    make_screening(clinic=clinic, practitioner=make_member(clinic, "practitioner"))
    _, key = new_key(clinic)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_ENDPOINT,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

        check()
