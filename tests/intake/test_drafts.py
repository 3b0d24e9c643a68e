"""Unfinished consultations: none made before an answer, discarded on request (confirmed,
audited), and removed by `manage.py prune_drafts` when untouched for 30 days."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from screening.accounts.models import Role
from screening.audit.models import AuditAction, AuditEvent
from screening.intake.invitations import create_invitation
from screening.intake.models import Draft, Invitation
from screening.intake.services import discard_draft
from tests.conftest import make_member
from tests.intake.factories import answers, make_draft

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def new_address(client):
    return client.get(reverse("intake:new"))["Location"]


def test_an_autosave_with_nothing_typed_makes_no_draft(signed_in):
    save = new_address(signed_in) + "save/"

    body = signed_in.post(save, {"client_name": "  ", "treatment_goal": ""}, **JSON).json()
    response = signed_in.post(save, {"client_name": ""})

    assert body["saved_at"] is None
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_the_first_answer_makes_the_draft_which_later_saves_update(signed_in, practitioner):
    page = new_address(signed_in)

    signed_in.post(page + "save/", {"client_name": "Ada"}, **JSON)
    signed_in.post(page + "save/", {"client_name": "Ada Lovelace"}, **JSON)

    draft = Draft.objects.get()
    assert draft.get_absolute_url() == page and draft.practitioner == practitioner
    assert draft.data == {"client_name": ["Ada Lovelace"]}


def test_a_client_screened_without_any_save_before_gets_a_record(signed_in):
    page = new_address(signed_in)

    response = signed_in.post(page, answers())

    draft = Draft.objects.get()
    assert response["Location"] == draft.screening.get_absolute_url()


def test_a_failed_first_submit_keeps_what_was_typed(signed_in):
    page = new_address(signed_in)

    signed_in.post(page, answers(pregnant=None))

    assert Draft.objects.get().data["client_name"] == ["Ada Lovelace"]


def test_someone_elses_draft_address_stays_not_found(signed_in, clinic):
    theirs = make_draft(clinic, make_member(clinic, Role.PRACTITIONER), {"client_name": ["X"]})

    assert signed_in.get(theirs.get_absolute_url()).status_code == 404
    assert (
        signed_in.post(theirs.get_absolute_url() + "save/", {"client_name": "Y"}).status_code == 404
    )
    assert signed_in.post(reverse("intake:discard", args=[theirs.token])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.data == {"client_name": ["X"]}


def test_discarding_asks_first_then_deletes_and_audits(signed_in, clinic, practitioner):
    draft = make_draft(clinic, practitioner, {"client_name": ["Grace Hopper"]})
    url = reverse("intake:discard", args=[draft.token])

    confirm = signed_in.get(url).content.decode()
    assert Draft.objects.filter(pk=draft.pk).exists()
    assert "Discard this unfinished consultation?" in confirm and "Grace Hopper" in confirm

    response = signed_in.post(url)

    assert response["Location"] == reverse("home")
    assert not Draft.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DRAFT_DISCARDED)
    assert (event.user, event.object_id) == (practitioner, str(draft.pk))
    home = signed_in.get(reverse("home")).content.decode()
    assert "consultation is discarded" in home and "Resume: Grace Hopper" not in home


def test_a_screened_consultation_is_never_discarded(signed_in, clinic, practitioner):
    draft = make_draft(clinic, practitioner)
    signed_in.post(draft.get_absolute_url(), answers())

    response = signed_in.post(reverse("intake:discard", args=[draft.token]))

    draft.refresh_from_db()
    assert response["Location"] == draft.screening.get_absolute_url()


def test_discarding_a_reviewed_invitations_draft_sends_it_back_for_review(clinic, practitioner):
    invitation, _token = create_invitation(clinic=clinic, practitioner=practitioner)
    draft = make_draft(clinic, practitioner, {"client_name": ["Sent Before"]})
    Invitation.objects.filter(pk=invitation.pk).update(
        submitted_at=timezone.now(), reviewed_at=timezone.now(), draft=draft
    )
    discard_draft(draft, user=practitioner)

    invitation.refresh_from_db()
    assert (invitation.draft, invitation.reviewed_at) == (None, None)
    assert invitation in Invitation.objects.ready_for_review()


def test_prune_drafts_removes_only_unfinished_drafts_untouched_for_30_days(
    clinic, practitioner, client
):
    old, recent, screened = (make_draft(clinic, practitioner, {"client_name": [n]}) for n in "ABC")
    client.force_login(practitioner)
    client.post(screened.get_absolute_url(), answers())
    long_ago = timezone.now() - datetime.timedelta(days=31)
    Draft.objects.filter(pk__in=[old.pk, screened.pk]).update(updated_at=long_ago)
    Draft.objects.filter(pk=recent.pk).update(updated_at=long_ago + datetime.timedelta(days=2))
    out = io.StringIO()

    call_command("prune_drafts", stdout=out)

    assert set(Draft.objects.values_list("pk", flat=True)) == {recent.pk, screened.pk}
    assert out.getvalue().strip() == "Removed 1 unfinished consultation."
    event = AuditEvent.objects.get(action=AuditAction.DRAFT_DISCARDED)
    assert (event.user, event.object_id) == (None, str(old.pk))


def test_prune_drafts_refuses_a_day_count_below_one():
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("prune_drafts", "--days", "0")
