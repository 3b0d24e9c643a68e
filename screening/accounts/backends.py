"""Sign-in backend: Django's own, reading the signed-in user with their clinic in one query."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from screening.sql import prepared_cursor

from .models import Clinic, Membership


class MemberBackend(ModelBackend):
    """On every request the user, their membership and its clinic come in one joined query."""

    def get_user(self, user_id):
        if connection.vendor == "postgresql":
            user = _member_by_sql(user_id)
        else:
            users = get_user_model()._default_manager.select_related("membership__clinic")
            user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


_MEMBER = """
SELECT {columns} FROM "auth_user"
LEFT OUTER JOIN "accounts_membership" ON "accounts_membership"."user_id" = "auth_user"."id"
LEFT OUTER JOIN "accounts_clinic" ON "accounts_clinic"."id" = "accounts_membership"."clinic_id"
WHERE "auth_user"."id" = %s
"""


def _member_by_sql(user_id):
    """The user with their membership and its clinic, as `select_related` reads them, by SQL
    written once per process: building and compiling the ORM's join was most of the time of
    reading the user, on every request. PostgreSQL only: its driver gives each column the type
    its field holds, so the row needs none of Django's converters (SQLite's would)."""
    sql, models = _member_query()
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user, membership, clinic = _instances(row, models)
    if membership is not None:
        membership.user, membership.clinic = user, clinic
    get_user_model().membership.related.set_cached_value(user, membership)
    return user


@functools.cache
def _member_query() -> tuple[str, list]:
    """The SQL, and each model with the attribute names of its columns, in their order."""
    models = [
        (model, [field.attname for field in model._meta.concrete_fields])
        for model in (get_user_model(), Membership, Clinic)
    ]
    columns = ", ".join(
        f'"{model._meta.db_table}"."{field.column}"'
        for model, _names in models
        for field in model._meta.concrete_fields
    )
    return _MEMBER.format(columns=columns).strip(), models


def _instances(row, models) -> list:
    """An instance of each model from its columns of `row` (None for an outer join's nulls)."""
    instances, start = [], 0
    for model, names in models:
        values = row[start : start + len(names)]
        start += len(names)
        instances.append(
            None if values[0] is None else model.from_db(connection.alias, names, values)
        )
    return instances
