"""Tests only: the database's refusal of changes to immutable rows, switched off for a moment.

Used to empty tables between transactional tests and to tamper with records on purpose. The
application has no such switch (see screening/immutable.py).
"""

import contextlib

import pgtrigger
from django.db import connection as default_connection

_SQLITE_TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_refuse\\_%' "
    "ESCAPE '\\'"
)


@contextlib.contextmanager
def triggers_off(connection=None):
    """Let UPDATE and DELETE through the immutability triggers inside the block."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        with pgtrigger.ignore():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_TRIGGERS)
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
