"""Fill the database with synthetic clients and screenings, fast, for demos and benchmarks.

    python manage.py fill_demo --clients 50000 --screenings 1000000 [--clinic "Demo Clinic"]

Decisions come from the published compiled rule set, computed once for each intake of a pool of
varied intakes (the scenarios of fixtures/scenarios_v1.json and variations of them) and reused:
each screening shifts its re-screen date to its own day. Dates spread over the last two years.
Rows are written with bulk_create in batches. Synthetic names only: never real people.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from screening import engine
from screening.accounts.models import Clinic, Membership, Role
from screening.records.models import Client, FindingCode, Screening, decided_fields
from screening.rules.services import (
    NoPublishedRuleSet,
    published_rule_set,
    screening_rules,
)

FIRST_NAMES = (
    "Ada Grace Alan Mary Ravi Priya Chen Li Omar Fatima Sofia Lucas Emma Noah Olivia Liam Ava "
    "Mia Elena Ivan Aisha Kwame Yuki Hana Jonas Freya Mateo Zara Nia Leo Iris Tom Ruth Sam"
)
LAST_NAMES = (
    "Lovelace Hopper Turing Seacole Patel Sharma Wang Okafor Haddad Rossi Silva Smith Jones "
    "Brown Taylor Wilson Evans Khan Ali Nowak Novak Larsen Tanaka Kim Garcia Martin Dubois Murphy"
)
FIRST, LAST = FIRST_NAMES.split(), LAST_NAMES.split()
REFERENCE_SHARE = 0.6
POOL_VARIATIONS = 300
DAYS_SPREAD = 730
REFERENCE_DAY = datetime.date(2026, 1, 1)


class Command(BaseCommand):
    help = "Fill the database with synthetic clients and screenings (bulk, fast)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--screenings", type=int, default=10_000)
        parser.add_argument("--clinic", default="Demo Clinic")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, clients, screenings, clinic, batch, seed, **options):
        self.verbosity = options["verbosity"]
        if clients < 1 or screenings < 0 or batch < 1:
            raise CommandError("--clients and --batch must be at least 1, --screenings at least 0.")
        try:
            rule_set = published_rule_set()
        except NoPublishedRuleSet as error:
            raise CommandError("No rule set is published: run migrate first.") from error
        rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not secrets)
        started = time.monotonic()
        clinic_row, _ = Clinic.objects.get_or_create(name=clinic)
        practitioners = demo_practitioners(clinic_row)
        pool = decided_pool(rng, screening_rules(rule_set))
        # Ages follow each client's date of birth, unless a rule reads the age: then the pool's
        # own age stays, so that every stored decision is the decision of its stored intake.
        self.real_ages = not rule_set.rules.filter(condition__icontains="client_age_years").exists()
        client_ids = self.fill_clients(clinic_row, clients, batch, rng)
        self.fill_screenings(
            clinic_row, client_ids, practitioners, pool, rule_set.version, screenings, batch, rng
        )
        refresh_statistics(Client, Screening, FindingCode)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Filled {clinic}: {clients} clients, {screenings} screenings in {elapsed:.1f} s "
            f"(pool of {len(pool)} intakes, rule set version {rule_set.version})."
        )

    def fill_clients(self, clinic, count, batch, rng) -> list[tuple[int, str, datetime.date, str]]:
        made = []
        for start in range(0, count, batch):
            rows = [
                synthetic_client(clinic, start + n, rng) for n in range(min(batch, count - start))
            ]
            with transaction.atomic():
                made += Client.objects.bulk_create(rows, batch_size=batch)
        return [(c.pk, c.name, c.date_of_birth, c.reference) for c in made]

    def fill_screenings(self, clinic, clients, practitioners, pool, version, count, batch, rng):
        now = timezone.now()
        with created_at_as_given():
            for start in range(0, count, batch):
                rows = [
                    synthetic_screening(
                        self.real_ages,
                        clinic,
                        rng.choice(clients),
                        rng.choice(practitioners),
                        rng.choice(pool),
                        version,
                        now,
                        rng,
                    )
                    for _ in range(min(batch, count - start))
                ]
                with transaction.atomic():
                    saved = Screening.objects.bulk_create(rows, batch_size=batch)
                    FindingCode.objects.bulk_create(FindingCode.rows_for(saved), batch_size=batch)
                if self.verbosity > 1:
                    self.stdout.write(f"  {start + len(rows)} screenings")


def refresh_statistics(*models):
    """Let PostgreSQL's planner see the new rows now, not when autovacuum next gets to them:
    until then it plans the records list's filters for empty tables, and badly."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def demo_practitioners(clinic) -> list:
    users = list(
        get_user_model().objects.filter(
            membership__clinic=clinic, membership__role=Role.PRACTITIONER
        )
    )
    if users:
        return users
    for number in range(1, 4):
        user = get_user_model().objects.create_user(
            username=f"demo-practitioner-{clinic.pk}-{number}", password=None
        )
        Membership.objects.create(user=user, clinic=clinic, role=Role.PRACTITIONER)
        users.append(user)
    return users


