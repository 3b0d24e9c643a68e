"""python manage.py rules export / import / scenarios / publish."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from screening.rules.models import RuleSet, Scenario
from screening.rules.services import published_rule_set
from screening.rules.versions import current_draft

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rules", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_import_export_gives_the_same_json(tmp_path):
    exported, _ = run("export")
    data = json.loads(exported)
    assert len(data["rules"]) == published_rule_set().rules.count()
    assert {"classes", "names"} <= set(data["vocabulary"])
    path = tmp_path / "rules.json"
    path.write_text(exported)

    out, _ = run("import", str(path))

    assert "Draft version 2" in out
    again, _ = run("export", "--version", "2")
    assert again == exported


def test_import_refuses_invalid_rules_naming_each_and_creates_nothing(tmp_path):
    data = json.loads(run("export")[0])
    data["rules"][0]["action"] = "maybe"
    data["rules"][2]["condition"] = {"all": [{"field": "vitilgo", "op": "equals", "value": 1}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    count = RuleSet.objects.count()

    with pytest.raises(CommandError) as error:
        run("import", str(path))

    assert error.value.returncode == 2
    assert RuleSet.objects.count() == count
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rules", "import", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue()
    assert f"rule 1 ({data['rules'][0]['code']}): action:" in lines
    assert f"rule 3 ({data['rules'][2]['code']}): condition.all[0]:" in lines
    assert "vitiligo" in lines


def test_scenarios_and_publish_from_the_command_line(tmp_path):
    out, _ = run("scenarios")
    assert f"{Scenario.objects.count()} of {Scenario.objects.count()} scenarios passed" in out
    data = json.loads(run("export")[0])
    for rule in data["rules"]:
        if rule["code"] == "PSORIASIS":
            rule["action"] = "caution"
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(data))
    run("import", str(path))

    with pytest.raises(CommandError):
        run("scenarios", "--draft")
    with pytest.raises(CommandError):
        run("publish", "--note", "Psoriasis as a caution")
    assert current_draft() is not None and published_rule_set().version == 1

    current_draft().delete()
    data = json.loads(run("export")[0])
    path.write_text(json.dumps(data))
    run("import", str(path))
    out, _ = run("publish", "--note", "Same rules, re-published")
    assert "Version 2 is published" in out and published_rule_set().version == 2
