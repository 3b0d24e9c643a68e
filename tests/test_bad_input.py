"""Each crash of issue 11, re-tried: bad input gets a message naming the field, never a 500."""

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from screening.accounts.models import Role
from screening.intake.models import Draft
from screening.records.models import Screening
from screening.rules.models import RuleSet, Scenario
from tests.audit.support import corrected
from tests.conftest import make_member
from tests.engine.baseline import BASELINE
from tests.intake.factories import answers, make_draft
from tests.records.factories import make_screening

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
DEEP = "[" * 5000 + "]" * 5000
HUGE = "1" * 5000


def intake_with(**changes):
    return json.dumps({**copy.deepcopy(BASELINE), **changes})


@pytest.fixture
def practitioner_client(client, clinic):
    user = make_member(clinic, Role.PRACTITIONER)
    client.force_login(user)
    client.user = user
    return client


# NUL in an answer: autosave and submit refuse it beside the field, the draft stays screenable.


@pytest.mark.parametrize("field", ["allergy_details", "client_name", "medications"])
def test_autosave_refuses_a_nul_naming_the_field_and_keeps_the_draft_usable(
    practitioner_client, clinic, field
):
    draft = make_draft(clinic, practitioner_client.user)
    url = reverse("intake:save", args=[draft.token])

    response = practitioner_client.post(url, answers(**{field: "a\x00b"}), **JSON)

    assert response.status_code == 200  # the other answers are saved
    body = response.json()
    assert body["errors"][field]
    assert "NUL" in body["errors"][field][0]
    draft.refresh_from_db()
    assert "\x00" not in json.dumps(draft.data)
    page = practitioner_client.post(reverse("intake:consultation", args=[draft.token]), answers())
    assert page.status_code == 302
    assert Screening.objects.count() == 1


def test_submit_refuses_a_nul_beside_the_field_and_screens_once_corrected(
    practitioner_client, clinic
):
    draft = make_draft(clinic, practitioner_client.user)
    url = reverse("intake:consultation", args=[draft.token])

    response = practitioner_client.post(url, answers(allergy_details="latex\x00"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "allergy_details" in html or "Allergy" in html
    assert "NUL character" in html
    assert Screening.objects.count() == 0
    # Everything else typed was kept.
    draft.refresh_from_db()
    assert draft.data["client_name"] == [answers()["client_name"]]
    assert practitioner_client.post(url, answers()).status_code == 302
    assert Screening.objects.count() == 1


def test_the_no_script_save_refuses_a_nul_with_a_message(practitioner_client, clinic):
    draft = make_draft(clinic, practitioner_client.user)
    url = reverse("intake:save", args=[draft.token])

    response = practitioner_client.post(url, answers(client_name="A\x00"), follow=True)

    assert response.status_code == 200
    assert "NUL character" in response.content.decode()


# The correction form, and the scenario form's JSON text box.


@pytest.fixture
def keeper_client(client, clinic):
    client.force_login(make_member(clinic, Role.RECORDS_KEEPER))
    return client


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("allergy_details", "plasters\x00", "NUL character"),
        ("isotretinoin_months_ago", "9" * 5000, "enter the months as a number from 0 to 1200"),
        ("fitzpatrick_type", "9" * 5000, "Fitzpatrick skin type: choose one answer."),
    ],
    ids=["nul", "huge-number", "huge-choice"],
)
def test_the_correction_form_names_the_problem(keeper_client, clinic, field, value, words):
    screening = make_screening(clinic=clinic, practitioner=make_member(clinic, Role.PRACTITIONER))
    posted = {**corrected(screening), field: value, "reason": "typo"}
    if field == "allergy_details":
        posted |= {"has_allergies": "yes", "allergies": ["adhesive"]}
    if field == "isotretinoin_months_ago":
        posted |= {"isotretinoin_ever": "yes", "isotretinoin_taking_now": "no"}

    response = keeper_client.post(reverse("intake:correct", args=[screening.pk]), posted)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert screening.amendments.count() == 0


