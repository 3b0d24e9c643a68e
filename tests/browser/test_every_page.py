"""Every page, for each role that may open it, and the pages reached without signing in: no
axe-core violation on a phone (and on a desktop for each visitor's first page, where the navigation
opens out), and no sideways scrolling on a phone or a tablet. The pages come from the access table
(tests/accounts/test_access.py ROUTES), with the data each needs."""

import collections
import contextlib
import datetime
import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from screening.accounts.models import Role
from screening.api.keys import create_key
from screening.api.models import CdsClient
from screening.intake.invitations import create_invitation, revoke, start_review, submit
from screening.records.tasks import start_preview
from screening.rules.models import Scenario
from screening.rules.seed import seed_scenarios_v1
from screening.rules.versions import start_draft
from tests.accounts.test_access import ANON, OK, ROUTES, TO_LOGIN, URL_ARGS
from tests.audit.support import amend, override
from tests.browser.conftest import quiet_page, sideways_overflow, signed_in
from tests.conftest import PASSWORD, ROLES, make_member
from tests.intake.factories import HEALTHY, answers, make_draft
from tests.records.factories import make_client, make_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, TABLET, DESKTOP = 390, 768, 1280
LEAP_DAY = datetime.date(1980, 2, 29)
API_DOCS, SWAGGER_UI = "/api/v1/docs", "#swagger-ui"

# Routes in the access table that answer with data, not a page.
NOT_PAGES = {"records:questionnaire_fhir": "FHIR JSON", "cds_discovery": "CDS Hooks JSON"}


def floor_draft_with_a_preview():
    """A floor draft whose preview found changed outcomes (tasks run at once in tests) before
    the change was taken back; its rule's message still differs from the published one."""
    draft = start_draft()
    rule = draft.rules.get(code="VITILIGO_FAMILY_HISTORY")
    action, rule.action = rule.action, "caution"
    rule.save()
    preview = start_preview(rule_set=draft, user=None, clinic=None)
    rule.action, rule.message = action, f"{rule.message} Reworded in the draft."
    rule.save()
    return preview


def answers_sent(clinic, nurse, **changes):
    """An invitation whose client sent the healthy answers with `changes`."""
    invitation, _ = create_invitation(clinic=clinic, practitioner=nurse)
    sent = answers(client_name="Mary Seacole", **changes)
    submit(
        invitation,
        {name: value if isinstance(value, list) else [value] for name, value in sent.items()},
    )
    return invitation


@pytest.fixture
def scene(clinic, published_rules):
    """A clinic with long names and some of everything its pages list."""
    clinic.name = "Dermatology and Aesthetic Skin Clinic of the Northern Quarter"
    clinic.save()
    if not Scenario.objects.exists():
        seed_scenarios_v1(Scenario)  # the migration's, flushed by an earlier transactional test
    nurse = make_member(clinic, Role.PRACTITIONER, username="nurse.with.a.rather.long.username")
    keeper = make_member(clinic, Role.RECORDS_KEEPER, username="keeper")
    users = {
        Role.PRACTITIONER: nurse,
        Role.RECORDS_KEEPER: keeper,
        Role.RULES_ADMIN: make_member(clinic, Role.RULES_ADMIN),
        Role.MEDICAL_DIRECTOR: make_member(clinic, Role.MEDICAL_DIRECTOR),
    }
    client = make_client(clinic, "Maximiliana Featherstonehaugh-Cholmondeley", LEAP_DAY)
    refers = make_screening(clinic=clinic, practitioner=nurse, client=client)
    corrected = make_screening(clinic=clinic, practitioner=nurse, client=client)
    amend(corrected, keeper, vitiligo_family_history=False)
    overridden = make_screening(clinic=clinic, practitioner=nurse, client=client)
    override(overridden, keeper, outcome="proceed")
    cold_sore = [{"type": "cold_sore", "in_treatment_area": True}]
    waits = make_screening(clinic=clinic, practitioner=nurse, active_infections=cold_sore)
    make_draft(clinic, nurse, data={"client_name": [HEALTHY["client_name"]]})
    answers_sent(clinic, nurse)  # ready for review
    review = start_review(answers_sent(clinic, nurse, eczema="history"), practitioner=nurse)
    create_invitation(clinic=clinic, practitioner=nurse, client=client)
    revoked, revoked_token = create_invitation(clinic=clinic, practitioner=nurse)
    revoke(revoked, user=nurse)
    _, token = create_invitation(clinic=clinic, practitioner=nurse)
    create_key(clinic=clinic, label="Booking system of the Northern Quarter", scopes=["read"])
    issuer = "https://booking.northern-quarter-dermatology.example/fhir/cds-hooks"
    CdsClient.objects.create(clinic=clinic, issuer=issuer, jwks={"keys": []})
    preview = floor_draft_with_a_preview()
    records = [(s.get_absolute_url(), 200) for s in (refers, corrected, overridden, waits)]
    return {
        "users": users,
        # Made here rather than by URL_ARGS: a preview that found changes.
        "args": {"impact:run": [preview.pk]},
        # Pages beside the access table's: each kind of record, the review of a client's answers,
        # the error pages.
        "extra": {
            Role.PRACTITIONER: [
                *records,
                (reverse("intake:consultation", args=[review.token]), 200),
                ("/rules/", 403),
                ("/records/screenings/0/", 404),
            ],
            Role.RECORDS_KEEPER: records,
        },
        "signed_out": [
            (reverse("invitation_open", args=[token]), 200),
            (reverse("invitation_open", args=[revoked_token]), 410),
            (API_DOCS, 200),
        ],
    }


