import copy
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from screening.accounts.models import Clinic
from screening.records import impact
from screening.records.models import Client, Screening
from screening.rules import versions
from screening.rules.seed import read_fixture

BENCH_CLINIC = "Benchmark clinic (synthetic screenings)"


class Command(BaseCommand):
    help = (
        "Time the impact preview of the draft (a fresh copy of the published version when none is "
        "open) over N past screenings, creating synthetic ones first when there are fewer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-n", type=int, default=100_000, help="past screenings (default 100000)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--distinct",
            action="store_true",
            help="make every synthetic intake's answers unique (the worst case: nothing repeats)",
        )

    def handle(self, *args, n, seed, distinct=False, **options):
        have = Screening.objects.count()
        if have < n:
            started = time.perf_counter()
            rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
            self.create(n - have, rng, distinct=distinct)
            self.stdout.write(
                f"Created {n - have} screenings in {time.perf_counter() - started:.1f} s"
            )
        draft = versions.start_draft()
        run = impact.start_run(rule_set=draft, user=None, clinic=None)
        started = time.perf_counter()
        run = impact.run_to_end(run)
        seconds = time.perf_counter() - started
        changed = sum(run.changes.values())
        self.stdout.write(
            f"Impact preview: {run.done} screenings in {seconds:.2f} s "
            f"({run.done / seconds:,.0f}/s); {changed} would change, {run.unreadable} unreadable."
        )

    def create(self, count, rng, *, distinct):
        clinic, _ = Clinic.objects.get_or_create(name=BENCH_CLINIC)
        user, _ = get_user_model().objects.get_or_create(username="bench-practitioner")
        client, _ = Client.objects.get_or_create(
            clinic=clinic, name="Synthetic client", date_of_birth="1990-01-01"
        )
        scenarios = read_fixture("scenarios_v1.json")["scenarios"]
        today = timezone.localdate()
        batch = []
        for number in range(count):
            scenario = rng.choice(scenarios)
            intake = copy.deepcopy(scenario["intake"])
            intake["client"] = {
                "name": f"Synthetic client {number}",
                "date_of_birth": "1990-01-01",
                "reference": "",
            }
            if distinct:  # metformin raises no precaution; the dose makes the answers unique
                intake["medications"] = [*intake["medications"], f"metformin {number} mg"]
            # Vary the answers that change nothing, so that intakes are not all identical.
            intake["client_age_years"] = rng.randint(18, 80)
            if intake["fitzpatrick_type"] < 4:
                intake["fitzpatrick_type"] = rng.choice([1, 2, 3])
            batch.append(
                Screening(
                    clinic=clinic,
                    client=client,
                    practitioner=user,
                    screened_on=today,
                    intake=intake,
                    decision={"outcome": scenario["expected_outcome"], "synthetic": True},
                    outcome=scenario["expected_outcome"],
                    rule_set_version=1,
                )
            )
            if len(batch) == 5000:
                Screening.objects.bulk_create(batch)
                batch = []
        Screening.objects.bulk_create(batch)
