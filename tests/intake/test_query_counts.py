"""What a consultation costs the database per request, counted as production runs it.

Transactional tests: the view's own transaction is then a BEGIN and a COMMIT, as in production,
not a savepoint inside the test's. Every statement counts, those two included.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from screening.records.models import Screening
from screening.rules import models as rules_models
from screening.rules.seed import seed_published_v1
from screening.rules.services import compiled_rule_set, published_rule_set, rules_in_use
from tests.conftest import audit_event_statements
from tests.intake.factories import answers, make_draft
from tests.records.factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def consultation(client, clinic, practitioner):
    """A signed-in practitioner's draft, its page visited once (the session is fresh), with
    the published rules read and compiled."""
    if not rules_models.RuleSet.objects.exists():  # a transactional test flushed the seed
        seed_published_v1(rules_models, published_at=timezone.now())
    # Read and compiled once per process, as a server has them.
    rules_in_use(clinic)
    compiled_rule_set(published_rule_set())
    client.force_login(practitioner)
    draft = make_draft(clinic, practitioner)
    client.get(reverse("intake:consultation", args=[draft.token]))
    return draft


def test_the_form_page_costs_at_most_five_statements(
    client, consultation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("intake:consultation", args=[consultation.token]))
    assert response.status_code == 200 and "Screen this client" in response.content.decode()


def test_an_autosave_costs_at_most_five_statements(
    client, consultation, django_assert_max_num_queries
):
    url = reverse("intake:save", args=[consultation.token])
    with django_assert_max_num_queries(5):
        response = client.post(url, answers(), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.data["client_name"] == ["Ada Lovelace"]


def screening_statements() -> int:
    """What keeping a returning client's screening with its finding codes costs: one statement
    on PostgreSQL (the client found, the screening and its codes written), three on SQLite."""
    return 1 if connection.vendor == "postgresql" else 3


def test_screening_a_returning_client_costs_at_most_eight_statements(
    client, clinic, consultation, django_assert_max_num_queries
):
    make_client(clinic, name="Ada Lovelace", date_of_birth=timezone.datetime(1992, 6, 1).date())
    url = reverse("intake:consultation", args=[consultation.token])
    # The session, the user, BEGIN, the rules in use, the draft's closing, COMMIT.
    with django_assert_max_num_queries(6 + screening_statements() + audit_event_statements()):
        response = client.post(url, answers(pregnant="yes"))  # postpone: one finding row too
    screening = Screening.objects.get()
    assert response["Location"] == screening.get_absolute_url()
    assert screening.outcome == "postpone" and screening.client.name == "Ada Lovelace"
    assert list(screening.finding_codes.values_list("code", flat=True)) == [
        "PREGNANCY_BREASTFEEDING"
    ]


def test_screening_a_new_client_adds_only_the_client_and_its_history(
    client, consultation, django_assert_max_num_queries
):
    url = reverse("intake:consultation", args=[consultation.token])
    # Beside the returning client's: the client, its history, the screening and its codes
    # written one by one (on PostgreSQL after the statement that found no client).
    with django_assert_max_num_queries(11 + audit_event_statements()):
        response = client.post(url, answers(pregnant="yes"))
    assert response["Location"] == Screening.objects.get().get_absolute_url()
