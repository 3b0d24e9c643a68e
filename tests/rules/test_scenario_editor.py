"""Rules admins write the scenarios that guard every publish."""

import copy
import json

import pytest
from django.urls import reverse

from screening.rules import versions
from screening.rules.models import Scenario
from tests.engine.baseline import BASELINE
from tests.rules.support import draft_rule

pytestmark = pytest.mark.django_db

NEW = reverse("rules:scenario_new")


def scenario_post(**changes) -> dict:
    intake = copy.deepcopy(BASELINE)
    intake.update(changes.pop("answers", {}))
    data = {
        "name": "Latex allergy",
        "intake": json.dumps(intake),
        "expected_outcome": "proceed",
        "required_codes": "ALLERGY_OTHER_PRODUCT",
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, rules_admin):
    client.force_login(rules_admin)
    return client


def test_it_adds_a_scenario_that_the_next_publish_runs(admin_client, rules_admin):
    response = admin_client.post(NEW, scenario_post(answers={"allergies": ["latex"]}))

    assert response.status_code == 302 and response["Location"] == reverse("rules:scenarios")
    added = Scenario.objects.get(name="Latex allergy")
    assert added.intake["allergies"] == ["latex"]
    assert added.required_codes == ["ALLERGY_OTHER_PRODUCT"] and added.active
    assert "Latex allergy" in admin_client.get(reverse("rules:scenarios")).content.decode()

    # A draft that stops flagging latex cannot be published past the new scenario.
    draft, rule = draft_rule("ALLERGY_OTHER_PRODUCT")
    rule.condition = {"all": [{"field": "allergies", "op": "contains", "value": "fragrance"}]}
    rule.save()
    with pytest.raises(versions.PublishRefused) as refused:
        versions.publish_draft(user=rules_admin, note="Latex is no longer a caution")
    assert "Latex allergy" in {result.scenario.name for result in refused.value.failures}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"intake": '{"pregnant": tru}'}, "intake", "intake is not valid JSON"),
        ({"answers": {"pregnant": "maybe"}}, "intake", "pregnant"),
        ({"required_codes": "ALERGY_OTHER_PRODUCT"}, "required_codes", "ALLERGY_OTHER_PRODUCT"),
        ({"name": "Healthy baseline"}, "name", "another scenario is called"),
        ({"expected_outcome": "maybe"}, "expected_outcome", "maybe"),
    ],
)
def test_it_names_what_is_wrong_and_keeps_what_was_typed(admin_client, changes, field, message):
    data = scenario_post(**changes)
    response = admin_client.post(NEW, data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    html = response.content.decode()
    assert "The scenario was not saved" in html
    assert 'value="Latex allergy"' in html or data["name"] in html
    assert not Scenario.objects.filter(name="Latex allergy").exists()


def test_it_edits_and_deactivates_a_scenario_keeping_its_history(admin_client, rules_admin):
    scenario = Scenario.objects.get(name="Healthy baseline")
    url = reverse("rules:scenario_edit", args=[scenario.pk])
    form = admin_client.get(url).context["form"]
    data = {**form.initial, "active": ""}

    assert admin_client.post(url, data).status_code == 302

    scenario.refresh_from_db()
    assert not scenario.active
    latest = scenario.history.first()
    assert (latest.active, latest.history_user) == (False, rules_admin)
    page = admin_client.get(reverse("rules:scenarios")).content.decode()
    assert 'id="inactive-scenarios"' in page and "Healthy baseline" in page


def test_a_new_scenario_starts_from_a_copy_or_a_clean_baseline(admin_client):
    refer = Scenario.objects.filter(expected_outcome="refer").first()
    copied = admin_client.get(NEW, {"copy": refer.pk}).context["form"].initial
    assert copied["name"] == f"{refer.name} (copy)"
    assert json.loads(copied["intake"]) == refer.intake

    clean = admin_client.get(NEW).context["form"].initial
    assert clean["expected_outcome"] == "proceed" and clean["required_codes"] == ""
