"""The audit trail's hash chains: intact, and each kind of tampering found by `audit verify`."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from screening import audit
from screening.audit.chain import event_hash, verify
from screening.audit.models import AuditAction, AuditEvent, AuditLink, ChainHead
from tests.conftest import make_member
from tests.triggers import triggers_off


def run_verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def sql(statement, *params):
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def trail(clinic, other_clinic, records_keeper):
    """Five events in clinic A, two in clinic B and one without a clinic."""
    keeper_b = make_member(other_clinic, "records_keeper")
    events = [
        audit.log_event(AuditAction.VIEWED, user=records_keeper, clinic=clinic) for _ in range(5)
    ]
    events += [audit.log_event(AuditAction.EXPORTED, user=keeper_b, clinic=other_clinic)]
    events += [audit.log_event(AuditAction.VIEWED, user=keeper_b, clinic=other_clinic)]
    events += [audit.log_event(AuditAction.LOGIN_FAILED, user=None, clinic=None, username="x")]
    return events


@pytest.mark.django_db
def test_an_untouched_trail_verifies_with_its_count(trail, clinic, other_clinic):
    code, out, err = run_verify()
    assert (code, err) == (0, "")
    assert "intact: 8 events in 3 chain(s)" in out
    assert f"clinic {clinic.pk}: 5 events" in out and f"clinic {other_clinic.pk}: 2 events" in out


@pytest.mark.django_db
def test_each_event_links_to_the_one_before_in_its_clinic(trail, clinic):
    links = list(AuditLink.objects.filter(chain=clinic.pk).order_by("position"))
    assert [link.position for link in links] == [1, 2, 3, 4, 5]
    assert all(b.previous_hash == a.hash for a, b in zip(links, links[1:], strict=False))
    assert ChainHead.objects.get(pk=clinic.pk).last_hash == links[-1].hash


@pytest.mark.django_db
def test_a_changed_event_is_named_with_what_differs(trail):
    changed = trail[2]
    sql("UPDATE audit_auditevent SET action = 'exported' WHERE id = %s", changed.pk)

    code, _out, err = run_verify()

    assert code == 1
    assert f"event {changed.pk}: its fields no longer give the hash written with it" in err
    assert "broken in 1 chain(s)" in err


@pytest.mark.django_db
def test_a_changed_address_or_time_is_found(trail):
    sql("UPDATE audit_auditevent SET remote_addr = '198.51.100.9' WHERE id = %s", trail[0].pk)
    assert verify().problems[0].event_id == trail[0].pk


@pytest.mark.django_db
def test_a_removed_event_is_found_at_the_next_one(trail):
    removed, following = trail[1], trail[2]
    sql("DELETE FROM audit_auditlink WHERE event_id = %s", removed.pk)
    sql("DELETE FROM audit_auditevent WHERE id = %s", removed.pk)

    code, _out, err = run_verify()

    assert code == 1
    assert f"event {following.pk}: it is number 3, so 1 event(s) after event {trail[0].pk}" in err


@pytest.mark.django_db
def test_events_removed_from_the_end_are_found_from_the_head(trail, clinic):
    last = trail[4]
    sql("DELETE FROM audit_auditlink WHERE event_id = %s", last.pk)
    sql("DELETE FROM audit_auditevent WHERE id = %s", last.pk)

    code, _out, err = run_verify()

    assert code == 1
    assert "the chain ends at number 4 but its head counts 5 events" in err


@pytest.mark.django_db
def test_a_rewritten_hash_breaks_the_next_link(trail):
    """Who changes an event and recomputes its hash breaks the link of the event after it."""
    changed = trail[2]
    sql("UPDATE audit_auditevent SET action = 'exported' WHERE id = %s", changed.pk)
    link = AuditLink.objects.get(event=changed)
    recomputed = event_hash(
        AuditEvent.objects.get(pk=changed.pk),
        chain=link.chain,
        position=link.position,
        previous_hash=link.previous_hash,
    )
    sql("UPDATE audit_auditlink SET hash = %s WHERE event_id = %s", recomputed, changed.pk)

    problem = verify().problems[0]

    assert problem.event_id == trail[3].pk
    assert f"its link names the previous hash {link.hash[:12]}" in problem.message


@pytest.mark.django_db
def test_an_event_moved_to_another_clinic_is_found(trail, other_clinic):
    sql("UPDATE audit_auditevent SET clinic_id = %s WHERE id = %s", other_clinic.pk, trail[1].pk)
    problem = verify().problems[0]
    assert (problem.event_id, problem.message) == (
        trail[1].pk,
        f"it now belongs to clinic {other_clinic.pk}, not to this chain.",
    )


@pytest.mark.django_db
def test_an_event_inserted_past_the_chain_is_found(trail, clinic):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, username, clinic_id, action, object_type, "
            "object_id) VALUES (%s, 'mallory', %s, 'viewed', '', '')",
            [trail[0].at, clinic.pk],
        )
    inserted = AuditEvent.objects.get(username="mallory")

    problem = verify().problems[0]

    assert (problem.event_id, problem.message) == (
        inserted.pk,
        "it has no link: it was written past the chain.",
    )


@pytest.mark.django_db
def test_an_ipv6_address_round_trips_into_the_same_hash(clinic, records_keeper):
    audit.log_event(
        AuditAction.VIEWED, user=records_keeper, clinic=clinic, remote_addr="2001:DB8:0:0::1"
    )
    audit.log_event(
        AuditAction.VIEWED, user=records_keeper, clinic=clinic, remote_addr="::ffff:192.0.2.1"
    )
    assert verify().problems == []


@pytest.mark.django_db
def test_events_are_written_one_by_one_into_the_chain(clinic):
    from screening.audit.models import AuditChangeRefused

    with pytest.raises(AuditChangeRefused):
        AuditEvent.objects.bulk_create([AuditEvent(action="viewed", clinic=clinic)])


@pytest.mark.django_db
def test_the_migration_links_events_written_before_the_chain(trail):
    import importlib

    from django.apps import apps

    with triggers_off():  # back to the trail as it was before migration 0004
        AuditLink.objects.all()._raw_delete(connection.alias)
        ChainHead.objects.all().delete()
    assert verify().problems

    importlib.import_module("screening.audit.migrations.0004_hash_chain").link_existing_events(
        apps, None
    )

    report = verify()
    assert (report.problems, report.events) == ([], 8)


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_keep_one_unbroken_chain_per_clinic(clinic, other_clinic):
    """Eight threads each write 15 events into two clinics at once (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time")
    import threading

    from django.db import connections

    users = [make_member(c, "practitioner") for c in (clinic, other_clinic)]
    start = threading.Barrier(8)
    failures = []

    def write(index):
        try:
            start.wait()
            for _ in range(15):
                user = users[index % 2]
                audit.log_event(AuditAction.VIEWED, user=user, clinic=user.membership.clinic)
        except Exception as error:  # reported below, with the thread's error
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    report = verify()
    assert (failures, report.problems, report.events) == ([], [], 120)
    assert sorted(length for length, _hash in report.chains.values()) == [60, 60]


@pytest.mark.django_db
def test_a_username_typed_in_any_script_chains_and_verifies():
    """The database hashes each event after a chain's first: the same text as event_hash."""
    for username in ("zoë", "Łukasz", "山田", 'quote"back\\slash'):
        audit.log_event(AuditAction.LOGIN_FAILED, user=None, clinic=None, username=username)
    report = verify()
    assert (report.problems, report.chains[0][0]) == ([], 4)
