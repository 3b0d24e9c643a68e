"""The practitioner's review of the client's answers: marked, checked section by section."""

import pytest
from django.urls import reverse

from screening.intake.invitations import create_invitation, submit
from screening.intake.review import REVIEW_SECTIONS, SECTION_OF_FIELD, checked_name
from screening.records.models import ClientAnswers, Screening
from tests.intake.factories import answers

CLIENT_SENT = answers(
    client_name="Mary Seacole",
    eczema="history",
    takes_medications="yes",
    medications="Xarelto 20 mg\nzzqx drops",
    has_allergies="yes",
    allergies=["other"],
    allergy_details="A rash from sticking plasters",
)
ALL_CHECKED = {checked_name(key): "on" for key, _title in REVIEW_SECTIONS}


@pytest.fixture
def review(client, clinic, practitioner, seeded_rules):
    """The consultation the practitioner opened from the client's sent answers."""
    invitation, _token = create_invitation(clinic=clinic, practitioner=practitioner)
    sent = {k: v if isinstance(v, list) else [v] for k, v in CLIENT_SENT.items()}
    assert submit(invitation, sent)
    client.force_login(practitioner)
    client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    invitation.refresh_from_db()
    return invitation.draft


def looks_of(page: str, label: str) -> str:
    """The review's line for one answer, from its label to the end of its definition."""
    start = page.index(f">{label}</dt>")
    return page[start : page.index("</dd>", start)]


def test_it_lists_the_clients_answers_and_marks_those_that_need_a_look(client, review):
    page = client.get(review.get_absolute_url()).content.decode()

    assert "The client's answers" in page
    assert 'value="Mary Seacole"' in page  # the form below is filled with them
    assert "Needs a look" in looks_of(page, "Eczema")
    assert "Caution" in looks_of(page, "Eczema")
    medicines = looks_of(page, "Medications")
    assert "Typed by the client" in medicines
    assert "Not recognised: zzqx drops" in medicines
    assert "Refer: Prescribed blood thinner or antiplatelet" in medicines
    assert "read it with them" in looks_of(page, "Allergy details")
    assert "Needs a look" not in looks_of(page, "Pregnant or may be pregnant")
    assert page.count('type="checkbox" name="checked_section_') == len(REVIEW_SECTIONS)


def test_screening_a_review_needs_every_section_checked(client, review):
    some = {checked_name("client"): "on", checked_name("infection"): "on"}
    posted = {**CLIENT_SENT, "review": "1", **some}

    page = client.post(review.get_absolute_url(), posted).content.decode()

    assert not Screening.objects.exists()
    titles = [title for key, title in REVIEW_SECTIONS if key not in ("client", "infection")]
    assert "Tick each section once you have checked it with the client" in page
    for title in titles:
        assert title in page
    assert f'name="{checked_name("client")}" id="{checked_name("client")}" checked' in page
    assert f'name="{checked_name("skin")}" id="{checked_name("skin")}">' in page
    assert 'value="Mary Seacole"' in page  # nothing typed is lost


def test_a_corrected_and_checked_review_is_screened(client, review):
    posted = {**CLIENT_SENT, "eczema": "none", "review": "1", **ALL_CHECKED}

    response = client.post(review.get_absolute_url(), posted)

    screening = Screening.objects.get()
    assert response["Location"] == screening.get_absolute_url()
    assert screening.intake["eczema"] == "none"
    assert screening.client_answers.intake["eczema"] == "history"


def test_every_answer_is_shown_in_the_section_that_asks_it():
    assert None not in SECTION_OF_FIELD.values()
    assert SECTION_OF_FIELD["eczema"] == "skin"
    assert SECTION_OF_FIELD["active_infections"] == "infection"
    assert SECTION_OF_FIELD["isotretinoin_last_dose_months_ago"] == "medicines"


def test_a_consultation_at_the_chair_has_no_review(client, practitioner, seeded_rules):
    client.force_login(practitioner)
    url = client.get(reverse("intake:new"))["Location"]
    page = client.get(url).content.decode()
    assert "checked_section_" not in page
    client.post(url, answers())
    assert Screening.objects.exists()


def test_answers_that_no_longer_pass_the_checks_are_all_to_check(
    client, clinic, practitioner, seeded_rules
):
    invitation, _token = create_invitation(clinic=clinic, practitioner=practitioner)
    assert submit(invitation, {"client_name": ["Mary Seacole"], "pregnant": ["perhaps"]})
    client.force_login(practitioner)
    client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    invitation.refresh_from_db()

    page = client.get(invitation.draft.get_absolute_url()).content.decode()

    assert "Some of the client's answers could not be read" in page
    assert page.count('type="checkbox" name="checked_section_') == len(REVIEW_SECTIONS)
    client.post(invitation.draft.get_absolute_url(), {**answers(), "review": "1", **ALL_CHECKED})
    assert Screening.objects.exists()
    assert not ClientAnswers.objects.exists()  # every answer counts as the practitioner's


def test_the_ticks_are_saved_with_the_answers_and_kept_on_reload(client, review):
    ticked = {checked_name("client"): "on", checked_name("skin"): "on"}
    saved = client.post(
        reverse("intake:save", args=[review.token]),
        {**CLIENT_SENT, "review": "1", **ticked},
        headers={"accept": "application/json"},
    )
    assert saved.json()["saved_at"]

    page = client.get(review.get_absolute_url()).content.decode()

    assert f'name="{checked_name("client")}" id="{checked_name("client")}" checked' in page
    assert f'name="{checked_name("skin")}" id="{checked_name("skin")}" checked' in page
    assert f'name="{checked_name("health")}" id="{checked_name("health")}">' in page
    assert 'value="Mary Seacole"' in page
