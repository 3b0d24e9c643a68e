"""Post generated junk to every page and JSON endpoint, and feed it to the commands.

Used by tests/test_fuzz.py (a bounded run in the suite) and by `manage.py fuzz --examples N`.
Everything runs inside one transaction that is rolled back at the end, each input in its own
savepoint, so the database is left as it was. A failure is a 5xx answer or an exception that
escaped a view or a command (CommandError is a command's normal refusal).
"""

from __future__ import annotations

import copy
import io
import json
import os
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANONYMOUS = "anonymous"
SKIPPED_PREFIXES = ("admin/", "static/")
QUERY_NAMES = (
    "copy", "before", "after", "old", "new", "target", "q", "outcome", "practitioner",
    "date_from", "date_to", "precaution", "page", "next", "limit", "cursor",
)  # fmt: skip


class _Rollback(Exception):
    """Raised to roll the whole run back."""


@dataclass
class Report:
    tried: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def failed(self, where: str, detail: str) -> None:
        self.failures.append(f"{where}: {detail}")


# Junk ----------------------------------------------------------------------------------------

DEEP_LIST = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
ODD_TEXTS = [
    "", " ", "\x00", "a\x00b", "x" * 300, "x" * 20_000, "1" * 5000, "-1", "0", "1.5", "1e999",
    "NaN", "Infinity", "null", "true", "[]", "{}", '"\\ud800"', '{"a": "\\udc00"}',
    '{"a": "\\u0000"}', DEEP_LIST, DEEP_OBJECT, "[1" + "0" * 5000 + "]", "9999-12-31",
    "0001-01-01", "2026-02-30", "0001-01-01T00:00:00+23:59~1", "9999-12-31T23:59:59-23:59~1",
    "abc", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\ud7ff",
    "\U0001f600", "\u202e", "yes", "no", "unknown", "proceed", "draft", "published",
]  # fmt: skip
# Bytes as a form post carries them, including what is not UTF-8 (a lone surrogate encoded,
# a stray continuation byte).
ODD_BYTES = [b"\xed\xa0\x80", b"\xff", b"\xc3", b"a\xedb", b"\xef\xbb\xbf"]


def _intake_with_junk(name: str, value: object) -> str:
    from screening.engine import INTAKE_FIELDS  # noqa: PLC0415 - after Django is set up

    intake = {key: None for key in INTAKE_FIELDS}
    intake[name] = value
    return json.dumps(intake)


def junk_values():
    odd_json_values = st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=3),
    )
    intake_texts = st.builds(
        _intake_with_junk, st.sampled_from(_intake_field_names()), odd_json_values
    )
    return st.one_of(
        st.sampled_from(ODD_TEXTS).map(str.encode),
        st.sampled_from(ODD_BYTES),
        st.text(max_size=60).map(lambda text: text.encode("utf-8")),
        st.binary(max_size=40),
        intake_texts.map(str.encode),
        st.builds(lambda a, b: a + b, st.sampled_from(ODD_TEXTS), st.text(max_size=10)).map(
            lambda text: text.encode("utf-8", "surrogatepass")
        ),
    )


def _intake_field_names() -> list[str]:
    from screening.engine import INTAKE_FIELDS  # noqa: PLC0415

    return sorted(INTAKE_FIELDS)


def form_body(fields: list[tuple[str, bytes]]) -> bytes:
    return "&".join(f"{quote(name)}={quote(value)}" for name, value in fields).encode("ascii")


# The world the junk is posted into -----------------------------------------------------------


@dataclass
class World:
    clients: dict  # role -> signed-in test Client
    users: dict
    ids: dict  # kwarg name -> candidate values
    field_names: dict  # url -> names seen in its forms
    api_token: str


def make_world() -> World:
    # Imported here: this module is imported by the command before Django apps are ready.
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    from screening.accounts.models import Clinic, Membership, Role  # noqa: PLC0415
    from screening.api.keys import create_key  # noqa: PLC0415
    from screening.api.models import Scope  # noqa: PLC0415
    from screening.intake.models import Draft  # noqa: PLC0415
    from screening.rules.models import MedicationName, Rule, Scenario  # noqa: PLC0415
    from screening.rules.versions import start_draft  # noqa: PLC0415

    clinic = Clinic.objects.create(name="Fuzz clinic")
    users, clients = {}, {ANONYMOUS: Client(raise_request_exception=True)}
    for role in Role:
        user = get_user_model().objects.create_user(username=f"fuzz_{role}", password=None)
        Membership.objects.create(user=user, clinic=clinic, role=role)
        users[role] = user
        clients[role] = Client(raise_request_exception=True)
        clients[role].force_login(user)
    draft = Draft.objects.create(clinic=clinic, practitioner=users[Role.PRACTITIONER], data={})
    rules_draft = start_draft()
    api_key, token = create_key(clinic=clinic, label="fuzz", scopes=list(Scope.values))
    screening = _a_screening(clinic, users[Role.PRACTITIONER])
    ids = {
        "pk_of": {
            "screening": screening.pk if screening else 1,
            "client": screening.client_id if screening else 1,
            "rule": Rule.objects.filter(rule_set=rules_draft).values_list("pk", flat=True).first(),
            "scenario": Scenario.objects.values_list("pk", flat=True).first(),
            "name": MedicationName.objects.filter(rule_set=rules_draft)
            .values_list("pk", flat=True)
            .first(),
            "api_key": api_key.pk,
        },
        "token": [draft.token],
        "version": [rules_draft.version],
    }
    return World(clients, users, ids, {}, token)


