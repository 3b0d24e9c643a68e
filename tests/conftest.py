import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts.models import Clinic, Membership, Role
from screening.accounts.twofactor import required_for
from tests.triggers import triggers_off

PASSWORD = "correct horse battery staple"
ROLES = [Role.PRACTITIONER, Role.RECORDS_KEEPER, Role.RULES_ADMIN, Role.MEDICAL_DIRECTOR]
_user_numbers = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def flush_past_immutability_triggers():
    """Transactional tests empty every table after each test. PostgreSQL truncates, which fires
    no row trigger; SQLite deletes, which the immutability triggers refuse: lift them then."""
    flush = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if self.connection.vendor != "sqlite":
            return flush(self, sql_list)
        with triggers_off(self.connection):
            return flush(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = flush


@pytest.fixture
def seeded_rules(db):
    """The seeded published rule set, made again when an earlier transactional test flushed it."""
    from django.utils import timezone

    from screening.rules import models
    from screening.rules.seed import seed_published_v1

    if not models.RuleSet.objects.filter(published_at__isnull=False).exists():
        seed_published_v1(models, published_at=timezone.now())


def audit_event_statements() -> int:
    """What one audit event costs: the event, its clinic's chain head and its link are one
    statement on PostgreSQL, three on SQLite (which cannot write three tables in one)."""
    return 1 if connection.vendor == "postgresql" else 3


def make_member(clinic, role, username=None):
    username = username or f"{role}_{next(_user_numbers)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


@pytest.fixture(autouse=True)
def force_login_passes_two_factor(monkeypatch):
    """`client.force_login` also passes the second step for users who must use two-factor
    sign-in (an authenticator is enrolled and verified for the session). The sign-in pages
    themselves are tested through the login form in tests/accounts/test_two_factor.py."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def clinic(db):
    return Clinic.objects.create(name="Clinic A")


@pytest.fixture
def other_clinic(db):
    return Clinic.objects.create(name="Clinic B")


@pytest.fixture
def practitioner(clinic):
    return make_member(clinic, Role.PRACTITIONER)


@pytest.fixture
def records_keeper(clinic):
    return make_member(clinic, Role.RECORDS_KEEPER)


@pytest.fixture
def rules_admin(clinic):
    return make_member(clinic, Role.RULES_ADMIN)


@pytest.fixture
def member_client(client, clinic):
    """Log a client in as a fresh member of `clinic` with the given role."""

    def login(role):
        client.force_login(make_member(clinic, role))
        return client

    return login
