"""Clinic layers over the safety floor: stricter only, and deciding for their clinic alone."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from screening.accounts.models import Role
from screening.records import impact
from screening.records.models import Screening, decided_fields
from screening.rules import editing, layers, versions
from screening.rules.models import Rule, Scenario
from screening.rules.services import decide, published_rule_set
from tests.api.support import call, intake, new_key
from tests.conftest import make_member
from tests.records.factories import make_client
from tests.rules.support import rule_post

ON = datetime.date(2026, 6, 1)
FILLER = {"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}
WITH_FILLER = intake(recent_procedures=[FILLER])


def floor_rule(code="RECENT_PROCEDURE", kind="dermal_filler"):
    """A rule of the floor in use (the seeded filler rule: postpone 180 days from the filler)."""
    for rule in published_rule_set().rules.filter(code=code):
        if kind in json.dumps(rule.condition):
            return rule
    raise LookupError(kind)


def stricter(rule, **changes):
    """The values of a layer rule that makes `rule` stricter, with `changes`."""
    values = {field: getattr(rule, field) for field in versions.RULE_FIELDS}
    values["overrides"] = rule.key
    values.update(changes)
    return values


def publish_layer(clinic, rule, note="Our filler wait is a year", **changes):
    draft = versions.start_draft(clinic)
    editing.save_rule(draft=draft, rule=None, values=stricter(rule, **changes), revision=None)
    return versions.publish_draft(user=None, note=note, clinic=clinic)


# The server refuses each kind of weakening, whatever sends it.


@pytest.mark.parametrize(
    ("changes", "field", "why"),
    [
        ({"action": "caution"}, "action", "never a milder one"),
        ({"wait_days": 90}, "wait_days", "never less"),
        ({"wait_unit": "months", "wait_days": 12}, "wait_unit", "Keep the floor's unit"),
        ({"condition": {"all": []}}, "condition", "cannot change when a floor rule fires"),
        ({"code": "MY_FILLER"}, "code", "keeps its code"),
    ],
)
def test_the_service_refuses_a_weaker_version_of_a_floor_rule(db, clinic, changes, field, why):
    draft = versions.start_draft(clinic)
    with pytest.raises(layers.LayerRefused) as refused:
        editing.save_rule(
            draft=draft, rule=None, values=stricter(floor_rule(), **changes), revision=None
        )
    assert why in refused.value.problems[field]
    assert not draft.rules.exists()


def test_the_service_refuses_to_delete_a_floor_rule_from_a_layer(db, clinic):
    draft = versions.start_draft(clinic)
    rule = floor_rule()
    with pytest.raises(layers.LayerRefused, match="cannot be deleted or switched off"):
        editing.delete_rule(draft=draft, rule_id=rule.pk)
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_the_service_refuses_to_make_a_saved_stricter_rule_milder_later(db, clinic):
    draft = versions.start_draft(clinic)
    values = stricter(floor_rule(), wait_days=365)
    saved = editing.save_rule(draft=draft, rule=None, values=values, revision=None)
    values.pop("overrides")  # a later edit form does not send it: the rule keeps it
    with pytest.raises(layers.LayerRefused):
        editing.save_rule(
            draft=draft, rule=saved, values={**values, "wait_days": 30}, revision=saved.revision
        )
    saved.refresh_from_db()
    assert saved.wait_days == 365


def test_a_layer_adds_names_with_a_floor_class_only(db, clinic):
    draft = versions.start_draft(clinic)
    with pytest.raises(layers.LayerRefused, match="silence the floor's caution"):
        editing.add_medication_name(
            draft=draft, name="quietol", generic="quietol", classes=[], revision=draft.revision
        )
    with pytest.raises(layers.LayerRefused, match="already in the safety floor"):
        editing.add_medication_name(
            draft=draft,
            name="warfarin",
            generic="warfarin",
            classes=["anticoagulant"],
            revision=draft.revision,
        )
    with pytest.raises(layers.LayerRefused, match="belong to the safety floor"):
        editing.add_medication_class(
            draft=draft, code="new_class", label="New", precaution="X", revision=draft.revision
        )
    assert not draft.medication_names.exists()


def test_a_publish_rechecks_the_layer_against_the_floor(db, clinic):
    """A stored rule that got milder than the floor (here written past the service) is refused."""
    draft = versions.start_draft(clinic)
    saved = editing.save_rule(
        draft=draft, rule=None, values=stricter(floor_rule(), wait_days=365), revision=None
    )
    Rule.objects.filter(pk=saved.pk).update(wait_days=20)
    with pytest.raises(versions.PublishRefused, match="would weaken the safety floor"):
        versions.publish_draft(user=None, note="x", clinic=clinic)
    assert versions.in_use(clinic) is None


# And the pages refuse them too, saying why.


@pytest.fixture
def layer_admin(client, clinic):
    client.force_login(make_member(clinic, Role.RULES_ADMIN))
    versions.start_draft(clinic)
    return client


def test_the_editor_refuses_a_shorter_wait_and_keeps_what_was_typed(db, layer_admin):
    rule = floor_rule()
    data = rule_post(rule, wait_days=30, revision="", overrides=str(rule.key))
    response = layer_admin.post(reverse("clinic_rules:rule_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The floor waits 180 days: a clinic may wait longer, never less." in page
    assert 'name="wait_days" value="30"' in page
    assert not Rule.objects.filter(rule_set__clinic__isnull=False).exists()


def test_the_editor_refuses_a_milder_action_and_an_edited_condition(db, layer_admin):
    rule = floor_rule()
    sooner = json.dumps(rule.condition).replace("180", "90")
    data = rule_post(
        rule, action="caution", wait_days="", wait_from="", condition=sooner, revision=""
    )
    data["overrides"] = str(rule.key)
    response = layer_admin.post(reverse("clinic_rules:rule_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "never a milder one" in page
    assert "cannot change when a floor rule fires" in page


def test_the_editor_refuses_to_delete_a_floor_rule(db, layer_admin):
    rule = floor_rule()
    response = layer_admin.post(reverse("clinic_rules:rule_delete", args=[rule.pk]), follow=True)
    assert "cannot be deleted or switched off" in response.content.decode()
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_the_editor_opens_a_floor_rule_to_make_stricter_and_saves_a_longer_wait(db, layer_admin):
    rule = floor_rule()
    form = layer_admin.get(reverse("clinic_rules:rule_new") + f"?stricter={rule.pk}")
    assert "makes a safety-floor rule stricter" in form.content.decode()
    data = rule_post(rule, wait_days=365, revision="", overrides=str(rule.key))
    response = layer_admin.post(reverse("clinic_rules:rule_new"), data)
    assert response.status_code == 302
    saved = Rule.objects.get(rule_set__clinic__isnull=False)
    assert (saved.overrides, saved.wait_days) == (rule.key, 365)
    detail = layer_admin.get(response["Location"]).content.decode()
    assert "stricter than the floor" in detail and "made stricter in this layer" in detail


# Deciding: the floor and the clinic's layer together, for that clinic only.


def test_a_stricter_layer_changes_its_clinics_decisions_and_no_other_clinics(
    db, clinic, other_clinic
):
    publish_layer(clinic, floor_rule(), wait_days=365)

    own, _ = decide(WITH_FILLER, on=ON, clinic=clinic)
    other, _ = decide(WITH_FILLER, on=ON, clinic=other_clinic)
    alone, _ = decide(WITH_FILLER, on=ON)

    assert own["clinic_layer_version"] == 1
    assert [(f["rule"], f["layer"], f.get("rescreen_after_days")) for f in own["findings"]] == [
        ("RECENT_PROCEDURE", "clinic", 355)
    ]
    assert own["rescreen_after"] == "2027-05-22"
    for decision in (other, alone):
        assert decision["clinic_layer_version"] is None
        assert [(f["layer"], f.get("rescreen_after_days")) for f in decision["findings"]] == [
            ("floor", 170)
        ]


def test_a_longer_wait_holds_until_it_is_over_not_only_within_the_floors(db, clinic, other_clinic):
    publish_layer(clinic, floor_rule(), wait_days=365)
    day_200 = intake(recent_procedures=[{**FILLER, "days_ago": 200}])  # past the floor's 180

    own, _ = decide(day_200, on=ON, clinic=clinic)
    other, _ = decide(day_200, on=ON, clinic=other_clinic)

    assert own["outcome"] == "postpone"
    assert [(f["rule"], f["layer"], f.get("rescreen_after_days")) for f in own["findings"]] == [
        ("RECENT_PROCEDURE", "clinic", 165)
    ]
    assert other["outcome"] == "proceed" and other["findings"] == []
    day_400 = intake(recent_procedures=[{**FILLER, "days_ago": 400}])
    assert decide(day_400, on=ON, clinic=clinic)[0]["outcome"] == "proceed"


def test_the_layers_page_shows_the_window_its_longer_wait_decides_with(db, layer_admin, clinic):
    layer = publish_layer(clinic, floor_rule(), wait_days=365)

    page = layer_admin.get(reverse("clinic_rules:version", args=[layer.version])).content.decode()

    own_rules = page[: page.index("Every clinic's screenings use these")]
    assert "is less than 365" in own_rules and "is less than 180" not in own_rules


def publish_filler_referral(clinic):
    """A layer with a rule of its own: refer a client with filler in the area recently."""
    draft = versions.start_draft(clinic)
    editing.save_rule(
        draft=draft,
        rule=None,
        values={
            **stricter(floor_rule(), overrides=None),
            "code": "OUR_DEVICE_FILLER",
            "title": "Filler near our device's needles",
            "action": "refer",
            "wait_days": None,
            "wait_from": "",
        },
        revision=None,
    )
    versions.publish_draft(user=None, note="Refer after filler", clinic=clinic)


def test_a_floor_drafts_impact_preview_judges_each_clinic_with_its_layer(
    db, clinic, other_clinic, practitioner
):
    publish_filler_referral(clinic)
    for where in (clinic, other_clinic):
        decision, version = decide(WITH_FILLER, on=ON, clinic=where)
        Screening.objects.create(
            clinic=where,
            client=make_client(where),
            practitioner=practitioner,
            screened_on=ON,
            intake=WITH_FILLER,
            **decided_fields(decision, version),
        )
    assert sorted(Screening.objects.values_list("outcome", flat=True)) == ["postpone", "refer"]

    unchanged_floor = versions.start_draft()
    run = impact.run_to_end(impact.start_run(rule_set=unchanged_floor, user=None, clinic=None))

    assert run.done == 2 and run.changes == {}  # the clinic's layer still refers its client


def test_a_layer_rule_of_its_own_can_raise_the_outcome(db, clinic, other_clinic):
    publish_filler_referral(clinic)

    own, _ = decide(WITH_FILLER, on=ON, clinic=clinic)
    assert own["outcome"] == "refer"
    assert [(f["rule"], f["layer"]) for f in own["findings"]] == [
        ("OUR_DEVICE_FILLER", "clinic"),
        ("RECENT_PROCEDURE", "floor"),
    ]
    assert decide(WITH_FILLER, on=ON, clinic=other_clinic)[0]["outcome"] == "postpone"


def test_every_way_of_screening_uses_the_clinics_layer(db, client, clinic, other_clinic):
    publish_layer(clinic, floor_rule(), wait_days=365)
    path = "/api/v1/evaluate?on=2026-06-01"

    api = call(client, "post", path, new_key(clinic, ["evaluate"])[1], body=WITH_FILLER).json()
    other = call(client, "post", path, new_key(other_clinic, ["evaluate"])[1], body=WITH_FILLER)
    out = StringIO()
    call_command("screen", "-", "--on", "2026-06-01", "--clinic", clinic.name, stdout=out)

    assert api["clinic_layer_version"] == 1 and api["findings"][0]["layer"] == "clinic"
    assert other.json()["clinic_layer_version"] is None
    assert json.loads(out.getvalue()) == api


@pytest.fixture
def stdin_filler(monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(json.dumps(WITH_FILLER)))


test_every_way_of_screening_uses_the_clinics_layer = pytest.mark.usefixtures("stdin_filler")(
    test_every_way_of_screening_uses_the_clinics_layer
)


def test_screen_refuses_an_unknown_clinic(db, tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(WITH_FILLER))
    with pytest.raises(Exception, match="no clinic called 'Nowhere'"):
        call_command("screen", str(path), "--clinic", "Nowhere")


def test_a_consultation_record_keeps_both_versions(db, client, clinic):
    from screening.records.services import record_screening

    publish_layer(clinic, floor_rule(), wait_days=365)
    practitioner = make_member(clinic, Role.PRACTITIONER)
    answers = {**WITH_FILLER, "client": {"name": "Ada Test", "date_of_birth": "1990-01-01"}}
    screening = record_screening(clinic=clinic, practitioner=practitioner, intake=answers)

    assert screening.decision["clinic_layer_version"] == 1
    client.force_login(practitioner)
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "clinic rules version 1" in page


# The floor's scenarios run with every layer; the layer's own run with it alone.


def test_the_floors_scenarios_run_with_a_layer_with_the_clinics_own(db, clinic, other_clinic):
    draft = versions.start_draft(clinic)
    editing.save_rule(
        draft=draft,
        rule=None,
        values=stricter(floor_rule(), action="refer", wait_days=None, wait_from=""),
        revision=None,
    )
    Scenario.objects.create(
        name="Our filler rule refers",
        clinic=clinic,
        intake=WITH_FILLER,
        expected_outcome="refer",
        required_codes=["RECENT_PROCEDURE"],
    )
    Scenario.objects.create(
        name="Another clinic's", clinic=other_clinic, intake=WITH_FILLER, expected_outcome="proceed"
    )
    floor_count = Scenario.objects.filter(clinic=None, active=True).count()

    results = versions.check_publishable(draft)

    assert len(results) == floor_count + 1
    filler = next(r for r in results if r.scenario.name == "RECENT_PROCEDURE-dermal_filler")
    assert filler.passed and filler.outcome == "refer"  # expected postpone, or stricter
    assert "Another clinic's" not in {r.scenario.name for r in results}


def test_a_failing_scenario_of_the_clinic_refuses_the_layer(db, clinic):
    draft = versions.start_draft(clinic)
    Scenario.objects.create(
        name="Filler refers here", clinic=clinic, intake=WITH_FILLER, expected_outcome="refer"
    )
    with pytest.raises(versions.PublishRefused, match="1 of"):
        versions.publish_draft(user=None, note="x", clinic=clinic)
    assert draft.rules.count() == 0 and versions.in_use(clinic) is None


# When the floor changes, each layer is checked again and the clinic is told.


def test_a_floor_change_flags_the_layer_rules_it_contradicts_or_duplicates(db, client, clinic):
    publish_layer(clinic, floor_rule(), wait_days=365)
    floor_draft = versions.start_draft()
    filler = floor_draft.rules.get(key=floor_rule().key)
    values = {field: getattr(filler, field) for field in versions.RULE_FIELDS}
    editing.save_rule(
        draft=floor_draft, rule=filler, values={**values, "wait_days": 400}, revision=1
    )
    admin = make_member(clinic, Role.RULES_ADMIN)
    client.force_login(admin)
    published = client.post(reverse("rules:publish"), {"note": "Filler: 400 days"}, follow=True)

    assert "Clinic A's own rules need a look with floor v2 (1 problem)" in (
        published.content.decode().replace("&#x27;", "'")
    )
    page = client.get(reverse("clinic_rules:versions")).content.decode()
    assert "contradicts the floor v2" in page and "never less" in page
    # Meanwhile the floor's longer wait applies to the clinic's screenings.
    decision, _ = decide(WITH_FILLER, on=ON, clinic=clinic)
    assert max(f.get("rescreen_after_days") or 0 for f in decision["findings"]) == 390


def test_a_layer_rule_the_same_as_a_floor_rule_is_flagged_as_a_duplicate(db, clinic):
    publish_layer(clinic, floor_rule())  # "stricter" with nothing changed
    problems = versions.layer_problems(versions.in_use(clinic), published_rule_set())
    assert problems == [
        "Dermal filler in the area recently (RECENT_PROCEDURE) duplicates the floor's rule: "
        "it is no stricter."
    ]
