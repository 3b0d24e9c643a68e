import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from screening.accounts.middleware import LOGIN_AT_KEY, SEEN_AT_KEY
from tests.conftest import PASSWORD


def test_it_ends_idle_sessions_after_fifteen_minutes(client, practitioner):
    assert settings.SESSION_COOKIE_AGE == 15 * 60  # the stored session's own expiry, too
    client.force_login(practitioner)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SEEN_AT_KEY] = time.time() - 15 * 60 - 1
    session.save()

    response = client.get(reverse("home"))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_session_used_within_fifteen_minutes(client, practitioner):
    client.force_login(practitioner)
    session = client.session
    session[SEEN_AT_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert client.session[SEEN_AT_KEY] > time.time() - 60  # this request counted as activity
    assert client.get(reverse("home")).status_code == 200


def test_a_page_read_twice_a_minute_writes_the_session_once(client, practitioner):
    client.force_login(practitioner)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(reverse("home")).status_code == 200
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]
    assert len(updates) == 1


def test_each_request_reads_its_session_and_user_by_statements_planned_once(client, practitioner):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no prepared statements (CI's second pass)")
    client.force_login(practitioner)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert client.get(reverse("home")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('FROM "django_session"' in statement for statement in prepared)
    assert any('FROM "auth_user"' in statement for statement in prepared)
    logged = [q["sql"] for q in queries]
    assert all(logged), logged  # the query log still shows the prepared statements
    assert sum('FROM "django_session"' in sql for sql in logged) == 2  # read on every request


def test_a_signed_out_sessions_cookie_opens_nothing(client, practitioner):
    client.force_login(practitioner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    replayed = Client()
    replayed.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replayed.get(reverse("home"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_past_its_stored_expiry_opens_nothing(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("home")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_signs_out_a_session_older_than_twelve_hours(client, practitioner):
    client.force_login(practitioner)
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - 12 * 3600 - 1
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_recent_session(client, practitioner):
    client.post(reverse("login"), {"username": practitioner.username, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200


def test_it_locks_a_username_after_five_failed_logins(client, practitioner):
    for _ in range(5):
        client.post(reverse("login"), {"username": practitioner.username, "password": "wrong"})

    response = client.post(
        reverse("login"), {"username": practitioner.username, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_it_shows_a_clinician_404_page_without_debug_detail(client, practitioner):
    client.force_login(practitioner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We could not find that page or record" in response.content
    assert b"Traceback" not in response.content


def test_it_renders_the_500_page_without_a_stack_trace(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Traceback" not in response.content


def test_the_500_page_says_what_was_saved_and_what_to_do(rf):
    """During an outage the page cannot know the last save: it says where to find it."""
    from django.views.defaults import server_error

    page = server_error(rf.get("/")).content.decode()
    assert "answers that were autosaved before the problem are kept" in page
    assert "anything typed after that time may not be" in page
    assert "Not saved, retrying" in page
    assert "Pressing the button again makes only" in page
    assert "Nothing you entered in a consultation is lost" not in page