def _a_screening(clinic, practitioner):
    from screening.records.services import record_screening  # noqa: PLC0415

    baseline = _baseline_intake()
    if baseline is None:
        return None
    client = {"name": "Fuzz", "date_of_birth": "1990-01-01", "reference": None}
    return record_screening(
        clinic=clinic, practitioner=practitioner, intake={**baseline, "client": client}
    )


def _baseline_intake() -> dict | None:
    from screening.rules.models import Scenario  # noqa: PLC0415

    scenario = Scenario.objects.filter(expected_outcome="proceed", required_codes=[]).first()
    return copy.deepcopy(scenario.intake) if scenario else None


def routes() -> list[tuple[str, list[str]]]:
    """Every URL pattern of the URLconf as (route with {kwarg} holes, kwarg names)."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "")
    result = []
    for route in found:
        if route.startswith("^") or route.startswith(SKIPPED_PREFIXES):
            continue
        names, text = [], route
        while "<" in text:
            start, end = text.index("<"), text.index(">")
            name = text[start + 1 : end].split(":")[-1]
            names.append(name)
            text = text[:start] + "{" + name + "}" + text[end + 1 :]
        result.append(("/" + text.rstrip("$"), names))
    return result


# One input ------------------------------------------------------------------------------------


def try_request(world: World, report: Report, role, route, kwargs, method, fields, as_json):

    path = route.format(**kwargs)
    client = world.clients[role]
    if role != ANONYMOUS:
        client.force_login(world.users[role])  # a junk logout must not end the run's session
    headers = {}
    if path.startswith("/api/") or "cds" in path:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.api_token}"
    where = f"{role} {method} {path}"
    report.tried += 1
    try:
        with transaction.atomic():
            if method == "GET":
                query = form_body(fields).decode("ascii")
                response = client.get(f"{path}?{query}", secure=True, **headers)
            elif as_json:
                body = fields[0][1] if fields else b""
                response = client.post(
                    path, body, content_type="application/json", secure=True, **headers
                )
            else:
                response = client.post(
                    path,
                    form_body(fields),
                    content_type="application/x-www-form-urlencoded",
                    secure=True,
                    **headers,
                )
            # Streamed answers (CSV exports) are read to the end: a failure may come late.
            if getattr(response, "streaming", False):
                content = b"".join(response.streaming_content)
            else:
                content = response.content
    except Exception as error:  # noqa: BLE001 - every escaped exception is the finding
        report.failed(where, _short(error))
        return None
    report.statuses[response.status_code] += 1
    if response.status_code >= 500:
        report.failed(where, f"HTTP {response.status_code}")
    if method == "GET" and response.status_code == 200:
        world.field_names.setdefault((role, route), _names_in(content))
    return response.status_code


def _names_in(content: bytes) -> list[str]:
    import re  # noqa: PLC0415

    text = content.decode("utf-8", "replace")
    return sorted(set(re.findall(r'name="([^"]+)"', text)) - {"csrfmiddlewaretoken"})


def try_command(report: Report, command: str, content: bytes, extra: list[str]):
    where = f"manage.py {command} {' '.join(extra)}".strip()
    report.tried += 1
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        args = ["import", path] if command == "rules" else [path]
        out, err = io.StringIO(), io.StringIO()
        with transaction.atomic():
            try:
                call_command(command, *args, *extra, stdout=out, stderr=err)
            except CommandError as refused:
                str(refused).encode("utf-8")  # the message itself must print
            err.getvalue().encode("utf-8")
            out.getvalue().encode("utf-8")
            transaction.set_rollback(True)  # an imported draft must not block the next input
    except Exception as error:  # noqa: BLE001
        report.failed(where, _short(error))
    finally:
        os.unlink(path)


def _short(error: BaseException) -> str:
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    at = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
    return f"{type(error).__name__}: {str(error)[:120]!r}{at}"


# The run --------------------------------------------------------------------------------------


PK_BY_PATH = (
    ("/screenings/", "screening"),
    ("/clients/", "client"),
    ("/draft/rules/", "rule"),
    ("/scenarios/", "scenario"),
    ("/vocabulary/", "name"),
    ("/keys/", "api_key"),
)
REACHED = {200, 400, 405, 409, 422}


def _kwargs_for(world: World, route: str, names: list[str]) -> dict:
    kwargs = {}
    for name in names:
        if name == "pk":
            kind = next((k for part, k in PK_BY_PATH if part in route), None)
            kwargs[name] = world.ids["pk_of"].get(kind, 1)
        else:
            kwargs[name] = world.ids.get(name, [1])[0]
    return kwargs


def targets(world: World, report: Report) -> list[tuple]:
    """(role, route, kwargs, field names) for every page a role reaches (not 403, 404, login)."""
    found = []
    for role in world.clients:
        for route, names in routes():
            kwargs = _kwargs_for(world, route, names)
            before = len(report.failures)
            status = try_request(world, report, role, route, kwargs, "GET", [], False)
            if status in REACHED and len(report.failures) == before:
                found.append((role, route, kwargs))
    result = []
    for role, route, kwargs in found:
        names = world.field_names.get((role, route))
        if not names:  # a POST-only address: the fields of the page it belongs to
            parent = route.rstrip("/").rsplit("/", 1)[0] + "/"
            names = world.field_names.get((role, parent), [])
        result.append((role, route, kwargs, names))
    return result


SYSTEMATIC = [
    b"a\x00b", b"\xed\xa0\x80", b'["\\ud800"]', DEEP_LIST.encode(), b"1" * 5000, b"x" * 20_000,
    b"-1", b"9999-12-31",
]  # fmt: skip


def systematic(world: World, report: Report, world_targets, values) -> None:
    """Each form, every field holding the same odd value, for each odd value: a floor of
    coverage that does not depend on what the random phase happens to draw."""
    for role, route, kwargs, names in world_targets:
        if not names or route.startswith(("/api/", "/cds")) or route.endswith("logout/"):
            continue
        for value in values:
            fields = [(name, value) for name in names]
            try_request(world, report, role, route, kwargs, "POST", fields, False)


def inputs(world_targets):
    values = junk_values()
    names = st.one_of(
        st.sampled_from(QUERY_NAMES + tuple(_intake_field_names())), st.text(max_size=8)
    )
    return st.tuples(
        st.sampled_from(world_targets),
        st.sampled_from(["GET", "POST", "POST", "POST"]),
        st.lists(st.tuples(names, values), max_size=6),
        st.integers(0, 10),
        values,
        st.sampled_from([[], ["--on", "9999-12-31"], ["--rule-set", "99999"], ["--on", "x"]]),
    )


def run(examples: int, *, seed: int | None = None, odd_values=SYSTEMATIC) -> Report:
    """Try `examples` generated inputs; the report counts them and lists every failure.

    First every address is opened once by every role (those GETs are counted as inputs too),
    to find what each role reaches and the field names of its forms; then every form gets each
    odd value of SYSTEMATIC in all its fields; then `examples` generated inputs, each a reached
    address with junk in real field names (mostly) or made-up ones, or a command.
    """
    report = Report()
    try:
        with transaction.atomic():
            world = make_world()
            world_targets = targets(world, report)
            systematic(world, report, world_targets, odd_values)

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=seed is None,
                suppress_health_check=list(HealthCheck),
                phases=["generate"],
            )
            @given(inputs(world_targets))
            def one(case):
                (role, route, kwargs, seen), method, fields, pick, content, extra = case
                if pick < 7 and seen:  # a real form's field names, with junk in them
                    fields = [(seen[(pick + i) % len(seen)], v) for i, (_, v) in enumerate(fields)]
                as_json = route.startswith(("/api/", "/cds"))
                if pick == 9:
                    try_command(report, "screen", content, extra)
                elif pick == 10:
                    try_command(report, "rules", content, [])
                else:
                    if as_json and method == "POST":
                        fields = [("body", content)]
                    try_request(world, report, role, route, kwargs, method, fields, as_json)

            if seed is not None:
                one = settings(derandomize=False)(one)
                one._hypothesis_internal_use_seed = seed
            one()
            raise _Rollback
    except _Rollback:
        pass
    return report


def print_report(report: Report, out=sys.stdout) -> None:
    out.write(f"inputs tried: {report.tried}\n")
    out.write(f"5xx or traceback: {len(report.failures)}\n")
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(report.statuses.items()))
    out.write(f"statuses: {statuses}\n")
    for line in sorted(Counter(report.failures).items(), key=lambda item: -item[1])[:30]:
        out.write(f"  {line[1]} x {line[0]}\n")
