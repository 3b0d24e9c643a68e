"""POST /api/v1/evaluate: the decision `manage.py screen` prints, and 422 problem details."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from screening.api.models import ApiKey
from screening.audit.chain import verify
from screening.audit.models import AuditEvent
from screening.records.models import Screening
from tests.api.support import assert_problem, call, intake, new_key
from tests.conftest import audit_event_statements

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = json.loads((ROOT / "fixtures" / "scenarios_v1.json").read_text())["scenarios"]


def screen(tmp_path, data, *args):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("screen", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def key(clinic):
    return new_key(clinic, ["evaluate"])[1]


@pytest.mark.django_db
def test_it_gives_screens_decision_for_every_seeded_scenario(client, key, tmp_path):
    intakes = [scenario["intake"] for scenario in SCENARIOS]
    expected = screen(tmp_path, intakes, "--on", "2026-12-01", "--rule-set", "1")
    for one, decision in zip(intakes, expected, strict=True):
        response = call(client, "post", "/api/v1/evaluate?on=2026-12-01&rule_set=1", key, one)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == decision
    assert Screening.objects.count() == 0
    assert AuditEvent.objects.filter(action="evaluated").count() == len(intakes)


@pytest.mark.django_db
def test_it_counts_the_rescreen_date_from_the_given_day(client, key):
    body = intake(sunburn_in_area_last_14_days=True)
    decision = call(client, "post", "/api/v1/evaluate?on=2026-12-01", key, body).json()
    assert decision["outcome"] == "postpone"
    assert decision["rescreen_after"] == "2026-12-15"


@pytest.mark.django_db
def test_it_names_each_bad_field_as_in_the_intake(client, key):
    body = intake(eczema="flaring")
    del body["pregnant"]
    problem = assert_problem(call(client, "post", "/api/v1/evaluate", key, body), 422)
    fields = {error["field"] for error in problem["errors"]}
    assert {"eczema", "pregnant"} <= fields
    assert all(error["message"] for error in problem["errors"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("on=yesterday", "on"), ("rule_set=99", "rule_set"), ("rule_set=x", "rule_set")],
)
def test_it_names_a_bad_parameter(client, key, query, field):
    response = call(client, "post", f"/api/v1/evaluate?{query}", key, intake())
    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'"text"',
        b"\xff\xfe",
        b'{"client_age_years": "\\ud800"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"medications": [{"a": 1}], "client": 5}',
        b'{"active_infections": "yes"}',
    ],
)
def test_junk_gets_422_problem_details_never_a_server_error(client, key, raw):
    problem = assert_problem(call(client, "post", "/api/v1/evaluate", key, raw=raw), 422)
    assert problem["errors"] and all(error["field"] for error in problem["errors"])


@pytest.mark.django_db
def test_a_day_too_early_to_count_waits_back_from_is_named(client, key):
    """Schemathesis found it: a wait counted back from year 1 fell off the calendar (a 500)."""
    body = intake(isotretinoin_ever=True, isotretinoin_last_dose_months_ago=0.15)
    problem = assert_problem(call(client, "post", "/api/v1/evaluate?on=0001-01-02", key, body), 422)
    assert problem["errors"] == [
        {"field": "on", "message": "Give a day from 1900-01-01 to 2999-12-31."}
    ]


@pytest.mark.django_db
def test_a_call_is_one_statement_on_postgresql_once_the_key_is_known(
    client, key, django_assert_num_queries
):
    """The key counted only while unrevoked, the audit event, the rules in use: nothing else,
    and on PostgreSQL all in one statement."""
    assert call(client, "post", "/api/v1/evaluate", key, intake()).status_code == 200
    statements = 1 if connection.vendor == "postgresql" else 2 + audit_event_statements()
    with django_assert_num_queries(statements):
        response = call(client, "post", "/api/v1/evaluate", key, intake())
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="evaluated").count() == 2


@pytest.mark.django_db
def test_every_call_is_audited_whatever_its_answer(client, key):
    assert_problem(call(client, "post", "/api/v1/evaluate", key, {"pregnant": "maybe"}), 422)
    event = AuditEvent.objects.get(action="evaluated")
    assert event.object_id == ""  # the call, not a record
    assert event.clinic == ApiKey.objects.get().clinic


@pytest.mark.django_db
def test_a_key_revoked_after_use_fails_on_its_next_call(client, clinic):
    row, key = new_key(clinic, ["evaluate"])
    assert call(client, "post", "/api/v1/evaluate", key, intake()).status_code == 200
    # Revoked elsewhere (another server process, the page): nothing here is told of it.
    ApiKey.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    assert_problem(call(client, "post", "/api/v1/evaluate", key, intake()), 401)
    assert AuditEvent.objects.filter(action="evaluated").count() == 1


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no commit that waits or not (CI's second pass)")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("waits", [False, True])
def test_an_evaluate_call_waits_for_the_disk_only_when_set_to(
    client, clinic, seeded_rules, settings, waits
):
    postgresql_only()
    settings.EVALUATE_WAITS_FOR_DISK = waits
    key = new_key(clinic, ["evaluate"])[1]
    with CaptureQueriesContext(connection) as queries:
        assert call(client, "post", "/api/v1/evaluate", key, intake()).status_code == 200
    turned_off = "set_config('synchronous_commit', 'off', true)"
    assert any(turned_off in query["sql"] for query in queries) is not waits
    with connection.cursor() as cursor:  # the same connection: its next writes wait again
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    assert AuditEvent.objects.filter(action="evaluated").count() == 1
    assert verify().problems == []
