"""Django's database sessions, with the read that every signed-in request makes written as SQL.

Set as SESSION_ENGINE. Everything else (writing, expiry, sign-out deleting the row) is Django's:
a session is read from its row on every request, as before; only the ORM's building of that
query, most of the time of reading a session, is left out.
"""

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from screening.sql import prepared_cursor

_READ = (
    'SELECT "session_data" FROM "django_session" WHERE "session_key" = %s AND "expire_date" > %s'
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        expire_date = self.model._meta.get_field("expire_date")
        now = expire_date.get_db_prep_value(timezone.now(), connection=connection)
        with prepared_cursor() as cursor:
            cursor.execute(_READ, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a new session is made if one is saved
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