@pytest.mark.parametrize(
    ("intake_text", "words"),
    [
        (DEEP, "nested too deeply"),
        (HUGE, "a number of 5000 characters"),
        (intake_with(allergy_details="x").replace('"x"', '"\\ud800"'), "unpaired surrogate"),
        (intake_with(allergy_details="x").replace('"x"', '"\\u0000"'), "NUL character"),
    ],
    ids=["deep", "huge", "surrogate", "nul"],
)
def test_the_scenario_form_names_the_problem(client, clinic, intake_text, words):
    client.force_login(make_member(clinic, Role.RULES_ADMIN))
    before = Scenario.objects.count()
    data = {"name": "junk", "intake": intake_text, "expected_outcome": "proceed"}

    response = client.post(reverse("rules:scenario_new"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert "intake" in html
    assert Scenario.objects.count() == before


@pytest.mark.parametrize(
    "copy_of", ["abc", "1.5", "99999999999999999999999", "-1", "\x00", "9" * 5000]
)
def test_the_scenario_page_ignores_a_copy_that_is_not_a_scenario(client, clinic, copy_of):
    client.force_login(make_member(clinic, Role.RULES_ADMIN))

    response = client.get(reverse("rules:scenario_new"), {"copy": copy_of})

    assert response.status_code == 200
    assert "New scenario" in response.content.decode() or "scenario" in response.content.decode()


# The records list cursor.


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+23:59~1",
        "9999-12-31T23:59:59-23:59~1",
        "2026-11-23T10:00:00+05:30~99999999999999999999999",
        "2026-11-23T10:00:00+00:00~-5",
        "2026-11-23T10:00:00Z~1\x00",
        "2026-11-23T10:00:00Z~" + "9" * 5000,
    ],
)
@pytest.mark.parametrize("direction", ["before", "after"])
def test_the_records_list_ignores_a_cursor_it_cannot_use(keeper_client, cursor, direction):
    response = keeper_client.get(reverse("records:screening_list"), {direction: cursor})

    assert response.status_code == 200


# Sign-in with an over-long or odd username.


@pytest.mark.parametrize("username", ["u" * 300, "a\x00b", "x" * 5000])
def test_sign_in_with_an_odd_username_is_a_plain_failure(client, username):
    response = client.post(reverse("login"), {"username": username, "password": "whatever"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# manage.py screen


def screen(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = stdin
    try:
        call_command("screen", *args, stdout=out, stderr=err)
    finally:
        sys.stdin = old
    return out.getvalue()


def refused_screen(*args, stdin=None) -> str:
    with pytest.raises(CommandError) as caught:
        screen(*args, stdin=stdin)
    assert caught.value.returncode == 2
    str(caught.value).encode("utf-8")
    return str(caught.value)


def test_screen_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "intake.json"
    text = json.dumps({**copy.deepcopy(BASELINE), "allergy_details": "café"}, ensure_ascii=False)
    path.write_bytes(text.encode("latin-1"))

    assert "is not UTF-8 text" in refused_screen(str(path))


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "2026-02-30", "x" * 1000])
def test_screen_refuses_a_screening_date_it_cannot_use(tmp_path, on):
    path = tmp_path / "intake.json"
    path.write_text(intake_with())

    assert "--on" in refused_screen(str(path), "--on", on)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DEEP, "nested too deeply"),
        (HUGE, "a number of 5000 characters"),
        (intake_with(allergy_details="x").replace('"x"', '"\\ud800"'), "unpaired surrogate"),
        (intake_with(allergy_details="x").replace('"x"', '"\\u0000"'), "NUL character"),
        (intake_with(eczema=None).replace("null", HUGE), "a number of 5000 characters"),
    ],
)
def test_screen_from_stdin_names_the_problem(text, words):
    message = refused_screen("-", stdin=io.StringIO(text))

    assert words in message


