"""A cursor for the few hand-written statements that every API call runs."""

from django.db import connection


def prepared_cursor():
    """On PostgreSQL, a cursor that binds values on the server, so that the connection plans each
    statement once and then only runs it (prepare_threshold, settings.py): planning the rate
    count, the rules in use and the audit append on every call took more of PostgreSQL's time
    than running them. Elsewhere Django's own cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))
