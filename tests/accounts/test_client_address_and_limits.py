"""The client's real address behind proxies, the login lockouts that use it, and rate limits."""

import time

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from screening.accounts import ratelimit
from screening.accounts.models import RateCount
from screening.accounts.ratelimit import client_ip, limited, over_limit
from screening.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, make_member
from tests.intake.factories import make_draft

PROXY = "10.0.0.5"
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"
LOGIN = reverse("login")


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_it_ignores_a_forwarded_header():
    assert client_ip(request_from(CLIENT_A, forwarded="1.2.3.4")) == CLIENT_A


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_it_takes_the_address_the_proxy_saw():
    assert client_ip(request_from(PROXY, forwarded=CLIENT_A)) == CLIENT_A
    # A client that sends its own header cannot choose its address: the proxy appends.
    assert client_ip(request_from(PROXY, forwarded=f"1.2.3.4, {CLIENT_A}")) == CLIENT_A


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_it_takes_the_second_from_the_right():
    assert client_ip(request_from(PROXY, forwarded=f"6.6.6.6, {CLIENT_A}, 10.0.0.9")) == CLIENT_A


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("header", ["", "not-an-address", " , ", "999.1.1.1", "<script>"])
def test_a_missing_or_malformed_header_never_overrides_the_connecting_address(header):
    assert client_ip(request_from(PROXY, forwarded=header)) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_chain_is_not_believed():
    assert client_ip(request_from(PROXY, forwarded=CLIENT_A)) == PROXY


def fail_login(client, username, forwarded, remote=PROXY):
    return client.post(
        LOGIN,
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def sign_in(client, user, forwarded, remote=PROXY):
    return client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_a_lockout_holds_one_client_not_everyone(client, practitioner):
    for _ in range(5):
        fail_login(client, practitioner.username, CLIENT_A)

    assert sign_in(client, practitioner, CLIENT_A).status_code == 429
    # The same user from another computer behind the same proxy still gets in.
    assert sign_in(client, practitioner, CLIENT_B).status_code == 302
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(events.values_list("remote_addr", flat=True)) == {CLIENT_A}
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).remote_addr == CLIENT_B


def test_an_untrusted_forwarded_header_cannot_dodge_a_lockout(client, practitioner):
    for number in range(5):
        fail_login(client, practitioner.username, f"192.0.2.{number}", remote=CLIENT_A)

    assert sign_in(client, practitioner, "192.0.2.200", remote=CLIENT_A).status_code == 429
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(events.values_list("remote_addr", flat=True)) == {CLIENT_A}


@override_settings(LOGIN_FAILURES_PER_ADDRESS=8)
def test_one_address_trying_many_usernames_is_paused(client, clinic):
    user = make_member(clinic, "practitioner")
    for number in range(8):
        fail_login(client, f"guess{number}", "", remote=CLIENT_A)

    paused = sign_in(client, user, "", remote=CLIENT_A)
    assert paused.status_code == 429
    assert b"whatever the username" in paused.content
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert sign_in(client, user, "", remote=CLIENT_B).status_code == 302


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


@override_settings(RATE_LIMITS={"autosave": (3, 60), "client_search": (3, 60)})
def test_autosave_over_its_limit_answers_429_in_json_and_keeps_the_last_save(
    signed_in, clinic, practitioner
):
    draft = make_draft(clinic, practitioner)
    url = reverse("intake:save", args=[draft.token])
    for name in ["Ada", "Ada L", "Ada Lo"]:
        assert (
            signed_in.post(url, {"client_name": name}, HTTP_ACCEPT="application/json").status_code
            == 200
        )

    refused = signed_in.post(url, {"client_name": "Ada Lov"}, HTTP_ACCEPT="application/json")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "try again in" in refused.json()["error"]
    draft.refresh_from_db()
    assert "Ada Lo" in draft.data["client_name"]


@override_settings(RATE_LIMITS={"autosave": (3, 60), "client_search": (3, 60)})
def test_client_search_over_its_limit_answers_429_with_a_page(signed_in):
    search = reverse("records:client_search")
    for _ in range(3):
        assert signed_in.post(search, {"q": "ada"}).status_code == 200

    refused = signed_in.post(search, {"q": "ada"})

    assert refused.status_code == 429
    assert b"Please slow down" in refused.content
    # Opening the page is not a search and is not counted.
    assert signed_in.get(search).status_code == 200


@override_settings(RATE_LIMITS={"autosave": (3, 60), "client_search": (3, 60)})
def test_each_user_has_a_limit_of_their_own(client, clinic):
    search = reverse("records:client_search")
    client.force_login(make_member(clinic, "practitioner"))
    for _ in range(4):
        client.post(search, {"q": "ada"})
    client.force_login(make_member(clinic, "practitioner"))
    assert client.post(search, {"q": "ada"}).status_code == 200


@pytest.mark.django_db
def test_limits_are_counted_in_the_database_that_every_server_shares():
    results = [limited("user:7", "test", 2, 60) for _ in range(3)]
    assert results == [False, False, True]
    assert RateCount.objects.get(key="test:user:7").count == 3
    assert over_limit("user:7", "test", 3, 60) and not over_limit("user:8", "test", 1, 60)


@pytest.mark.django_db
def test_a_new_window_counts_from_one_again_and_ended_windows_are_pruned(monkeypatch):
    now = 1_800_000_000  # the start of a minute
    monkeypatch.setattr(time, "time", lambda: now)
    assert [limited("user:7", "test", 1, 60) for _ in range(2)] == [False, True]
    now += 60
    assert limited("user:7", "test", 1, 60) is False
    now += 61
    monkeypatch.setattr(ratelimit, "_next_prune", 0)  # an hour has passed
    limited("user:8", "test", 1, 60)
    assert list(RateCount.objects.values_list("key", flat=True)) == ["test:user:8"]
