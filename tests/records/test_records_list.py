"""The records list: search kept out of addresses, filters, keyset pages, re-screens due."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.accounts.models import Role
from screening.records import selectors, views
from screening.records.selectors import Cursor, RecordFilters, due_rescreens, screening_page
from tests.conftest import audit_event_statements, make_member
from tests.records.factories import make_client
from tests.records.support import START, screening_at, screenings_hourly

LIST = reverse("records:screening_list")


def row_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'href="/records/screenings/(\d+)/"', response.content.decode())
    ]


@pytest.fixture
def keeper_client(client, records_keeper):
    client.force_login(records_keeper)
    return client


def test_it_lists_newest_first(keeper_client, clinic, practitioner):
    screenings = screenings_hourly(3, clinic=clinic, practitioner=practitioner)
    assert row_ids(keeper_client.get(LIST)) == [s.pk for s in reversed(screenings)]


def test_it_pages_by_cursor_both_ways(clinic, practitioner):
    screenings = screenings_hourly(5, clinic=clinic, practitioner=practitioner)
    newest_first = [s.pk for s in reversed(screenings)]

    first = screening_page(clinic, RecordFilters(), size=2)
    second = screening_page(clinic, RecordFilters(), older_than=first.older, size=2)
    third = screening_page(clinic, RecordFilters(), older_than=second.older, size=2)
    back = screening_page(clinic, RecordFilters(), newer_than=second.newer, size=2)

    assert [s.pk for s in first.rows] == newest_first[:2] and first.newer is None
    assert [s.pk for s in second.rows] == newest_first[2:4]
    assert [s.pk for s in third.rows] == newest_first[4:] and third.older is None
    assert [s.pk for s in back.rows] == newest_first[:2] and back.newer is None


def test_it_breaks_ties_of_the_same_time_by_id(clinic, practitioner):
    same = [screening_at(START, clinic=clinic, practitioner=practitioner) for _ in range(3)]
    first = screening_page(clinic, RecordFilters(), size=2)
    second = screening_page(clinic, RecordFilters(), older_than=first.older, size=2)
    assert [s.pk for s in first.rows + second.rows] == [s.pk for s in reversed(same)]


def test_it_pages_a_precaution_code_both_ways_in_the_lists_order(clinic, practitioner):
    # Screenings with the code, some at the same moment, between screenings without it.
    coded = []
    for hour in range(4):
        when = START + datetime.timedelta(hours=hour)
        screening_at(when, clinic=clinic, practitioner=practitioner, pregnant=True)
        coded += [screening_at(when, clinic=clinic, practitioner=practitioner) for _ in range(2)]
    newest_first = [s.pk for s in reversed(coded)]
    code = RecordFilters(precaution="VITILIGO_FAMILY_HISTORY")

    pages = [screening_page(clinic, code, size=3)]
    while pages[-1].older is not None:
        pages.append(screening_page(clinic, code, older_than=pages[-1].older, size=3))
    back = screening_page(clinic, code, newer_than=pages[1].newer, size=3)

    assert [[s.pk for s in page.rows] for page in pages] == [
        newest_first[:3],
        newest_first[3:6],
        newest_first[6:],
    ]
    assert [s.pk for s in back.rows] == newest_first[:3] and back.newer is None


def test_it_links_newer_and_older_pages(keeper_client, clinic, practitioner, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    screenings = screenings_hourly(3, clinic=clinic, practitioner=practitioner)
    first = keeper_client.get(LIST, {"outcome": "refer"})
    html = first.content.decode()
    assert "Newer" not in html
    older_url = re.search(r'href="([^"]+)">Older', html).group(1).replace("&amp;", "&")
    assert "outcome=refer" in older_url

    second = keeper_client.get(older_url)

    assert row_ids(second) == [screenings[0].pk]
    assert "Newer" in second.content.decode() and "Older" not in second.content.decode()


def test_it_ignores_a_malformed_cursor(keeper_client, clinic, practitioner):
    screenings_hourly(2, clinic=clinic, practitioner=practitioner)
    assert Cursor.parse("yesterday~1") is None
    assert Cursor.parse("2026-01-01T00:00:00~x") is None
    assert Cursor.parse("2026-01-01T00:00:00~1") is None  # no time zone
    assert len(row_ids(keeper_client.get(LIST, {"older": "nonsense"}))) == 2


def test_it_keeps_the_search_term_out_of_the_address(keeper_client, clinic, practitioner):
    ada = make_client(clinic, name="Ada Lovelace")
    mine = screening_at(START, clinic=clinic, practitioner=practitioner, client=ada)
    screening_at(START, clinic=clinic, practitioner=practitioner, client=make_client(clinic, "Bo"))

    response = keeper_client.post(f"{LIST}?outcome=refer", {"q": "lovelace"})

    assert response.status_code == 302
    location = response["Location"]
    assert (
        "ovelace" not in location.lower() and "search=" in location and "outcome=refer" in location
    )
    listed = keeper_client.get(location)
    assert row_ids(listed) == [mine.pk]
    assert "Clear the search" in listed.content.decode()


def test_it_searches_by_reference_and_by_date_of_birth(keeper_client, clinic, practitioner):
    ada = make_client(clinic, name="Ada", date_of_birth=datetime.date(1990, 1, 2))
    ada.reference = "REF-9"
    ada.save()
    mine = screening_at(START, clinic=clinic, practitioner=practitioner, client=ada)
    screening_at(START, clinic=clinic, practitioner=practitioner, client=make_client(clinic, "Bo"))

    by_reference = keeper_client.post(LIST, {"q": "ref-9"})
    by_birth = keeper_client.post(LIST, {"date_of_birth": "1990-01-02"})

    assert row_ids(keeper_client.get(by_reference["Location"])) == [mine.pk]
    assert row_ids(keeper_client.get(by_birth["Location"])) == [mine.pk]
    assert "1990" not in by_birth["Location"]


def test_it_refuses_an_empty_search(keeper_client):
    response = keeper_client.post(LIST, {"q": ""}, follow=True)
    assert "Enter a name, a reference or a date of birth" in response.content.decode()


def test_it_forgets_an_unknown_search(keeper_client, clinic, practitioner):
    screening_at(START, clinic=clinic, practitioner=practitioner)
    response = keeper_client.get(LIST, {"search": "not-a-token"})
    assert "That search has expired" in response.content.decode()
    assert len(row_ids(response)) == 1


def test_it_filters_by_outcome_practitioner_dates_and_precaution(keeper_client, clinic):
    nurse, doctor = (make_member(clinic, Role.PRACTITIONER) for _ in range(2))
    refer = screening_at(START, clinic=clinic, practitioner=nurse)  # VITILIGO_FAMILY_HISTORY
    sunburn = screening_at(
        START + datetime.timedelta(days=10),
        clinic=clinic,
        practitioner=doctor,
        sunburn_in_area_last_14_days=True,
    )

    def listed(**query):
        return row_ids(keeper_client.get(LIST, query))

    assert listed(outcome="postpone") == [sunburn.pk]
    assert listed(practitioner=nurse.pk) == [refer.pk]
    assert listed(date_from=sunburn.screened_on.isoformat()) == [sunburn.pk]
    assert listed(date_to=refer.screened_on.isoformat()) == [refer.pk]
    assert listed(precaution="vitiligo_family_history") == [refer.pk]
    assert listed(precaution="VITILIGO_FAMILY") == []  # a prefix is not a code
    code = sunburn.decision["findings"][0]["rule"]
    assert listed(precaution=code) == [sunburn.pk]


def test_it_says_what_is_wrong_with_a_filter(keeper_client, clinic, practitioner):
    screening_at(START, clinic=clinic, practitioner=practitioner)
    response = keeper_client.get(LIST, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "before the &#x27;from&#x27; date" in response.content.decode()


def test_it_lists_only_the_own_clinics_screenings(keeper_client, clinic, other_clinic):
    screening_at(START, clinic=other_clinic, practitioner=make_member(other_clinic, "practitioner"))
    assert row_ids(keeper_client.get(LIST)) == []


def test_it_reads_the_list_in_constant_queries(keeper_client, clinic, django_assert_num_queries):
    nurse = make_member(clinic, Role.PRACTITIONER)
    for count in (3, 30):
        screenings_hourly(count, clinic=clinic, practitioner=nurse, start=START.replace(day=count))
        keeper_client.get(LIST)
        # session, user with membership and clinic, the session's two-factor device,
        # practitioners (filter), screenings page
        with django_assert_num_queries(5):
            response = keeper_client.get(LIST)
        assert len(row_ids(response)) == (3 if count == 3 else 33)


def test_it_searches_names_in_constant_queries(keeper_client, clinic, django_assert_num_queries):
    nurse = make_member(clinic, Role.PRACTITIONER)
    for count in (3, 30):
        for n in range(count):
            ada = make_client(clinic, name=f"Batch{count} client {n}")
            screening_at(START, clinic=clinic, practitioner=nurse, client=ada)
        location = keeper_client.post(LIST, {"q": f"batch{count}"})["Location"]
        keeper_client.get(location)
        # 5, and the audit event
        with django_assert_num_queries(5 + audit_event_statements()):
            response = keeper_client.get(location)
        assert len(row_ids(response)) == count


def test_it_lists_clients_due_for_a_rescreen(clinic, practitioner):
    due, rescreened, not_yet = (make_client(clinic, name=n) for n in ("Due", "Again", "Later"))
    postponed = {"sunburn_in_area_last_14_days": True}
    long_ago = timezone.now() - datetime.timedelta(days=60)
    kept = {"clinic": clinic, "practitioner": practitioner}
    overdue = screening_at(long_ago, client=due, **kept, **postponed)
    screening_at(long_ago, client=rescreened, **kept, **postponed)
    screening_at(timezone.now(), client=rescreened, **kept)  # screened again since
    screening_at(timezone.now(), client=not_yet, **kept, **postponed)  # wait not over

    listed = due_rescreens(clinic, today=timezone.localdate())

    assert [s.pk for s in listed] == [overdue.pk]
    assert overdue.rescreen_after < timezone.localdate()


def test_it_shows_the_due_page(keeper_client, clinic, practitioner):
    due = make_client(clinic, name="Overdue Olive")
    screening_at(
        START,
        clinic=clinic,
        practitioner=practitioner,
        client=due,
        sunburn_in_area_last_14_days=True,
    )
    html = keeper_client.get(reverse("records:due_rescreen")).content.decode()
    assert "Overdue Olive" in html


def test_it_lists_the_most_recently_due_first(clinic, practitioner):
    postponed = {"sunburn_in_area_last_14_days": True}
    kept = {"clinic": clinic, "practitioner": practitioner}
    older = screening_at(timezone.now() - datetime.timedelta(days=90), **kept, **postponed)
    newer = screening_at(timezone.now() - datetime.timedelta(days=60), **kept, **postponed)

    listed = due_rescreens(clinic, today=timezone.localdate())

    assert [s.pk for s in listed] == [newer.pk, older.pk]


def test_it_pages_the_clients_due_most_recently_due_first(
    keeper_client, clinic, practitioner, monkeypatch
):
    monkeypatch.setattr(views, "DUE_PAGE_SIZE", 2)
    postponed = {"sunburn_in_area_last_14_days": True}
    due = [
        screening_at(
            timezone.now() - datetime.timedelta(days=30 + days % 2),  # two share a re-screen day
            clinic=clinic,
            practitioner=practitioner,
            client=make_client(clinic, name=f"Due {days}"),
            **postponed,
        )
        for days in range(5)
    ]
    expected = [s.pk for s in sorted(due, key=lambda s: (s.rescreen_after, s.pk), reverse=True)]

    def due_ids(html):
        return [int(pk) for pk in re.findall(r'href="/records/screenings/(\d+)/"', html)]

    pages, url = [], reverse("records:due_rescreen")
    while url and len(pages) < 4:  # 3 pages are expected; a 4th means the cursor was ignored
        html = keeper_client.get(url).content.decode()
        pages.append(due_ids(html))
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found and found.group(1).replace("&amp;", "&")
    assert pages == [expected[:2], expected[2:4], expected[4:]]
    assert ">Most recently due</a>" in html


def test_it_starts_the_due_list_over_on_a_malformed_cursor(keeper_client, clinic, practitioner):
    screening_at(START, clinic=clinic, practitioner=practitioner, sunburn_in_area_last_14_days=True)
    response = keeper_client.get(reverse("records:due_rescreen"), {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert ">Most recently due</a>" not in response.content.decode()
    assert len(re.findall(r'href="/records/screenings/\d+/"', response.content.decode())) == 1
