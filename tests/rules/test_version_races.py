"""A double click (or two admins at once) on "Roll back to this" or "Start a draft" makes one
version; the other request gets a message, never a 500."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.rules import versions
from screening.rules.models import RuleSet, RuleSetStatus
from screening.rules.services import published_rule_set


def publish_v2(user):
    versions.start_draft()
    return versions.publish_draft(user=user, note="v2")


@pytest.mark.django_db
def test_a_second_rollback_from_the_same_page_is_refused_with_a_message(client, rules_admin):
    publish_v2(rules_admin)
    client.force_login(rules_admin)
    page = client.get(reverse("rules:rollback", args=[1])).content.decode()
    assert 'name="in_use" value="2"' in page
    form = {"note": "Back to v1", "in_use": "2"}

    first = client.post(reverse("rules:rollback", args=[1]), form)
    second = client.post(reverse("rules:rollback", args=[1]), form)

    assert first.status_code == 302
    assert second.status_code == 400
    assert "Version 3 was published since this page was opened" in second.content.decode()
    assert RuleSet.objects.count() == 3
    assert published_rule_set().version == 3


@pytest.mark.django_db
def test_a_second_start_a_draft_opens_the_same_draft(client, rules_admin):
    client.force_login(rules_admin)

    responses = [client.post(reverse("rules:draft_start")) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert RuleSet.objects.filter(status=RuleSetStatus.DRAFT).count() == 1


@pytest.mark.django_db
def test_every_version_change_takes_the_lock_on_the_newest_version(rules_admin):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (it serialises writers): run on PostgreSQL")
    changes = {
        "start": lambda: versions.start_draft(),
        "publish": lambda: versions.publish_draft(user=rules_admin, note="n"),
        "rollback": lambda: versions.roll_back_to(version=1, user=rules_admin, note="n"),
        "discard": lambda: (versions.start_draft(), versions.discard_draft()),
    }
    for name, change in changes.items():
        with CaptureQueriesContext(connection) as queries:
            change()
        locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
        assert locks and all('ORDER BY "rules_ruleset"."version" DESC' in q for q in locks), name


def race(count, action):
    """Run `action` in `count` threads at once; each returns a value or raises."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test reports what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need a database with row locks and separate connections: PostgreSQL")
    # Transactional tests flush every table, the seeded rule set too.
    from django.utils import timezone

    from screening.rules import models
    from screening.rules.seed import seed_published_v1

    seed_published_v1(models, published_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_five_parallel_rollbacks_publish_one_version(rules_admin):
    postgres_only()
    publish_v2(rules_admin)

    results = race(
        5,
        lambda: versions.roll_back_to(version=1, user=rules_admin, note="back", seen_in_use=2),
    )

    published = [r for r in results if isinstance(r, RuleSet)]
    refused = [r for r in results if isinstance(r, versions.VersionRefused)]
    assert len(published) == 1, results
    assert len(refused) == 4, results
    assert all("was published since" in str(r) for r in refused)
    assert RuleSet.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_draft_starts_make_one_draft(rules_admin):
    postgres_only()

    results = race(10, versions.start_draft)

    assert all(isinstance(r, RuleSet) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert RuleSet.objects.filter(status=RuleSetStatus.DRAFT).count() == 1


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.django_db(transaction=True)
def test_parallel_rollback_pages_answer_without_a_500(rules_admin):
    postgres_only()
    publish_v2(rules_admin)

    # Signed in one after another: only the clicks race.
    browsers = iter([signed_in(rules_admin) for _ in range(5)])
    url = reverse("rules:rollback", args=[1])

    def click():
        return next(browsers).post(url, {"note": "back", "in_use": "2"}).status_code

    statuses = race(5, click)

    assert sorted(statuses) == [302, 400, 400, 400, 400], statuses
    assert RuleSet.objects.count() == 3
