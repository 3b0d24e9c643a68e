"""A kept PostgreSQL connection is checked before each request's first query without a round
trip, and a connection the server ended is still found unusable (then Django opens a new one)."""

import time

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the check belongs to its backend (CI's second pass)")
    kept = connections.create_connection("default")
    kept.ensure_connection()
    yield kept
    kept.close()


def test_a_working_connection_is_found_usable_without_asking_the_server(
    second_connection, monkeypatch
):
    asked = []
    monkeypatch.setattr(second_connection.connection, "execute", lambda *a, **k: asked.append(a))
    assert second_connection.is_usable()
    assert asked == []


def test_a_connection_the_server_ended_is_found_unusable(second_connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(%s)", [second_connection.connection.info.backend_pid]
        )
    deadline = time.monotonic() + 5
    while second_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye takes a moment to arrive
    assert not second_connection.is_usable()
    second_connection.close()
    second_connection.ensure_connection()  # and a new one works
    assert second_connection.is_usable()
