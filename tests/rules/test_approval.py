"""A second person's approval: a publish takes effect when another medical director approves."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from screening.accounts.models import Role
from screening.audit.models import AuditEvent
from screening.rules import approval, editing, versions
from screening.rules.models import PublishRequest
from tests.conftest import make_member
from tests.rules.test_layers import floor_rule, stricter


@pytest.fixture(autouse=True)
def approval_required(settings):
    settings.RULES_APPROVAL_WAIVED = False


@pytest.fixture
def author(clinic):
    return make_member(clinic, Role.RULES_ADMIN)


@pytest.fixture
def director(clinic):
    return make_member(clinic, Role.MEDICAL_DIRECTOR)


@pytest.fixture
def floor_director(other_clinic):
    user = make_member(other_clinic, Role.MEDICAL_DIRECTOR)
    user.membership.approves_floor = True
    user.membership.save()
    return user


def ask_for_stricter_filler(clinic, author, wait_days=365):
    draft = versions.start_draft(clinic)
    values = stricter(floor_rule(), wait_days=wait_days)
    editing.save_rule(draft=draft, rule=None, values=values, revision=None)
    return approval.request_publish(user=author, note="A year after filler", clinic=clinic)


def test_publishing_alone_is_refused_while_approval_is_required(db, clinic):
    versions.start_draft(clinic)
    with pytest.raises(versions.PublishRefused, match="needs a medical director's approval"):
        versions.publish_draft(user=None, note="x", clinic=clinic)
    with pytest.raises(CommandError, match="needs a medical director's approval"):
        call_command("rules", "publish", "--note", "x")  # the floor's draft: none, refused first
    assert versions.in_use(clinic) is None


def test_an_approved_request_publishes_and_is_kept_with_its_version(db, clinic, author, director):
    asked = ask_for_stricter_filler(clinic, author)

    published = approval.approve(request_id=asked.pk, clinic=clinic, user=director)

    asked.refresh_from_db()
    assert versions.in_use(clinic) == published and published.version == 1
    assert (asked.status, asked.decided_by, asked.published_version) == ("approved", director, 1)
    actions = set(AuditEvent.objects.for_object(asked).values_list("action", flat=True))
    assert actions == {"rules_requested", "rules_approved"}


def test_a_rejected_request_publishes_nothing_and_needs_a_comment(db, clinic, author, director):
    asked = ask_for_stricter_filler(clinic, author)
    with pytest.raises(approval.ApprovalRefused, match="Write a comment"):
        approval.reject(request_id=asked.pk, clinic=clinic, user=director, comment=" ")

    approval.reject(request_id=asked.pk, clinic=clinic, user=director, comment="Cite a source")

    asked.refresh_from_db()
    assert (asked.status, asked.comment, asked.published_version) == (
        "rejected",
        "Cite a source",
        None,
    )
    assert versions.in_use(clinic) is None and versions.current_draft(clinic) is not None
    assert AuditEvent.objects.for_object(asked).filter(action="rules_rejected").exists()
    with pytest.raises(approval.ApprovalRefused, match="already answered"):
        approval.approve(request_id=asked.pk, clinic=clinic, user=director)


def test_the_author_cannot_approve_their_own_request(db, clinic, director):
    other_director = make_member(clinic, Role.MEDICAL_DIRECTOR)
    asked = ask_for_stricter_filler(clinic, director)  # a medical director who asked

    with pytest.raises(approval.ApprovalRefused, match="another medical director"):
        approval.approve(request_id=asked.pk, clinic=clinic, user=director)
    assert versions.in_use(clinic) is None

    approval.approve(request_id=asked.pk, clinic=clinic, user=other_director)
    assert versions.in_use(clinic).version == 1


def test_only_the_right_medical_director_decides(
    db, clinic, other_clinic, author, director, floor_director
):
    layer_request = ask_for_stricter_filler(clinic, author)
    versions.start_draft()
    floor_request = approval.request_publish(user=author, note="Floor change")
    rules_admin = make_member(clinic, Role.RULES_ADMIN)

    refusals = [
        (layer_request, rules_admin, "Only a medical director"),
        (layer_request, floor_director, "a medical director of the clinic"),
        (floor_request, director, "the installation's medical director"),
    ]
    for asked, user, why in refusals:
        assert why in approval.why_not_decide(user, asked)
    approval.approve(request_id=floor_request.pk, clinic=None, user=floor_director)
    assert versions.in_use().version == 2


def test_a_draft_changed_after_the_request_is_not_published(db, clinic, author, director):
    asked = ask_for_stricter_filler(clinic, author)
    draft = versions.current_draft(clinic)
    rule = draft.rules.get()
    values = {field: getattr(rule, field) for field in versions.RULE_FIELDS}
    editing.save_rule(draft=draft, rule=rule, values={**values, "wait_days": 400}, revision=1)

    with pytest.raises(approval.ApprovalRefused, match="has changed since"):
        approval.approve(request_id=asked.pk, clinic=clinic, user=director)
    assert versions.in_use(clinic) is None


def test_a_rollback_opens_a_draft_to_approve(db, clinic, author, director):
    approval.approve(
        request_id=ask_for_stricter_filler(clinic, author).pk, clinic=clinic, user=director
    )
    approval.approve(
        request_id=ask_for_stricter_filler(clinic, author, 400).pk, clinic=clinic, user=director
    )
    copy = versions.roll_back_to(version=1, user=author, note="Back to a year", clinic=clinic)
    assert copy.is_draft and versions.in_use(clinic).version == 2


# The pages.


def test_the_publish_page_asks_and_the_director_approves_on_the_request_page(
    client, clinic, author, director
):
    draft = versions.start_draft(clinic)
    editing.save_rule(
        draft=draft, rule=None, values=stricter(floor_rule(), wait_days=365), revision=None
    )
    client.force_login(author)
    page = client.get(reverse("clinic_rules:publish")).content.decode()
    assert "Ask a medical director to approve version 1" in page
    asked = client.post(reverse("clinic_rules:publish"), {"note": "A year after filler"})
    publish_request = PublishRequest.objects.get()
    assert asked["Location"] == reverse("clinic_rules:request", args=[publish_request.pk])
    own = client.get(asked["Location"]).content.decode()
    assert "Only a medical director approves" in own and "All " in own
    assert "Added: Dermal filler in the area recently (postpone, wait 365 days)" in own

    client.force_login(director)
    response = client.post(reverse("clinic_rules:request_approve", args=[publish_request.pk]))
    assert response.status_code == 302
    assert versions.in_use(clinic).version == 1
    listed = client.get(reverse("clinic_rules:requests")).content.decode()
    assert "Approved and published" in listed and "v1" in listed


def test_the_request_page_shows_a_refusal(client, clinic, author, director):
    asked = ask_for_stricter_filler(clinic, director)
    client.force_login(director)
    response = client.post(reverse("clinic_rules:request_approve", args=[asked.pk]))
    assert response.status_code == 400
    assert "another medical director must approve it" in response.content.decode()


def test_another_clinics_request_is_not_found(client, clinic, other_clinic, author):
    asked = ask_for_stricter_filler(clinic, author)
    client.force_login(make_member(other_clinic, Role.MEDICAL_DIRECTOR))
    assert client.get(reverse("clinic_rules:request", args=[asked.pk])).status_code == 404
    response = client.post(reverse("clinic_rules:request_approve", args=[asked.pk]))
    assert response.status_code == 404 and versions.in_use(clinic) is None


@pytest.mark.parametrize("waived", [True, False])
def test_every_rules_page_says_when_approval_is_waived(client, settings, author, waived):
    settings.RULES_APPROVAL_WAIVED = waived
    client.force_login(author)
    for name in ("rules:versions", "rules:scenarios", "rules:requests", "clinic_rules:versions"):
        page = client.get(reverse(name)).content.decode()
        assert ("Approval is waived on this installation" in page) == waived, name


def test_a_director_reads_the_draft_they_approve_without_its_edit_controls(
    client, clinic, author, director
):
    asked = ask_for_stricter_filler(clinic, author)
    version = asked.version
    client.force_login(director)

    rules = client.get(reverse("clinic_rules:version", args=[version])).content.decode()
    assert "Dermal filler in the area recently" in rules and "wait 365 days" in rules
    for control in (">Add a rule<", ">Edit <", ">Delete <", ">Make stricter <"):
        assert control not in rules, control
    listed = client.get(reverse("clinic_rules:versions")).content.decode()
    assert "The draft's rules" in listed
    assert "Discard the draft" not in listed and "Preview and publish" not in listed
    scenarios = client.get(reverse("clinic_rules:scenarios")).content.decode()
    assert "scenarios passed" in scenarios and "New scenario" not in scenarios

    vocabulary_url = reverse("clinic_rules:vocabulary", args=[version])
    assert "Add the name" not in client.get(vocabulary_url).content.decode()
    refused = client.post(vocabulary_url, {"name": "Numbcaine", "classes": ["retinoid"]})
    assert refused.status_code == 403
    assert not versions.current_draft(clinic).medication_names.filter(name="Numbcaine").exists()
