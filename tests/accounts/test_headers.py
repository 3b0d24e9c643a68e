"""Permissions-Policy and the CSP on every response, and the CSP report endpoint."""

import json
import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse

REPORT = reverse("csp_report")


def assert_protected(response):
    policy = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in policy
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_carry_both_policies_and_name_the_report_endpoint(client):
    response = client.get(reverse("login"))
    assert_protected(response)
    assert f"report-uri {REPORT}" in response["Content-Security-Policy"]


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_carry_both_policies():
    response = Client().get("/static/js/consultation.js")
    assert response.status_code == 200
    assert_protected(response)


def test_the_400_for_an_unknown_host_carries_both_policies(db):
    response = Client().get("/", HTTP_HOST="evil.example.org")
    assert response.status_code == 400
    assert_protected(response)


def post_report(client, body, content_type="application/csp-report"):
    return client.post(REPORT, body, content_type=content_type)


def test_a_report_is_logged_without_query_strings(db, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://screening.example.org/records/?search=abc123",
            "violated-directive": "script-src-elem",
            "blocked-uri": "https://cdn.example.com/x.js?token=secret",
        }
    }
    csrf_checked = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="screening.csp"):
        response = post_report(csrf_checked, json.dumps(report))

    assert response.status_code == 204
    assert "https://cdn.example.com/x.js" in caplog.text
    assert "script-src-elem" in caplog.text
    assert "secret" not in caplog.text and "abc123" not in caplog.text


def test_reporting_api_lists_are_read_too(db, caplog):
    body = [{"type": "csp-violation", "body": {"blockedURL": "inline", "documentURL": "/x/"}}]
    with caplog.at_level(logging.WARNING, logger="screening.csp"):
        response = post_report(Client(), json.dumps(body), "application/reports+json")
    assert response.status_code == 204
    assert "inline" in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[" * 5000 + b"]" * 5000,
        b'{"csp-report": "a string"}',
        b'{"csp-report": {"blocked-uri": ["a", {"b": 1}], "document-uri": 12}}',
        b'[1, "two", null, {"body": 3}]',
        b'{"csp-report": {"blocked-uri": "http://[::1"}}',
        b'{"csp-report": {"blocked-uri": "\\u0000\\ud800"}}',
        b"1e999999",
    ],
)
def test_junk_never_gives_a_server_error(db, body):
    assert post_report(Client(), body).status_code == 204


def test_an_oversized_report_is_refused_unread(db):
    assert post_report(Client(), b"x" * 70_000).status_code == 413


@override_settings(RATE_LIMITS={"csp_report": (3, 60)})
def test_reports_are_rate_limited_per_address(db):
    client = Client()
    statuses = [post_report(client, b"{}").status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert post_report(Client(REMOTE_ADDR="198.51.100.4"), b"{}").status_code == 204
