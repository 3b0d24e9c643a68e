"""Invitations: the client answers the intake on their own phone before the visit."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import base, call_command
from django.test import Client as Browser
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from screening.accounts.models import Role
from screening.audit.models import AuditAction, AuditEvent
from screening.intake.invitations import create_invitation
from screening.intake.management.commands.invite import Command
from screening.intake.models import Draft, Invitation
from tests.conftest import make_member
from tests.intake.factories import answers
from tests.records.factories import make_client, make_screening

LINK = re.compile(r"^http://testserver-site/i/[A-Za-z0-9_-]{43}/$")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver-site"


def invite(*args):
    out = StringIO()
    call_command("invite", *args, stdout=out)
    return out.getvalue().splitlines()


def run_from_command_line(argv, monkeypatch):
    """Run the command as manage.py does (argument errors exit too), keeping the test's database
    connection open (run_from_argv closes every connection when it ends)."""
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    Command().run_from_argv(argv)


def path_of(link):
    return link.removeprefix("http://testserver-site")


@pytest.fixture
def link(clinic, practitioner):
    return invite("--clinic", clinic.name, "--practitioner", practitioner.username)[-1]


@pytest.fixture
def phone():
    """The client's browser: never signed in, CSRF checks on."""
    return Browser(enforce_csrf_checks=True)


def csrf_of(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return response.cookies["csrftoken"].value


def send(browser, url, data, path=None):
    token = csrf_of(browser, url)
    return browser.post(path or url, {**data, "csrfmiddlewaretoken": token})


# The command's contract (DESIGN.md section 6).


def test_the_command_prints_a_link_that_opens_without_signing_in(link, phone, clinic):
    assert LINK.match(link)
    response = phone.get(path_of(link))
    assert response.status_code == 200
    assert clinic.name in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert (
        "no-store" in response["Cache-Control"]
    )  # the client's answers stay off the phone's cache


def test_the_link_works_until_the_client_submits_and_never_again(link, phone, clinic):
    url = path_of(link)
    response = send(phone, url, answers())
    assert response.status_code == 302
    thanks = phone.get(response["Location"])
    assert "Thank you" in thanks.content.decode()

    again = phone.get(url)
    assert again.status_code == 410
    assert "already been sent" in again.content.decode()
    assert clinic.name in again.content.decode()
    resubmit = phone.post(url, answers())
    assert resubmit.status_code in (403, 410)  # no CSRF cookie from a dead page, or refused
    assert Invitation.objects.get().submitted_at is not None


def test_the_command_stores_only_a_hash_of_the_token(link):
    token = path_of(link).split("/")[2]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_the_command_fills_in_a_returning_clients_name(clinic, practitioner, phone):
    client = make_client(clinic, name="Grace Hopper")
    link = invite(
        "--clinic",
        clinic.name,
        "--practitioner",
        practitioner.username,
        "--client-id",
        str(client.pk),
    )[-1]
    assert 'value="Grace Hopper"' in phone.get(path_of(link)).content.decode()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--clinic", "No such clinic", "--practitioner", "{p}"], "--clinic"),
        (["--clinic", "{c}", "--practitioner", "nobody"], "--practitioner"),
        (["--clinic", "{c}", "--practitioner", "{k}"], "--practitioner"),
        (["--clinic", "{c}", "--practitioner", "{p}", "--client-id", "999999"], "--client-id"),
        (["--clinic", "{c}", "--practitioner", "{p}", "--client-id", "abc"], "--client-id"),
        (["--practitioner", "{p}"], "--clinic"),
    ],
)
def test_the_command_refuses_bad_arguments_with_exit_2(
    clinic, practitioner, records_keeper, capsys, monkeypatch, args, named
):
    values = {"c": clinic.name, "p": practitioner.username, "k": records_keeper.username}
    argv = ["manage.py", "invite", *(arg.format(**values) for arg in args)]
    with pytest.raises(SystemExit) as exit_:
        run_from_command_line(argv, monkeypatch)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert named in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not Invitation.objects.exists()


def test_the_command_refuses_another_clinics_client(
    clinic, other_clinic, practitioner, monkeypatch
):
    other = make_client(other_clinic)
    argv = [
        "manage.py",
        "invite",
        "--clinic",
        clinic.name,
        "--practitioner",
        practitioner.username,
        "--client-id",
        str(other.pk),
    ]
    with pytest.raises(SystemExit) as exit_:
        run_from_command_line(argv, monkeypatch)
    assert exit_.value.code == 2
    assert not Invitation.objects.exists()


