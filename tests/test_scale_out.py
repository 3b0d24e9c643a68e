"""Scale-out, checked: two app servers on their own ports, one PostgreSQL and one task worker.

Each server is gunicorn with one worker process of its own, so nothing is shared between them but
the database: a rule set published through one is used by the other's next request, a double
submit split across them makes one record, rate limits count across both, and a task queued
through one is run by the worker and read through the other. PostgreSQL only (a SQLite file
serves one machine).
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from screening.devtools import bench
from screening.records.models import Screening
from tests.api.support import intake, new_key
from tests.conftest import make_member
from tests.intake.factories import answers, make_draft
from tests.records.factories import make_screening
from tests.records.test_worker import OURS, postgres_url

pytestmark = pytest.mark.django_db(transaction=True)

PORT_A, PORT_B = 8811, 8812


@pytest.fixture
def servers(seeded_rules):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: needs DATABASE_URL=postgres://... (CI's second pass)")
    environment = {
        **{k: v for k, v in os.environ.items() if k not in OURS},
        "DJANGO_SETTINGS_MODULE": "screening.settings",
        "DEBUG": "true",  # static files without collectstatic; nothing else here depends on it
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions this test makes are the servers'
        "DATABASE_URL": postgres_url(),
        "AUTOSAVE_PER_MINUTE": "3",
        "RULES_APPROVAL_WAIVED": "true",  # published in one step (approval: tests/rules)
    }
    worker = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    with ExitStack() as stack:
        for port in (PORT_A, PORT_B):
            stack.enter_context(bench.gunicorn(environment, port=port, workers=1))
        process = subprocess.Popen(worker, cwd=bench.ROOT, env=environment)  # noqa: S603
        stack.callback(process.wait)
        stack.callback(process.terminate)
        yield


def send(port, method, path, *, session=None, form=None, body=None, headers=None):
    headers = dict(headers or {})
    if session is not None:
        headers["Cookie"] = session["Cookie"]
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": session["csrf"]}, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Location"), response.read().decode()


def evaluated_version(port, key) -> int:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    status, _, content = send(
        port, "POST", "/api/v1/evaluate", body=json.dumps(intake()), headers=headers
    )
    assert status == 200, content
    return json.loads(content)["rule_set_version"]


def test_two_servers_share_rules_records_limits_and_the_task_queue(servers, clinic):
    key = new_key(clinic, ["evaluate"])[1]
    admin = bench.signed_in(make_member(clinic, "rules_admin"))
    nurse = make_member(clinic, "practitioner")
    practitioner = bench.signed_in(nurse)
    assert evaluated_version(PORT_B, key) == 1  # B has compiled version 1

    # Published through A (a rollback to version 1 publishes it again as version 2) ...
    rollback = {"note": "Scale-out check", "in_use": "1"}
    status, _, content = send(PORT_A, "POST", "/rules/v1/rollback/", session=admin, form=rollback)
    assert status == 302, content
    # ... and used by B on its next request.
    assert evaluated_version(PORT_B, key) == 2

    # A double submit, one click to each server: one record, both answers lead to it.
    draft = make_draft(clinic, nurse)
    submit = f"/consultations/{draft.token}/"
    answered = {}

    def click(port):
        answered[port] = send(port, "POST", submit, session=practitioner, form=answers())

    clicks = [threading.Thread(target=click, args=(port,)) for port in (PORT_A, PORT_B)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    screening = Screening.objects.get()
    assert answered[PORT_A][:2] == answered[PORT_B][:2] == (302, screening.get_absolute_url())

    # Rate limits count across both: 3 autosaves a minute, two through each server.
    save = f"/consultations/{make_draft(clinic, nurse).token}/save/"
    json_headers = {"Accept": "application/json"}
    statuses = [
        send(port, "POST", save, session=practitioner, form=answers(), headers=json_headers)[0]
        for port in (PORT_A, PORT_B, PORT_A, PORT_B)
    ]
    assert statuses == [200, 200, 200, 429]

    # A preview queued through A is run by the worker and read through B.
    make_screening(clinic=clinic, practitioner=nurse)
    assert send(PORT_A, "POST", "/rules/draft/start/", session=admin, form={})[0] == 302
    status, run_page, content = send(PORT_A, "POST", "/rules/draft/impact/", session=admin, form={})
    assert status == 302, content
    deadline = time.monotonic() + 60
    while "Done:" not in (page := send(PORT_B, "GET", run_page, session=admin)[2]):
        assert time.monotonic() < deadline, "the worker did not finish the preview in 60 s"
        time.sleep(0.5)
    assert "Done: 2 past screenings evaluated" in page
