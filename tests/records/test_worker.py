"""The impact preview through the real task queue: queued in the database, run by `db_worker`.

The rest of the suite runs tasks with the immediate backend; these start the worker command as
another process against a database both can see: a file SQLite database made for the test, and
on PostgreSQL the test database itself.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus

from screening.records.tasks import impact_preview, start_preview
from screening.rules import models as rules_models
from screening.rules.models import ImpactRun, RuleSet, RuleSetStatus
from screening.rules.seed import seed_published_v1
from tests.records.factories import make_screening
from tests.rules.support import draft_rule

ROOT = Path(__file__).resolve().parent.parent.parent
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
OURS = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, database_url: str, timeout=120) -> str:
    """Run manage.py with the production settings (DEBUG on) against `database_url`."""
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "screening.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_worker(database_url: str) -> None:
    """One worker that runs every queued task, then exits (--batch)."""
    manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", database_url=database_url)


QUEUE_A_PREVIEW = """
from screening.records.tasks import start_preview
from screening.rules.versions import start_draft
run = start_preview(rule_set=start_draft(), user=None, clinic=None)
print(run.pk)
"""

READ_THE_RUN = """
import json
from screening.records.models import Screening
from screening.records.tasks import impact_preview
from screening.rules.models import ImpactRun
run = ImpactRun.objects.get(pk={pk})
status = impact_preview.get_result(run.task_id).status
print(json.dumps({{"finished": run.finished, "done": run.done, "changes": run.changes,
    "screenings": Screening.objects.count(), "status": status}}))
"""


def test_a_worker_runs_a_preview_queued_in_a_file_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    manage("migrate", "--noinput", database_url=url)
    manage("fill_demo", "--clients", "5", "--screenings", "40", "--clinic", "W", database_url=url)
    pk = int(manage("shell", "--no-imports", "-c", QUEUE_A_PREVIEW, database_url=url))
    queued = json.loads(
        manage("shell", "--no-imports", "-c", READ_THE_RUN.format(pk=pk), database_url=url)
    )
    assert (queued["status"], queued["done"], queued["finished"]) == ("READY", 0, False)

    run_worker(url)

    ran = json.loads(
        manage("shell", "--no-imports", "-c", READ_THE_RUN.format(pk=pk), database_url=url)
    )
    assert ran["status"] == "SUCCEEDED" and ran["finished"]
    # The draft is a copy of the version that decided them: every screening, no change.
    assert ran["done"] == ran["screenings"] == 40 and ran["changes"] == {}


def postgres_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_preview_queued_in_the_postgresql_database(
    clinic, practitioner, seeded_rules
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://... (CI's second pass sets it)")
    if not RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).exists():
        seed_published_v1(rules_models, published_at=timezone.now())  # flushed by an earlier test
    for _ in range(3):
        make_screening(clinic=clinic, practitioner=practitioner)  # refer: vitiligo in the family
    make_screening(clinic=clinic, practitioner=practitioner, pregnant=False)  # proceed
    draft, rule = draft_rule("VITILIGO_FAMILY_HISTORY")
    rule.action = "caution"
    rule.save()
    with override_settings(TASKS=DATABASE_QUEUE):
        run = start_preview(rule_set=draft, user=practitioner, clinic=clinic)
        assert ImpactRun.objects.get(pk=run.pk).done == 0  # queued, not run by the request

        run_worker(postgres_url())

        assert impact_preview.get_result(run.task_id).status == TaskResultStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.finished and run.done == 4
    assert run.changes == {"refer->proceed": 3}
    assert len(run.own_changes) == 3
