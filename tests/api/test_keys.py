"""API keys: the management command of DESIGN.md section 6 and the records keepers' page."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from screening.api.models import ApiKey
from screening.audit.models import AuditEvent
from tests.api.support import call


def api_key(*args):
    out = StringIO()
    call_command("api_key", *args, stdout=out)
    return out.getvalue()


def evaluate_status(client, key):
    return call(client, "post", "/api/v1/evaluate", key, body={}).status_code


@pytest.mark.django_db
def test_create_prints_a_working_key_alone_on_the_last_line(client, clinic):
    output = api_key("create", "--clinic", "Clinic A", "--name", "booking", "--scopes", "evaluate")
    key = output.strip().splitlines()[-1]
    assert " " not in key
    assert evaluate_status(client, key) == 422  # authenticated: the empty intake is refused
    row = ApiKey.objects.get(label="booking")
    assert row.scopes == ["evaluate"]
    assert key not in row.key_hash and row.prefix in key
    assert key not in api_key("list")


@pytest.mark.django_db
def test_list_shows_each_key_without_the_key(clinic):
    api_key("create", "--clinic", "Clinic A", "--name", "booking")
    listing = api_key("list")
    assert "booking" in listing and "evaluate,screen,read" in listing and "never" in listing


@pytest.mark.django_db
def test_a_revoked_key_gets_401(client, clinic):
    key = api_key("create", "--clinic", "Clinic A", "--name", "booking").splitlines()[-1]
    api_key("revoke", "booking", "--clinic", "Clinic A")
    assert evaluate_status(client, key) == 401
    assert "revoked" in api_key("list")


@pytest.mark.django_db
def test_labels_are_unique_per_clinic_and_scopes_checked(clinic, other_clinic):
    api_key("create", "--clinic", "Clinic A", "--name", "booking")
    api_key("create", "--clinic", "Clinic B", "--name", "booking")
    with pytest.raises(CommandError, match="already has a key"):
        api_key("create", "--clinic", "Clinic A", "--name", "booking")
    with pytest.raises(CommandError, match="scopes must be"):
        api_key("create", "--clinic", "Clinic A", "--name", "x", "--scopes", "delete")
    with pytest.raises(CommandError, match="no clinic"):
        api_key("create", "--clinic", "Nowhere", "--name", "x")
    with pytest.raises(CommandError, match="no key labelled"):
        api_key("revoke", "missing", "--clinic", "Clinic A")


@pytest.mark.django_db
def test_the_page_shows_a_new_key_once_and_revokes_it(client, records_keeper):
    client.force_login(records_keeper)
    page = client.post(reverse("api_keys"), {"label": "booking", "scopes": ["evaluate"]})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key.encode() in page.content
    assert key.encode() not in client.get(reverse("api_keys")).content
    assert evaluate_status(client, key) == 422
    row = ApiKey.objects.get(label="booking")
    assert AuditEvent.objects.filter(action="key_created", object_id=str(row.pk)).exists()
    client.post(reverse("api_key_revoke", args=[row.pk]))
    assert evaluate_status(client, key) == 401
    assert b"revoked" in client.get(reverse("api_keys")).content


@pytest.mark.django_db
def test_the_page_refuses_a_duplicate_label_naming_the_field(client, records_keeper):
    client.force_login(records_keeper)
    client.post(reverse("api_keys"), {"label": "booking", "scopes": ["read"]})
    page = client.post(reverse("api_keys"), {"label": "booking", "scopes": ["read"]})
    assert page.status_code == 400
    assert "already has a key" in page.context["form"].errors["label"][0]


@pytest.mark.django_db
def test_another_clinics_key_cannot_be_revoked(client, records_keeper, other_clinic):
    call_command("api_key", "create", "--clinic", "Clinic B", "--name", "b", stdout=StringIO())
    client.force_login(records_keeper)
    response = client.post(reverse("api_key_revoke", args=[ApiKey.objects.get().pk]))
    assert response.status_code == 404
    assert ApiKey.objects.get().revoked_at is None


@pytest.mark.django_db
def test_the_admin_registers_cds_clients(client, clinic):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert client.get("/admin/api/cdsclient/add/").status_code == 200
    assert client.get("/admin/api/apikey/").status_code == 200
