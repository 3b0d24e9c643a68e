"""A cursor for the few hand-written statements on the hot paths: every request, every API call,
every submit."""

import functools

from django.db import DEFAULT_DB_ALIAS, connections


def prepared_cursor():
    """On PostgreSQL, a cursor that binds values on the server, so that the connection plans each
    statement once and then only runs it (prepare_threshold, settings.py): planning the session
    and user reads, the rate count, the rules in use, a screening's insert, the draft's closing
    and the audit append on every request took more of PostgreSQL's time than running them.
    Elsewhere Django's own cursor."""
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: each `connection.x` looks it up again
    if db.vendor != "postgresql":
        return db.cursor()
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        return db._prepare_cursor(_server_binding_cursor()(db.connection))


@functools.cache
def _server_binding_cursor():
    """Django's server-binding cursor class, made to keep each statement it runs prepared, as it
    keeps the others: Django's query log (connection.queries, the tests' query captures) reads
    the statement from there, and would show None for a prepared one."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def _send_query_prepared(self, name, pgq, **options):
            self._query = pgq
            super()._send_query_prepared(name, pgq, **options)

    return PreparedCursor
