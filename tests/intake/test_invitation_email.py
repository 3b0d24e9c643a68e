"""The invitation link by email, when the clinic has set email up."""

import smtplib

import pytest
from django.core import mail
from django.test import Client as Browser
from django.urls import reverse

from screening.audit.models import AuditEvent
from screening.intake.models import Invitation


@pytest.fixture
def inviter(client, practitioner):
    client.force_login(practitioner)
    return client


def make_link(inviter, **data):
    return inviter.post(reverse("intake:invitation_new"), data)


def test_the_link_is_emailed_to_the_address_given_and_the_address_is_not_kept(inviter, clinic):
    page = make_link(inviter, email="mary@example.org")

    assert page.status_code == 201
    assert "The link was emailed to the client." in page.content.decode()
    [email] = mail.outbox
    assert email.to == ["mary@example.org"]
    assert clinic.name in email.subject
    link = page.context["link"]
    assert link in email.body
    assert Browser().get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    invitation = Invitation.objects.get()
    kept = [str(value) for value in Invitation.objects.values().get().values()]
    assert not any("mary@example.org" in value for value in kept)
    events = AuditEvent.objects.for_object(invitation)
    assert events.exists()
    assert not any("mary" in f"{e.username} {e.object_id}" for e in events)


def test_without_an_address_nothing_is_sent(inviter):
    assert make_link(inviter).status_code == 201
    assert mail.outbox == []


@pytest.mark.parametrize(
    "address", ["not an address", "a@b", "x" * 300 + "@example.org", "a\x00@b.org"]
)
def test_a_bad_address_is_named_and_no_link_is_made(inviter, address):
    page = make_link(inviter, email=address)

    assert page.status_code == 200
    assert "Email address" in page.content.decode() or "email" in page.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_mail_server_that_refuses_leaves_the_link_to_copy(inviter, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"mary@example.org": (550, b"no")})

    monkeypatch.setattr("screening.intake.invitations.send_mail", refuse)
    page = make_link(inviter, email="mary@example.org")

    assert page.status_code == 201
    assert "The email could not be sent" in page.content.decode()
    assert page.context["link"] in page.content.decode()


def test_no_email_field_when_email_is_turned_off(inviter, settings):
    settings.INVITATION_EMAIL = False
    page = inviter.get(reverse("intake:invitation_new")).content.decode()
    assert 'name="email"' not in page
    make_link(inviter, email="mary@example.org")
    assert mail.outbox == []
