"""The life cycle of versions: draft, publish, read-only, rollback, diff."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from screening.records.models import Screening
from screening.rules import versions
from screening.rules.diff import diff_versions
from screening.rules.models import (
    MedicationClass,
    MedicationName,
    PublishedRuleSetReadOnly,
    Rule,
    RuleSet,
    RuleSetStatus,
)
from screening.rules.services import published_rule_set
from tests.records.factories import make_screening
from tests.rules.support import draft_rule

pytestmark = pytest.mark.django_db


def test_it_copies_the_published_version_into_one_draft():
    v1 = published_rule_set()
    draft = versions.start_draft()

    assert draft.status == RuleSetStatus.DRAFT and draft.version == 2 and draft.copied_from == 1
    assert draft.rules.count() == v1.rules.count()
    assert set(draft.rules.values_list("key", flat=True)) == set(
        v1.rules.values_list("key", flat=True)
    )
    assert draft.medication_names.count() == v1.medication_names.count()
    assert versions.start_draft() == draft
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(version=9, status=RuleSetStatus.DRAFT)


def test_it_keeps_published_versions_read_only():
    v1 = published_rule_set()
    rule = v1.rules.first()
    rule.message = "changed"
    with pytest.raises(PublishedRuleSetReadOnly):
        rule.save()
    with pytest.raises(PublishedRuleSetReadOnly):
        rule.delete()
    with pytest.raises(PublishedRuleSetReadOnly):
        v1.medication_names.first().delete()
    with pytest.raises(PublishedRuleSetReadOnly):
        MedicationName.objects.create(rule_set=v1, name="newdrug", generic="newdrug")
    v1.note = "rewritten"
    with pytest.raises(PublishedRuleSetReadOnly):
        v1.save()
    assert Rule.objects.get(pk=rule.pk).message != "changed"


@pytest.mark.parametrize(
    "published_rows",
    [
        lambda v1: RuleSet.objects.filter(pk=v1.pk),
        lambda v1: Rule.objects.filter(rule_set=v1),
        lambda v1: MedicationClass.objects.filter(rule_set=v1),
        lambda v1: MedicationName.objects.filter(rule_set=v1),
    ],
    ids=["rule sets", "rules", "classes", "names"],
)
def test_it_refuses_bulk_writes_to_published_versions(published_rows):
    v1 = published_rule_set()
    before = published_rows(v1).count()
    with pytest.raises(PublishedRuleSetReadOnly):
        published_rows(v1).update(pk=F("pk"))
    with pytest.raises(PublishedRuleSetReadOnly):
        published_rows(v1).delete()
    assert published_rows(v1).count() == before > 0


def test_it_allows_bulk_writes_to_the_draft():
    draft = versions.start_draft()
    assert Rule.objects.filter(rule_set=draft).update(reviewed_on=datetime.date(2026, 1, 5)) > 0
    MedicationName.objects.filter(rule_set=draft, name="warfarin").delete()
    assert not draft.medication_names.filter(name="warfarin").exists()
    assert published_rule_set().medication_names.filter(name="warfarin").exists()


def test_it_publishes_the_draft_with_a_note_and_old_records_keep_their_decisions(
    clinic, practitioner, rules_admin
):
    old = make_screening(clinic=clinic, practitioner=practitioner)
    draft, rule = draft_rule("VITILIGO_FAMILY_HISTORY")
    rule.action, rule.message = "caution", "Family history: watch for depigmentation."
    rule.save()

    with pytest.raises(versions.PublishRefused):
        versions.publish_draft(user=rules_admin, note="  ")
    # The scenarios expect VITILIGO_FAMILY_HISTORY to refer: the publish is refused.
    with pytest.raises(versions.PublishRefused) as refused:
        versions.publish_draft(user=rules_admin, note="Family history is a caution")
    assert {r.scenario.name for r in refused.value.failures} == {"VITILIGO_FAMILY_HISTORY-relative"}
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT

    rule.action = "refer"
    rule.save()
    published = versions.publish_draft(user=rules_admin, note="Clearer message")

    assert published.status == RuleSetStatus.PUBLISHED and published.published_by == rules_admin
    assert published.note == "Clearer message" and published.published_at is not None
    assert published_rule_set() == published
    old = Screening.objects.get(pk=old.pk)
    assert old.rule_set_version == 1
    assert old.decision["findings"][0]["message"] != "Family history: watch for depigmentation."
    new = make_screening(clinic=clinic, practitioner=practitioner)
    assert new.rule_set_version == 2
    assert new.decision["findings"][0]["message"] == "Family history: watch for depigmentation."


def test_it_rolls_back_by_publishing_a_copy(rules_admin):
    draft, rule = draft_rule("PSORIASIS")
    rule.message = "v2 message"
    rule.save()
    versions.publish_draft(user=rules_admin, note="v2")

    v3 = versions.roll_back_to(version=1, user=rules_admin, note="back to v1")

    assert v3.version == 3 and v3.copied_from == 1 and published_rule_set() == v3
    assert v3.rules.get(code="PSORIASIS").message != "v2 message"
    assert diff_versions(RuleSet.objects.get(version=1), v3).empty


def test_it_refuses_a_rollback_while_a_draft_is_open(rules_admin):
    versions.start_draft()
    with pytest.raises(versions.VersionRefused):
        versions.roll_back_to(version=1, user=rules_admin, note="x")


def test_it_diffs_rules_by_key_and_names_by_name():
    v1 = published_rule_set()
    draft, rule = draft_rule("PSORIASIS")
    rule.message, rule.position = "new words", 999
    rule.save()
    removed = draft.rules.get(code="KERATOSIS_PILARIS")
    removed.delete()
    Rule.objects.create(
        rule_set=draft,
        code="NEW_RULE",
        action="caution",
        message="m",
        client_message="c",
        source="s",
        condition={"all": [{"field": "pregnant", "op": "equals", "value": True}]},
    )
    MedicationName.objects.create(rule_set=draft, name="newdrug", generic="newdrug")
    changed = draft.medication_names.get(name="warfarin")
    changed.generic = "warfarin sodium"
    changed.save()

    diff = diff_versions(v1, draft)

    assert [r.code for r in diff.added] == ["NEW_RULE"]
    assert [r.code for r in diff.removed] == ["KERATOSIS_PILARIS"]
    assert [(c.code, [f[0] for f in c.fields]) for c in diff.changed] == [
        ("PSORIASIS", ["Message"])
    ]
    assert [n.name for n in diff.names_added] == ["newdrug"]
    assert diff.names_changed == [("warfarin", [("generic", "warfarin", "warfarin sodium")])]


def test_compare_versions_shows_a_changed_condition_in_words(client, rules_admin):
    v1 = published_rule_set()
    draft, rule = draft_rule("TATTOO_PMU_IN_AREA")
    rule.condition = {"all": [{"field": "client_age_years", "op": "lte", "value": 17}]}
    rule.save()
    client.force_login(rules_admin)

    page = client.get(reverse("rules:diff") + f"?old={v1.version}&new={draft.version}")

    text = page.content.decode()
    assert "Age (years) is at most 17" in text
    assert "Tattoo or permanent make-up in the area is yes" in text
    assert "{&#x27;field&#x27;" not in text and "&#x27;op&#x27;" not in text


def test_it_flags_rules_not_reviewed_for_a_year():
    rule = Rule(reviewed_on=datetime.date(2025, 1, 1))
    assert versions.needs_review(rule, today=datetime.date(2026, 6, 1))
    assert not versions.needs_review(rule, today=datetime.date(2025, 6, 1))
    assert versions.needs_review(Rule(reviewed_on=None))


def test_the_pages_walk_through_draft_publish_and_rollback(client, rules_admin):
    client.force_login(rules_admin)
    response = client.post(reverse("rules:draft_start"))
    assert response.status_code == 302
    assert RuleSet.objects.filter(status="draft").count() == 1

    response = client.post(reverse("rules:publish"), {"note": ""})
    assert response.status_code == 400 and b"change note" in response.content
    response = client.post(reverse("rules:publish"), {"note": "No change, re-published"})
    assert response.status_code == 302 and published_rule_set().version == 2

    response = client.post(reverse("rules:rollback", args=[1]), {"note": "Back"})
    assert response.status_code == 302 and published_rule_set().version == 3
    page = client.get(reverse("rules:versions")).content.decode()
    assert "Back" in page and "in use" in page
    assert client.get(reverse("rules:diff") + "?old=1&new=3").status_code == 200


def test_views_refuse_edits_of_published_versions(client, rules_admin):
    client.force_login(rules_admin)
    rule = published_rule_set().rules.first()
    assert client.get(reverse("rules:rule_edit", args=[rule.pk])).status_code == 404
    assert client.post(reverse("rules:rule_delete", args=[rule.pk])).status_code == 404
    response = client.post(reverse("rules:vocabulary", args=[1]), {"name": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["rules:draft_start", "rules:draft_discard", "impact:start", "rules:publish"],
)
def test_the_post_endpoints_refuse_other_roles(client, clinic, name):
    from screening.accounts.models import Role
    from tests.conftest import make_member

    versions.start_draft()
    for role in [Role.PRACTITIONER, Role.RECORDS_KEEPER]:
        client.force_login(make_member(clinic, role))
        assert client.post(reverse(name), {"note": "x"}).status_code == 403
    assert published_rule_set().version == 1 and versions.current_draft() is not None


def test_it_discards_the_draft(client, rules_admin):
    client.force_login(rules_admin)
    versions.start_draft()
    assert client.post(reverse("rules:draft_discard")).status_code == 302
    assert versions.current_draft() is None and RuleSet.objects.count() == 1


def test_the_rules_page_marks_rules_due_for_review(client, rules_admin):
    client.force_login(rules_admin)
    draft, rule = draft_rule("PSORIASIS")
    page = client.get(reverse("rules:version", args=[draft.version])).content.decode()
    assert "review due" in page and "never reviewed" in page
    rule.reviewed_on = datetime.date.today()
    rule.save()
    rows = client.get(reverse("rules:version", args=[draft.version])).context["rows"]
    assert not next(r for r in rows if r["rule"].pk == rule.pk)["needs_review"]