def test_screen_from_stdin_that_is_not_utf8():
    stdin = io.TextIOWrapper(io.BytesIO(b'{"a": "\xff"}'), encoding="utf-8")

    assert "is not UTF-8 text" in refused_screen("-", stdin=stdin)


# manage.py rules import


def rules_export() -> dict:
    out = io.StringIO()
    call_command("rules", "export", stdout=out)
    return json.loads(out.getvalue())


def refused_import(tmp_path, content) -> str:
    path = tmp_path / "rules.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("rules", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert RuleSet.objects.count() == 1
    message = err.getvalue() + str(caught.value)
    message.encode("utf-8")
    return message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DEEP, "nested too deeply"),
        (HUGE, "a number of 5000 characters"),
        (b'{"rules": "\xff"}', "is not UTF-8 text"),
    ],
    ids=["deep", "huge", "latin1"],
)
def test_rules_import_refuses_unreadable_json(tmp_path, text, words):
    assert words in refused_import(tmp_path, text)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("key", "not-a-uuid", "key"),
        ("key", 5, "key"),
        ("source", "s" * 5000, "source"),
        ("source_section", "s" * 5000, "source_section"),
        ("message", "a\x00b", "message"),
        ("client_message", "\ud800", "client_message"),
        ("code", "x" * 500, "code"),
        ("reviewed_on", "2026-13-45", "reviewed_on"),
        ("wait_days", 10**30, "wait_days"),
        ("wait_days", HUGE, "wait_days"),
    ],
)
def test_rules_import_validates_every_field_it_saves(tmp_path, field, value, words):
    data = rules_export()
    data["rules"][0][field] = value

    message = refused_import(tmp_path, data)

    assert words in message


def test_rules_import_validates_the_vocabulary_too(tmp_path):
    data = rules_export()
    data["vocabulary"]["names"][0]["name"] = "n" * 5000

    assert "name" in refused_import(tmp_path, data)


def test_rules_import_while_a_draft_is_open_says_how_to_discard_it(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules_export()))
    call_command("rules", "import", str(path), stdout=io.StringIO())

    with pytest.raises(CommandError) as caught:
        call_command("rules", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert caught.value.returncode == 2
    assert "rules discard" in str(caught.value)


def test_rules_discard_removes_the_open_draft_and_then_import_works(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules_export()))
    call_command("rules", "import", str(path), stdout=io.StringIO())
    out = io.StringIO()

    call_command("rules", "discard", stdout=out)

    assert "discarded" in out.getvalue()
    assert RuleSet.objects.count() == 1
    call_command("rules", "import", str(path), stdout=io.StringIO())
    assert RuleSet.objects.count() == 2


def test_rules_discard_without_a_draft_says_so():
    with pytest.raises(CommandError) as caught:
        call_command("rules", "discard", stdout=io.StringIO())

    assert "no draft" in str(caught.value).lower()


def test_a_refused_answer_keeps_its_stored_value_and_the_others_are_saved(
    practitioner_client, clinic
):
    draft = make_draft(clinic, practitioner_client.user, data={"allergy_details": ["latex"]})
    url = reverse("intake:save", args=[draft.token])

    practitioner_client.post(url, answers(allergy_details="\x00", client_name="New name"), **JSON)

    data = Draft.objects.get(pk=draft.pk).data
    assert data["allergy_details"] == ["latex"]
    assert data["client_name"] == ["New name"]


def test_screen_on_the_command_line_exits_2_without_a_traceback(tmp_path):
    """Run as a user would: the message on standard error, no traceback, exit 2."""
    root = Path(__file__).resolve().parent.parent
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"allergy_details": "caf\xe9"}')
    good = tmp_path / "intake.json"
    good.write_text(intake_with())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for args, words in (([str(bad)], "not UTF-8"), ([str(good), "--on", "9999-12-31"], "--on")):
        result = subprocess.run(
            [sys.executable, "manage.py", "screen", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
