"""Time the records pages against the current database (a benchmark, not a test).

    DEBUG=true python manage.py bench_records [--requests 50] [--clinic NAME]

Signs in a records keeper of the clinic with the most screenings (one is created if it has none)
through Django's test Client, so the figures include middleware, sessions and template rendering
but no network or web server. Times the records list (first page, a deep page, two filters), a
name search (broad: a surname; narrow: one client's full name), a date-of-birth search, a client
page, the re-screens due and the dashboard, and prints p50/p95 in milliseconds with the row
counts (links to records on the page), each beside a baseline timed in the same run: the home page,
which reads no records (the cost of a signed-in page: middleware, session, template).
`--only dashboard` times the baseline and the cases whose label starts with "dashboard".
Fill the database first with `fill_demo`.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test import Client as WebClient
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.accounts.models import Clinic, Membership, Role
from screening.records.models import Client, FindingCode, Screening

WARM_UP = 3


class Command(BaseCommand):
    help = "Time the records list, a name search and a client page (p50/p95 in ms)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--clinic", help="Clinic name (default: the one with most screenings)")
        parser.add_argument("--only", default="", help="time only the cases starting with this")

    def handle(self, *args, requests, clinic, only, **options):
        clinic_row = self.clinic(clinic)
        screenings = Screening.objects.filter(clinic=clinic_row).count()
        clients = Client.objects.filter(clinic=clinic_row).count()
        vendor = Screening.objects.db
        self.stdout.write(
            f"{clinic_row.name}: {screenings} screenings, {clients} clients "
            f"({settings.DATABASES[vendor]['ENGINE'].rsplit('.', 1)[-1]}), {requests} requests each"
        )
        web = self.signed_in(clinic_row)
        sample = Screening.objects.filter(clinic=clinic_row).order_by("-created_at", "-id")
        newest = sample.select_related("client").first()
        if newest is None:
            raise CommandError("The clinic has no screening: run fill_demo first.")
        one = newest.client
        list_url = reverse("records:screening_list")
        deep = sample[min(screenings - 1, 5000)]
        by_count = (
            FindingCode.objects.filter(clinic=clinic_row)
            .values_list("code")
            .annotate(rows=Count("id"))
            .order_by("rows", "code")
        )
        rarest, commonest = by_count.first() or ("NONE", 0), by_count.last() or ("NONE", 0)
        cases = [
            ("records list, first page", list_url),
            (
                "records list, 5,000 rows down",
                f"{list_url}?older={deep.created_at.isoformat()}~{deep.id}",
            ),
            ("records list, outcome=postpone", f"{list_url}?outcome=postpone"),
            (
                f"list, commonest code ({commonest[1]})",
                f"{list_url}?precaution={commonest[0]}",
            ),
            (f"list, rarest code ({rarest[1]})", f"{list_url}?precaution={rarest[0]}"),
            ("list, a code no screening has", f"{list_url}?precaution=NEW_PRECAUTION"),
            (
                "name search, broad (surname)",
                self.search(web, q=one.name.split()[-1].split("-")[0]),
            ),
            ("name search, narrow (full name)", self.search(web, q=one.name)),
            ("date-of-birth search", self.search(web, date_of_birth=one.date_of_birth.isoformat())),
            ("client page", reverse("records:client_detail", args=[one.pk])),
            ("due for a re-screen (200 rows)", reverse("records:due_rescreen")),
            ("dashboard", reverse("records:dashboard")),
        ]
        baseline = self.time(
            web, "baseline: home page (reads no records)", reverse("home"), requests
        )
        for label, url in cases:
            if label.startswith(only):
                self.time(web, label, url, requests, baseline)

    def clinic(self, name) -> Clinic:
        if name:
            clinic = Clinic.objects.filter(name=name).first()
            if clinic is None:
                raise CommandError(f"No clinic named {name!r}.")
            return clinic
        biggest = Screening.objects.values("clinic").annotate(n=Count("id")).order_by("-n").first()
        if biggest is None:
            raise CommandError("No screening in the database: run fill_demo first.")
        return Clinic.objects.get(pk=biggest["clinic"])

    def signed_in(self, clinic) -> WebClient:
        user, created = get_user_model().objects.get_or_create(
            username=f"bench-records-keeper-{clinic.pk}"
        )
        if created:
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, clinic=clinic, role=Role.RECORDS_KEEPER)
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        web = WebClient(HTTP_HOST=host.lstrip("."))
        web.force_login(user)
        # Records keepers sign in with a second factor: mark this session as having passed it.
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        session = web.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return web

    def search(self, web, **data) -> str:
        response = web.post(reverse("records:screening_list"), data, secure=True)
        if response.status_code != 302:
            raise CommandError(f"The search answered {response.status_code}.")
        return response["Location"]

    def time(self, web, label, url, requests, baseline=None) -> float:
        """Print p50 and p95 in ms (and p95 against the baseline's); return p95."""
        for _ in range(WARM_UP):
            response = web.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{label}: {url} answered {response.status_code}.")
        rows = response.content.count(b'href="/records/screenings/')
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            web.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        against = f"  {p95 / baseline:5.1f}x baseline p95" if baseline else ""
        self.stdout.write(
            f"  {label:38} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{against}  ({rows} rows)"
        )
        return p95
