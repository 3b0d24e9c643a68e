"""A cursor for the few hand-written statements that every API call runs."""

from django.db import DEFAULT_DB_ALIAS, connections


def prepared_cursor():
    """On PostgreSQL, a cursor that binds values on the server, so that the connection plans each
    statement once and then only runs it (prepare_threshold, settings.py): planning the rate
    count, the rules in use and the audit append on every call took more of PostgreSQL's time
    than running them. Elsewhere Django's own cursor."""
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: each `connection.x` looks it up again
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(ServerBindingCursor(db.connection))
