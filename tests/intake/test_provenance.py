"""Who gave each answer: the client before the visit, or the practitioner at the review."""

import pytest
from django.urls import reverse

from screening.intake.invitations import create_invitation, submit
from screening.intake.review import REVIEW_SECTIONS, checked_name
from screening.records.models import ClientAnswers, Screening
from tests.intake.factories import answers


@pytest.fixture
def reviewed(client, clinic, practitioner, seeded_rules):
    """The client sent their answers (eczema in the past); the practitioner opened the review."""
    invitation, _token = create_invitation(clinic=clinic, practitioner=practitioner)
    sent = {
        name: [value] if isinstance(value, str) else value
        for name, value in answers(client_name="Mary Seacole", eczema="history").items()
    }
    assert submit(invitation, sent)
    client.force_login(practitioner)
    client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    invitation.refresh_from_db()
    return invitation.draft


def screen(client, draft, **changes):
    """Submit the consultation page as the browser does (a review's page says it is one)."""
    page = client.get(draft.get_absolute_url()).content.decode()
    review = {}
    if 'name="review" value="1"' in page:  # a review: every section ticked as checked
        review = {"review": "1", **{checked_name(key): "on" for key, _ in REVIEW_SECTIONS}}
    client.post(
        draft.get_absolute_url(), {**answers(client_name="Mary Seacole", **changes), **review}
    )
    return Screening.objects.get()


def test_the_record_marks_the_clients_answers_and_what_the_practitioner_changed(
    client, reviewed, records_keeper
):
    screening = screen(client, reviewed, eczema="none", fitzpatrick_type="3")

    kept = ClientAnswers.objects.get(screening=screening)
    assert kept.intake["eczema"] == "history"
    assert kept.intake["fitzpatrick_type"] == 2
    assert screening.intake["eczema"] == "none"

    page = client.get(screening.get_absolute_url()).content.decode()
    assert "The client answered before the visit" in page
    assert page.count("Changed by the practitioner") == 1 + 2  # the key, and two answers
    assert "the client answered: Past eczema, no flare now" in page
    assert page.count("answer-by-client") > 30

    client.force_login(records_keeper)
    export = client.get(reverse("records:client_export", args=[screening.client_id])).json()
    given = export["screenings"][0]["answers_given_by"]
    assert given["given_by"]["pregnant"] == "client"
    assert given["given_by"]["eczema"] == "changed"
    assert sorted(
        (change["field"], change["client_answer"], change["recorded_answer"])
        for change in given["changed_by_practitioner"]
    ) == [("eczema", "history", "none"), ("fitzpatrick_type", 2, 3)]


def test_answers_taken_as_sent_are_all_the_clients(client, reviewed):
    screening = screen(client, reviewed, eczema="history")

    page = client.get(screening.get_absolute_url()).content.decode()
    assert "answer-changed" not in page
    assert "answer-by-practitioner" not in page


def test_a_consultation_at_the_chair_is_all_the_practitioners(
    client, practitioner, records_keeper, seeded_rules
):
    client.force_login(practitioner)
    page = client.get(reverse("intake:new"))["Location"]
    client.post(page + "save/", {"client_name": "Mary Seacole"})
    draft = practitioner.consultation_drafts.get()
    screening = screen(client, draft)

    assert not ClientAnswers.objects.exists()
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "Every answer was given at the consultation" in page
    client.force_login(records_keeper)
    export = client.get(reverse("records:client_export", args=[screening.client_id])).json()
    assert export["screenings"][0]["answers_given_by"] is None
