"""The `manage.py screen` contract of DESIGN.md section 2."""

import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.engine.baseline import BASELINE

ROOT = Path(__file__).resolve().parent.parent.parent
DECISION_KEYS = {
    "outcome",
    "rule_set_version",
    "clinic_layer_version",
    "findings",
    "rescreen_after",
    "medications",
    "unrecognised_medications",
}


def screen(tmp_path, data, *args):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("screen", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def with_answers(**answers):
    return {**copy.deepcopy(BASELINE), **answers}


@pytest.mark.django_db
def test_it_proceeds_on_the_healthy_baseline(tmp_path):
    decision = screen(tmp_path, BASELINE)
    assert set(decision) == DECISION_KEYS
    assert decision["outcome"] == "proceed"
    assert decision["findings"] == []
    assert decision["rule_set_version"] == 1


@pytest.mark.django_db
def test_it_prints_a_list_of_decisions_in_input_order(tmp_path):
    intakes = [
        with_answers(vitiligo_family_history=True),
        BASELINE,
        with_answers(sunburn_in_area_last_14_days=True),
    ]
    decisions = screen(tmp_path, intakes)
    assert [d["outcome"] for d in decisions] == ["refer", "proceed", "postpone"]


@pytest.mark.django_db
def test_it_counts_the_rescreen_date_from_the_given_day(tmp_path):
    decision = screen(
        tmp_path, with_answers(sunburn_in_area_last_14_days=True), "--on", "2026-12-01"
    )
    assert decision["rescreen_after"] == "2026-12-15"


@pytest.mark.django_db
def test_it_rejects_an_invalid_intake_naming_each_field(tmp_path):
    intake = with_answers(eczema="flaring")
    del intake["pregnant"]
    with pytest.raises(CommandError) as raised:
        screen(tmp_path, [BASELINE, intake])
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert "intake 1: eczema" in message
    assert "active_in_area" in message
    assert "intake 1: pregnant" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "phrase"),
    [(["--rule-set", "99"], "no published rule set 99"), (["--on", "1 Dec"], "not a date")],
)
def test_it_rejects_bad_options(tmp_path, args, phrase):
    with pytest.raises(CommandError, match=phrase) as raised:
        screen(tmp_path, BASELINE, *args)
    assert raised.value.returncode == 2


def test_it_exits_2_with_errors_on_stderr_and_nothing_on_stdout(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'screen.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name in ["SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"]:
        env.pop(name, None)  # outside checks run the command with no configuration at all
    manage = [sys.executable, "manage.py"]

    def run(stdin):
        return subprocess.run(
            [*manage, "screen", "-"],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = run(json.dumps(BASELINE))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["outcome"] == "proceed"
    assert good.stderr == ""  # callers may read both streams together

    bad = run(json.dumps(with_answers(fitzpatrick_type=9)))
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "fitzpatrick_type" in bad.stderr

    not_json = run("{not json")
    assert not_json.returncode == 2
    assert not_json.stdout == ""
    assert "not valid JSON" in not_json.stderr


@pytest.mark.django_db
def test_it_waits_six_calendar_months_after_the_last_isotretinoin_dose(tmp_path):
    # Stopped 4 months before 31 July: 31 March; six months later is 30 September (no 31st).
    data = with_answers(isotretinoin_last_dose_months_ago=4)
    decision = screen(tmp_path, data, "--on", "2026-07-31")
    assert decision["rescreen_after"] == "2026-09-30"
    taking_now = screen(
        tmp_path, with_answers(isotretinoin_last_dose_months_ago=0), "--on", "2027-08-31"
    )
    assert taking_now["rescreen_after"] == "2028-02-29"