def synthetic_client(clinic, number, rng) -> Client:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(55 * 365))
    reference = f"D-{number:07d}" if rng.random() < REFERENCE_SHARE else ""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{number}"
    return Client(clinic=clinic, name=name, date_of_birth=born, reference=reference)


def synthetic_screening(
    real_ages, clinic, client, practitioner, decided, version, now, rng
) -> Screening:
    client_id, name, born, reference = client
    intake, decision, wait = decided
    created_at = now - datetime.timedelta(seconds=rng.randrange(DAYS_SPREAD * 86400))
    screened_on = timezone.localdate(created_at)
    rescreen_after = screened_on + wait if wait is not None else None
    age = (
        screened_on.year
        - born.year
        - ((screened_on.month, screened_on.day) < (born.month, born.day))
    )
    identity = {"name": name, "date_of_birth": born.isoformat(), "reference": reference or None}
    return Screening(
        clinic=clinic,
        client_id=client_id,
        practitioner=practitioner,
        created_at=created_at,
        screened_on=screened_on,
        intake={"client": identity, **intake, **({"client_age_years": age} if real_ages else {})},
        **decided_fields(
            {**decision, "rescreen_after": rescreen_after and rescreen_after.isoformat()}, version
        ),
    )


def decided_pool(rng, compiled) -> list[tuple[dict, dict, datetime.timedelta | None]]:
    """Each pool intake with its decision on REFERENCE_DAY and its wait (None: no date)."""
    pool = []
    for intake in intake_pool(rng):
        decision = compiled.evaluate(engine.validate_intake(intake), on=REFERENCE_DAY)
        rescreen = decision["rescreen_after"]
        wait = datetime.date.fromisoformat(rescreen) - REFERENCE_DAY if rescreen else None
        pool.append((intake, decision, wait))
    return pool


def intake_pool(rng) -> list[dict]:
    """The valid scenario intakes, plus variations mixing answers of two scenarios."""
    path = Path(settings.BASE_DIR) / "fixtures" / "scenarios_v1.json"
    scenarios = [s["intake"] for s in json.loads(path.read_text())["scenarios"]]
    valid = [s for s in scenarios if is_valid(s)]
    if not valid:
        raise CommandError(f"No valid intake in {path}.")
    baseline = valid[0]
    pool = list(valid)
    for _ in range(POOL_VARIATIONS):
        mixed = copy.deepcopy(rng.choice(valid))
        donor = rng.choice(valid)
        changed = [name for name in donor if donor[name] != baseline.get(name)]
        for name in rng.sample(changed, min(len(changed), 2)):
            mixed[name] = copy.deepcopy(donor[name])
        if is_valid(mixed):
            pool.append(mixed)
    return pool


def is_valid(intake: dict) -> bool:
    try:
        engine.validate_intake(intake)
    except engine.IntakeInvalid:
        return False
    return True


@contextmanager
def created_at_as_given():
    """Let bulk_create keep the synthetic created_at instead of stamping it now."""
    field = Screening._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True
