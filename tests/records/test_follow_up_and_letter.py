"""A postponement with no fixed wait gets a follow-up date; a referral gets a letter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.audit.models import AuditAction, AuditEvent
from screening.records.models import FollowUp, OutcomeInForce, RecordChangeRefused, Screening
from screening.records.selectors import due_rescreens
from tests.audit.support import override
from tests.conftest import make_member
from tests.records.factories import make_client, make_screening

pytestmark = pytest.mark.django_db

COLD_SORE = [{"type": "cold_sore", "in_treatment_area": True}]
TODAY = timezone.localdate


@pytest.fixture
def cold_sore(clinic, practitioner, seeded_rules):
    """Postponed until the sore has healed: the rules give no re-screen date."""
    screening = make_screening(
        clinic=clinic, practitioner=practitioner, active_infections=COLD_SORE
    )
    assert (screening.outcome, screening.rescreen_after) == ("postpone", None)
    return screening


def follow_up_url(screening):
    return reverse("records:screening_follow_up", args=[screening.pk])


def set_follow_up(client, screening, day):
    return client.post(follow_up_url(screening), {"due_on": str(day)})


def test_the_decision_page_asks_for_a_follow_up_date_two_weeks_ahead(
    client, practitioner, cold_sore
):
    client.force_login(practitioner)

    html = client.get(cold_sore.get_absolute_url()).content.decode()

    in_two_weeks = TODAY() + datetime.timedelta(days=14)
    assert "No fixed wait: until the condition has resolved" in html
    assert f'name="due_on" value="{in_two_weeks.isoformat()}"' in html
    assert "Set the follow-up date" in html
    assert not FollowUp.objects.exists()  # nothing is set until the practitioner says so


def test_a_follow_up_date_puts_the_client_on_the_due_list_from_that_day(
    client, clinic, practitioner, cold_sore
):
    client.force_login(practitioner)
    day = TODAY() + datetime.timedelta(days=10)

    response = set_follow_up(client, cold_sore, day)

    assert response.status_code == 302 and response["Location"] == cold_sore.get_absolute_url()
    follow_up = FollowUp.objects.get()
    assert (follow_up.screening, follow_up.due_on, follow_up.author) == (
        cold_sore,
        day,
        practitioner,
    )
    assert OutcomeInForce.objects.get(screening=cold_sore).rescreen_after == day
    assert Screening.objects.get(pk=cold_sore.pk).rescreen_after is None  # the record is as it was
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, object_type="records.followup", user=practitioner
    ).exists()
    assert due_rescreens(clinic, today=day - datetime.timedelta(days=1)) == []
    assert due_rescreens(clinic, today=day) == [cold_sore]
    html = client.get(cold_sore.get_absolute_url()).content.decode()
    assert f"Follow-up on or after <strong>{day:%-d %B %Y}</strong>" in html
    assert "in-force-mark" not in html and "Original decision" not in html  # not a correction
    listed = client.get(reverse("records:client_detail", args=[cold_sore.client_id]))
    assert f"{day:%-d %b %Y}" in listed.content.decode()


def test_a_changed_follow_up_date_is_a_new_row_and_the_latest_is_in_force(
    client, clinic, practitioner, cold_sore
):
    client.force_login(practitioner)
    first, second = (TODAY() + datetime.timedelta(days=n) for n in (14, 3))

    set_follow_up(client, cold_sore, first)
    set_follow_up(client, cold_sore, second)

    assert list(FollowUp.objects.values_list("due_on", flat=True)) == [first, second]
    assert OutcomeInForce.objects.get(screening=cold_sore).rescreen_after == second
    with pytest.raises(RecordChangeRefused):
        FollowUp.objects.first().delete()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Follow-up date: enter the day to see the client again."),
        ("next week", "Follow-up date: enter a date"),
        ("2001-01-01", "Follow-up date: choose today or a later day."),
        ("2999-01-01", "Follow-up date: choose a day within the next year."),
    ],
)
def test_a_bad_follow_up_date_is_named_and_kept(client, practitioner, cold_sore, typed, message):
    client.force_login(practitioner)

    response = client.post(follow_up_url(cold_sore), {"due_on": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html or not typed
    assert not FollowUp.objects.exists()


def test_no_follow_up_date_where_the_rules_set_one(client, clinic, practitioner, seeded_rules):
    refer = make_screening(clinic=clinic, practitioner=practitioner)  # refer
    sunburn = make_screening(
        clinic=clinic, practitioner=practitioner, sunburn_in_area_last_14_days=True
    )
    assert sunburn.outcome == "postpone" and sunburn.rescreen_after is not None
    client.force_login(practitioner)

    for screening in (refer, sunburn):
        assert (
            "Set the follow-up date"
            not in client.get(screening.get_absolute_url()).content.decode()
        )
        set_follow_up(client, screening, TODAY())

    assert not FollowUp.objects.exists()


def test_an_override_to_postpone_can_be_followed_up(client, clinic, practitioner, records_keeper):
    screening = make_screening(clinic=clinic, practitioner=practitioner)  # refer
    override(screening, records_keeper, outcome="postpone")  # no date: the rules referred
    client.force_login(practitioner)

    set_follow_up(client, screening, TODAY())

    row = OutcomeInForce.objects.get(screening=screening)
    assert (row.outcome, row.rescreen_after, row.overridden) == ("postpone", TODAY(), True)
    assert row.changed_by == records_keeper  # still the override's author and time
    assert due_rescreens(clinic, today=TODAY()) == [screening]


def test_another_clinics_record_cannot_be_followed_up(client, other_clinic, cold_sore):
    client.force_login(make_member(other_clinic, "practitioner"))

    assert set_follow_up(client, cold_sore, TODAY()).status_code == 404
    assert not FollowUp.objects.exists()


def letter_of(client, screening):
    html = client.get(reverse("records:screening_letter", args=[screening.pk])).content.decode()
    return html[html.index('<article class="referral-letter"') : html.index("</article>")]


def test_a_referral_comes_with_a_letter_in_words(client, clinic, practitioner, seeded_rules):
    practitioner.first_name, practitioner.last_name = "Nia", "Okafor"
    practitioner.save()
    ada = make_client(clinic)
    screening = make_screening(clinic=clinic, practitioner=practitioner, client=ada)
    client.force_login(practitioner)

    record = client.get(screening.get_absolute_url()).content.decode()
    letter = letter_of(client, screening)

    assert record.index('id="letter-heading"') < record.index('id="findings-heading"')
    for words in (
        clinic.name,
        "Re: Ada Lovelace, born 10 December 1990",
        "<strong>Family history of vitiligo.</strong>",
        "The client's answers: Family history of vitiligo: yes.",
        "Nia Okafor",
        f"{screening.screened_on:%-d %B %Y}",
        "Please tell us in writing whether microneedling may go ahead",
    ):
        assert words in letter, words
    assert "VITILIGO_FAMILY_HISTORY" not in letter
    assert AuditEvent.objects.filter(action=AuditAction.VIEWED, user=practitioner).count() == 2


def test_a_refer_with_a_postpone_says_what_each_means(client, clinic, practitioner, seeded_rules):
    screening = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        vitiligo_family_history=True,
        sunburn_in_area_last_14_days=True,
        active_infections=COLD_SORE,
    )
    client.force_login(practitioner)

    record = client.get(screening.get_absolute_url()).content.decode()
    letter = letter_of(client, screening)

    not_before = f"{screening.rescreen_after:%-d %B %Y}"
    assert "do not treat until a dermatologist, doctor or prescriber has cleared" in record
    assert f"even once cleared, do not treat before {not_before}, nor until cold sore now" in record
    assert f"Even once you have cleared the client, we will not treat before {not_before}" in letter


def test_no_letter_once_a_referral_is_overridden(client, clinic, practitioner, records_keeper):
    screening = make_screening(clinic=clinic, practitioner=practitioner)  # refer
    override(screening, records_keeper, outcome="proceed")
    client.force_login(practitioner)

    response = client.get(reverse("records:screening_letter", args=[screening.pk]))

    assert response.status_code == 302 and response["Location"] == screening.get_absolute_url()
    assert 'id="letter-heading"' not in client.get(screening.get_absolute_url()).content.decode()


def test_the_subject_access_export_holds_the_follow_up_dates(
    client, practitioner, records_keeper, cold_sore
):
    client.force_login(practitioner)
    day = TODAY() + datetime.timedelta(days=5)
    set_follow_up(client, cold_sore, day)
    client.force_login(records_keeper)

    export = client.get(reverse("records:client_export", args=[cold_sore.client_id])).json()

    follow_ups = export["screenings"][0]["follow_ups"]
    assert [(f["due_on"], f["set_by"]) for f in follow_ups] == [
        (day.isoformat(), practitioner.get_username())
    ]
