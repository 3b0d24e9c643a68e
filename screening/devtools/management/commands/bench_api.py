import io
import json

from django.core.management import call_command
from django.utils.crypto import get_random_string

from screening.accounts.models import Clinic
from screening.devtools import bench


class Command(bench.BenchCommand):
    help = (
        "Serve the app with gunicorn (production settings, 2 workers) on PostgreSQL and time "
        "POST /api/v1/evaluate beside a bare JSON view (parse the body, answer a little JSON) in "
        "the same run, with the same intake, then beside that view appending one audit event "
        "(waiting for the disk, as a screening's does). Prints req/s, p50 and p99 of each and "
        "their ratio. "
        "Writes a key and audit events of a 'Bench clinic': use a database of its own."
    )

    def handle(self, *args, seconds, rounds, threads, **options):
        self.migrated_postgresql()
        clinic, _ = Clinic.objects.get_or_create(name="Bench clinic")
        key = new_key()
        body = json.dumps(bench_intake()).encode()
        headers = {"Content-Type": "application/json"}
        evaluate = ("POST", "/api/v1/evaluate", body, {**headers, "Authorization": f"Bearer {key}"})
        bare = ("POST", "/bench/bare", body, headers)
        audited = ("POST", f"/bench/audited?clinic={clinic.pk}", body, headers)
        with bench.gunicorn(bench.server_environment(API_PER_MINUTE="100000000")):
            self.stdout.write(
                f"gunicorn, 2 workers, PostgreSQL; {threads} client threads; best of {rounds} "
                f"rounds of {seconds:g} s."
            )
            app = bench.Side("evaluate", lambda: evaluate)
            pairs = [
                (app, bench.Side("bare JSON view", lambda: bare)),
                (app, bench.Side("audited JSON view", lambda: audited)),
            ]
            bench.compare(pairs, seconds=seconds, threads=threads, rounds=rounds, out=self.stdout)


def new_key() -> str:
    out = io.StringIO()
    label = f"bench-{get_random_string(8)}"
    call_command("api_key", "create", "--clinic", "Bench clinic", "--name", label, stdout=out)
    return out.getvalue().splitlines()[-1]


def bench_intake() -> dict:
    """A seeded scenario's intake: a fungal infection in the area (postpone, one finding)."""
    scenarios = json.loads((bench.ROOT / "fixtures" / "scenarios_v1.json").read_text())
    return scenarios["scenarios"][3]["intake"]