# The link's life: expiry, revocation, guessing, rate limit.


def test_the_link_expires_after_the_hours_set(clinic, practitioner, phone, settings):
    settings.INVITATION_HOURS = 2
    link = invite("--clinic", clinic.name, "--practitioner", practitioner.username)[-1]
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(hours=2)
    assert phone.get(path_of(link)).status_code == 200

    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = phone.get(path_of(link))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_it_expires_after_72_hours_by_default(link):
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(hours=72)


def test_a_revoked_link_no_longer_opens_or_saves(client, link, practitioner, phone):
    url = path_of(link)
    token = csrf_of(phone, url)
    client.force_login(practitioner)
    invitation = Invitation.objects.get()
    response = client.post(reverse("intake:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302

    assert phone.get(url).status_code == 410
    assert "withdrawn" in phone.get(url).content.decode()
    saved = phone.post(url + "save/", {**answers(), "csrfmiddlewaretoken": token})
    assert saved.status_code == 410
    submitted = phone.post(url, {**answers(), "csrfmiddlewaretoken": token})
    assert submitted.status_code == 410
    assert Invitation.objects.get().submitted_at is None
    assert AuditEvent.objects.filter(action=AuditAction.INVITE_REVOKED).count() == 1


def test_another_clinic_cannot_revoke(client, link, other_clinic):
    client.force_login(make_member(other_clinic, Role.PRACTITIONER))
    invitation = Invitation.objects.get()
    response = client.post(reverse("intake:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 404
    assert Invitation.objects.get().revoked_at is None


@pytest.mark.parametrize("token", ["x" * 43, "abc", "%00", "../../admin", "a" * 500, "thanks-not"])
def test_a_guessed_token_is_not_found(link, phone, token):
    assert phone.get(f"/i/{token}/").status_code == 404
    assert phone.post(f"/i/{token}/save/", {}).status_code in (403, 404)


def test_the_link_views_are_rate_limited_per_address(link, phone, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (3, 60)}
    url = path_of(link)
    codes = [phone.get(url).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert phone.get(url).status_code == 429
    assert phone.get("/i/guessed-token/").status_code == 429
    elsewhere = Browser(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.get(url).status_code == 200


# The client's page: autosave, validation, nothing else shown.


def test_autosave_keeps_the_answers_across_a_reload(link, phone):
    url = path_of(link)
    token = csrf_of(phone, url)
    response = phone.post(
        url + "save/",
        {"client_name": "Ada Lovelace", "pregnant": "no", "csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert "saved_at" in response.json()
    page = phone.get(url).content.decode()
    assert 'value="Ada Lovelace"' in page
    assert re.search(r'name="pregnant" value="no"[^>]*checked', page)


def test_saving_without_javascript_shows_the_page_again(link, phone):
    url = path_of(link)
    response = send(phone, url, {"client_name": "Ada Lovelace"}, path=url + "save/")
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    assert 'value="Ada Lovelace"' in response.content.decode()


def test_csrf_is_checked_on_the_client_pages(link, phone):
    url = path_of(link)
    assert phone.post(url + "save/", {"client_name": "X"}).status_code == 403
    assert phone.post(url, answers()).status_code == 403
    assert Invitation.objects.get().answers == {}


def test_an_incomplete_submit_names_each_missing_answer_and_keeps_the_rest(link, phone):
    url = path_of(link)
    response = send(phone, url, answers(pregnant=None, client_name="Ada Lovelace"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "need attention before sending" in page or "needs attention before sending" in page
    assert "Pregnant" in page
    assert 'value="Ada Lovelace"' in page
    invitation = Invitation.objects.get()
    assert invitation.submitted_at is None
    assert invitation.answers["client_name"] == ["Ada Lovelace"]


@pytest.mark.parametrize(
    "junk",
    [
        {"client_name": "Ada\x00"},
        {"client_date_of_birth": "31/02/1990"},
        {"fitzpatrick_type": "99"},
        {"treatment_areas": ["nowhere", "face"]},
        {"takes_medications": "yes", "medications": "aspirin\x00"},
        {"isotretinoin_months_ago": "1e999"},
        {"topical_products_1_last_used_days_ago": "-5"},
    ],
)
def test_junk_answers_get_a_message_not_a_500(link, phone, junk):
    url = path_of(link)
    token = csrf_of(phone, url)
    data = {**answers(), **junk, "csrfmiddlewaretoken": token}
    assert phone.post(url + "save/", data, HTTP_ACCEPT="application/json").status_code == 200
    response = phone.post(url, data)
    assert response.status_code == 200
    assert "attention before sending" in response.content.decode()
    assert Invitation.objects.get().submitted_at is None


def test_the_client_pages_show_nothing_of_other_clients_or_decisions(
    clinic, practitioner, phone, seeded_rules
):
    make_screening(
        clinic=clinic, practitioner=practitioner, client=make_client(clinic, "Zed Secret")
    )
    make_client(clinic, name="Yolanda Private")
    link = invite("--clinic", clinic.name, "--practitioner", practitioner.username)[-1]
    url = path_of(link)
    pages = [phone.get(url).content.decode()]
    token = csrf_of(phone, url)
    pages.append(
        phone.post(url, {**answers(pregnant=None), "csrfmiddlewaretoken": token}).content.decode()
    )
    done = phone.post(url, {**answers(), "csrfmiddlewaretoken": token})
    pages.append(phone.get(done["Location"]).content.decode())
    pages.append(phone.get(url).content.decode())
    for page in pages:
        for secret in ("Zed Secret", "Yolanda Private", practitioner.username):
            assert secret not in page
        for word in ("Proceed", "Postpone", "Refer", "precaution", "/records/", "/rules/"):
            assert word not in page
        assert "Sign out" not in page


def test_every_open_and_submission_is_audited_without_client_data(link, phone):
    url = path_of(link)
    send(phone, url, answers())
    invitation = Invitation.objects.get()
    events = AuditEvent.objects.for_object(invitation)
    actions = sorted(event.action for event in events)
    assert actions == sorted(
        [AuditAction.INVITED, AuditAction.INVITE_OPENED, AuditAction.INVITE_SUBMITTED]
    )
    for event in events:
        assert "Ada" not in f"{event.username} {event.object_id} {event.object_type}"
        assert event.clinic_id == invitation.clinic_id


# The clinic's side: make the link, see it ready for review, review it.


def test_a_practitioner_makes_a_link_on_the_web_that_opens(client, practitioner, phone, clinic):
    client.force_login(practitioner)
    assert client.get(reverse("intake:invitation_new")).status_code == 200
    response = client.post(reverse("intake:invitation_new"))
    assert response.status_code == 201
    link = re.search(r'id="invitation-link" value="([^"]+)"', response.content.decode())[1]
    assert LINK.match(link)
    assert 'src="data:image/svg+xml' in response.content.decode()
    assert phone.get(path_of(link)).status_code == 200
    assert Invitation.objects.get().practitioner == practitioner


def test_a_records_keeper_invites_for_a_clinic_practitioner_and_client(
    client, records_keeper, practitioner, clinic, other_clinic
):
    client.force_login(records_keeper)
    person = make_client(clinic)
    page = client.get(reverse("intake:invitation_new") + f"?client={person.pk}")
    assert person.name in page.content.decode()
    stranger = make_member(other_clinic, Role.PRACTITIONER)
    refused = client.post(reverse("intake:invitation_new"), {"practitioner": stranger.pk})
    assert refused.status_code == 200
    assert "Practitioner: choose" in refused.content.decode()
    other_client = make_client(other_clinic)
    refused = client.post(
        reverse("intake:invitation_new"),
        {"practitioner": practitioner.pk, "client": other_client.pk},
    )
    assert "Client: not found" in refused.content.decode()
    assert not Invitation.objects.exists()
    made = client.post(
        reverse("intake:invitation_new"), {"practitioner": practitioner.pk, "client": person.pk}
    )
    assert made.status_code == 201
    invitation = Invitation.objects.get()
    assert (invitation.practitioner, invitation.client) == (practitioner, person)


def test_submitted_answers_wait_for_review_then_fill_a_consultation(
    client, link, practitioner, phone
):
    send(phone, path_of(link), answers(client_name="Ada Lovelace"))
    client.force_login(practitioner)
    home = client.get(reverse("home")).content.decode()
    assert "Ready for review" in home
    assert "Ada Lovelace" in home
    invitation = Invitation.objects.get()

    response = client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    draft = Draft.objects.get()
    assert response["Location"] == draft.get_absolute_url()
    assert draft.practitioner == practitioner
    assert draft.data["client_name"] == ["Ada Lovelace"]
    assert draft.data["pregnant"] == ["no"]
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'value="Ada Lovelace"' in page

    home = client.get(reverse("home")).content.decode()
    assert "No client answers waiting" in home
    again = client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    assert again["Location"] == draft.get_absolute_url()
    assert Draft.objects.count() == 1


def test_answers_not_yet_submitted_cannot_be_reviewed(client, link, practitioner):
    client.force_login(practitioner)
    invitation = Invitation.objects.get()
    response = client.post(reverse("intake:invitation_review", args=[invitation.pk]))
    assert response.status_code == 404
    assert not Draft.objects.exists()


def test_only_practitioners_review_and_only_the_clinic_revokes(
    client, link, records_keeper, rules_admin, phone
):
    send(phone, path_of(link), answers())
    invitation = Invitation.objects.get()
    client.force_login(records_keeper)
    assert client.post(reverse("intake:invitation_review", args=[invitation.pk])).status_code == 403
    client.force_login(rules_admin)
    assert client.post(reverse("intake:invitation_revoke", args=[invitation.pk])).status_code == 403
    assert client.get(reverse("intake:invitation_new")).status_code == 403


def test_the_client_link_creation_helper_refuses_another_clinics_client(
    clinic, other_clinic, practitioner
):
    with pytest.raises(ValueError):
        create_invitation(
            clinic=clinic, practitioner=practitioner, client=make_client(other_clinic)
        )


@override_settings(SITE_URL="https://clinic.example.org/")
def test_the_link_starts_with_site_url(clinic, practitioner):
    link = invite("--clinic", clinic.name, "--practitioner", practitioner.username)[-1]
    assert link.startswith("https://clinic.example.org/i/")


def test_the_client_is_asked_in_their_own_words(link, phone):
    page = phone.get(path_of(link)).content.decode()
    assert "Are you pregnant, or might you be?" in page
    assert "Have you ever had cold sores on the lips or face?" in page
    assert "the client" not in page.lower()


def test_the_client_answers_section_by_section_with_no_button_for_every_section(link, phone):
    page = phone.get(path_of(link)).content.decode()
    assert page.count("None of these apply</button>") == 5
    assert "None of these apply in any section" not in page


def test_a_made_up_press_for_every_section_answers_nothing_on_the_clients_form(link, phone):
    url = path_of(link)
    typed = {"client_name": "Ada Lovelace", "cold_sore_history": "yes", "apply_none": "all"}

    response = send(phone, url, typed, path=url + "save/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Saved at" in page and 'value="Ada Lovelace"' in page
    assert re.search(r'name="cold_sore_history" value="yes"[^>]*checked', page)
    assert not re.search(r'name="pregnant" value="no"[^>]*checked', page)
    saved = Invitation.objects.get().answers
    assert saved == {"client_name": ["Ada Lovelace"], "cold_sore_history": ["yes"]}


def test_a_made_up_press_for_every_section_sends_nothing_unanswered(link, phone):
    url = path_of(link)
    typed = answers(client_name="Ada Lovelace", pregnant=None, breastfeeding=None)

    response = send(phone, url, {**typed, "apply_none": "all"})

    assert response.status_code == 200
    assert "attention before sending" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.submitted_at is None
    assert invitation.answers["client_name"] == ["Ada Lovelace"]
    assert "pregnant" not in invitation.answers and "breastfeeding" not in invitation.answers


def test_the_client_still_answers_a_section_with_its_own_button_without_script(link, phone):
    url = path_of(link)
    typed = {"client_name": "Ada Lovelace", "pregnant": "yes", "apply_none": "health"}

    response = send(phone, url, typed, path=url + "save/")

    page = response.content.decode()
    assert re.search(r'name="breastfeeding" value="no"[^>]*checked', page)
    saved = Invitation.objects.get().answers
    assert saved["pregnant"] == ["yes"] and saved["breastfeeding"] == ["no"]
    assert "cold_sore_history" not in saved  # another section's question


def test_the_clients_answers_never_claim_to_be_answered_all_at_once(link, phone):
    url = path_of(link)
    marks = {"none_applied": ["pregnant"], "none_applied_all": ["pregnant"]}

    send(phone, url, {"pregnant": "no", **marks}, path=url + "save/")

    saved = Invitation.objects.get().answers
    assert saved["none_applied"] == ["pregnant"]
    assert "none_applied_all" not in saved