def signed_in_pages(role):
    """The access table's pages for `role` that need signing in."""
    for name, expected in ROUTES.items():
        if expected.get(role) == OK and expected.get(ANON) == TO_LOGIN and name not in NOT_PAGES:
            yield name


def public_pages():
    """The access table's pages for visitors who are not signed in."""
    for name, expected in ROUTES.items():
        if expected.get(ANON) == OK and name not in NOT_PAGES:
            yield name


class Checker:
    """Opens pages and keeps every problem found, to report them all at once."""

    def __init__(self, args):
        self.axe, self.problems, self.args = Axe(), [], dict(args)
        self.visits = collections.Counter()

    @contextlib.contextmanager
    def visitor(self, browser, live_server, name, user=None):
        """One browser context for a visitor, signed in as `user`; its first page is also checked
        at a desktop's width (where the navigation opens out)."""
        with quiet_page(browser, live_server) as page:
            if user is not None:
                signed_in(page, live_server, user)
            self.visitor_name, self.axe_widths = name, (PHONE, DESKTOP)
            yield page

    def route(self, page, name, clinic, user):
        """Check the page of the route `name`, its arguments made once (by URL_ARGS)."""
        if name not in self.args:
            self.args[name] = URL_ARGS[name](clinic, user) if name in URL_ARGS else None
        self.check(page, reverse(name, args=self.args[name]))

    def check(self, page, url, status=200):
        """Open `url`: its answer, axe-core at a phone's width (and a desktop's for the visitor's
        first page), sideways scrolling on a phone and a tablet."""
        self.visits[self.visitor_name] += 1
        page.set_viewport_size({"width": PHONE, "height": 900})
        response = page.goto(url)
        path = urlsplit(page.url).path
        if (response.status, path) != (status, urlsplit(url).path):
            self.problems.append(f"{url}: {response.status} at {path}, not {status}")
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            self.problems.append(f"{url}: not a page ({response.headers.get('content-type')})")
            return
        if url == API_DOCS:
            page.locator(".opblock").first.wait_for()  # drawn by Swagger UI's script
        for width in (PHONE, TABLET, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            if width != DESKTOP and (overflow := sideways_overflow(page)):
                self.problems.append(f"{url} at {width} px: {overflow} px wider than the window")
            if width in self.axe_widths:
                self.run_axe(page, url, width)
        self.axe_widths = (PHONE,)

    def run_axe(self, page, url, width):
        context = None
        if url == API_DOCS:
            context = {"exclude": [[SWAGGER_UI]]}
            theirs = self.axe.run(page, context={"include": [[SWAGGER_UI]]}).response
            print(
                f"{url} at {width} px: not checked inside {SWAGGER_UI}, drawn by django-ninja's "
                "copy of Swagger UI (a third-party script, not our markup); axe-core finds there: "
                + (", ".join(v["id"] for v in theirs["violations"]) or "nothing")
            )
        for violation in self.axe.run(page, context=context).response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            self.problems.append(
                f"{url} at {width} px, {self.visitor_name}: {violation['id']} "
                f"({violation['impact']}) on {len(targets)}: {'; '.join(targets[:4])}"
            )


def sign_in_with_password_only(page, username):
    """The sign-in's second step: the password given, the authenticator's code still to come."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/verify/**")


def test_every_page_passes_axe_and_fits_a_phone_and_a_tablet(browser, live_server, clinic, scene):
    started = time.monotonic()
    checker = Checker(scene["args"])
    for role in ROLES:
        user = scene["users"][role]
        with checker.visitor(browser, live_server, role.label, user) as page:
            for name in signed_in_pages(role):
                checker.route(page, name, clinic, user)
            for url, status in scene["extra"].get(role, []):
                checker.check(page, url, status)

    with checker.visitor(browser, live_server, "signed out") as page:
        for name in public_pages():
            checker.route(page, name, clinic, None)
        for url, status in scene["signed_out"]:
            checker.check(page, url, status)
        sign_in_with_password_only(page, scene["users"][Role.RECORDS_KEEPER].username)
        checker.check(page, "/accounts/verify/")

    visits = ", ".join(f"{name} {count}" for name, count in checker.visits.items())
    print(
        f"\nChecked {checker.visits.total()} pages x visitors ({visits}) "
        f"in {time.monotonic() - started:.0f} s"
    )
    assert not checker.problems, "\n".join(checker.problems)
