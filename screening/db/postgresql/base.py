"""Django's PostgreSQL backend, with a health check that asks the server only when it spoke.

settings.py selects it for a PostgreSQL DATABASE_URL; everything but `is_usable` is Django's.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Whether the kept connection still works (CONN_HEALTH_CHECKS asks before each request's
        first query).

        Django asks the server with SELECT 1: a round trip on every request that reads the
        database (about 0.1 ms on the development machine). An idle connection has nothing to
        read unless the server ended it (a restart or a terminated session sends its reason, then
        closes the socket), so the server is asked only when something is waiting to be read."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        idle = connection.info.transaction_status == TransactionStatus.IDLE
        if idle and not _readable(connection.fileno()):
            return True
        return super().is_usable()


def _readable(fd: int) -> bool:
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))
