"""Playwright driving Debian's Chromium against pytest-django's live server."""

import base64
import contextlib
import os
import shutil
import threading
import time

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# On SQLite the live server and the test share one in-memory connection. A statement the test
# runs while a request is writing (or the other way round) finds a table locked, so each request
# and each statement of the test's own takes this lock.
SHARED_CONNECTION_LOCK = threading.RLock()


class SerialWSGIServer(WSGIServer):
    """Answers one request at a time, holding the shared connection's lock throughout.

    Two requests at once (a leaving page's last autosave beside the next page) would otherwise
    find a table locked. One at a time, they take turns as they would on a real database.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with SHARED_CONNECTION_LOCK:
            super().process_request(request, client_address)


def _taking_the_shared_lock(method):
    def locked(self, *args, **kwargs):
        with SHARED_CONNECTION_LOCK:
            return method(self, *args, **kwargs)

    return locked


@pytest.fixture(scope="session", autouse=True)
def serial_live_server_on_sqlite():
    from django.db import connection
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    if connection.vendor != "sqlite":
        yield
        return
    threaded = LiveServerThread.server_class
    execute, executemany = SQLiteCursorWrapper.execute, SQLiteCursorWrapper.executemany
    LiveServerThread.server_class = SerialWSGIServer
    SQLiteCursorWrapper.execute = _taking_the_shared_lock(execute)
    SQLiteCursorWrapper.executemany = _taking_the_shared_lock(executemany)
    yield
    LiveServerThread.server_class = threaded
    SQLiteCursorWrapper.execute, SQLiteCursorWrapper.executemany = execute, executemany


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no Chromium on the PATH: install Debian's chromium package for browser tests")
    # Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            # A generous launch timeout: a first start after installing builds the font cache.
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, timeout=120_000
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def published_rules(transactional_db):
    """The seeded rule set. The data migration made it, but transactional tests flush every
    table (and serialized_rollback does not survive Playwright's event loop in this thread)."""
    from django.utils import timezone

    from screening.rules import models
    from screening.rules.seed import seed_published_v1

    seed_published_v1(models, published_at=timezone.now())


@pytest.fixture
def page(transactional_db, browser, live_server):
    # Set up after the database, so torn down before its flush (see leave_quietly).
    with quiet_page(browser, live_server, viewport={"width": 800, "height": 1200}) as page:
        yield page


@contextlib.contextmanager
def quiet_page(browser, live_server, **options):
    """A page in a browser context of its own, closed once its requests are answered."""
    context = browser.new_context(base_url=live_server.url, **options)
    in_flight = set()
    context.on("request", lambda request: in_flight.add(request))
    context.on("requestfinished", lambda request: in_flight.discard(request))
    context.on("requestfailed", lambda request: in_flight.discard(request))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    leave_quietly(page, in_flight)
    context.close()


def leave_quietly(page, in_flight, *, wait_seconds=10):
    """Leave the page and wait until the server has answered every request it made.

    Leaving sends the consultation's last autosave. The live server shares the test's SQLite
    connection, so a save still running when the tables are emptied breaks the flush.
    """
    page.goto("about:blank")
    page.wait_for_timeout(100)  # a beacon sent on leaving is reported a moment later
    deadline = time.monotonic() + wait_seconds
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(50)


class Actions:
    """Taps and key presses, counted; typing the answers' own text is not an action."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        locator.click()
        self.count += 1

    def press(self, key):
        self.page.keyboard.press(key)
        self.count += 1


def sign_in(page, username, password):
    """Sign in through the page; a user whose role requires two-factor sign-in enrols (or gives
    the code of the authenticator enrolled earlier) as a person would, with a computed code."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Code").fill(code_from_secret(secret))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.get_by_role("link", name="I have kept them: continue").click()
    elif "/accounts/verify/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code").fill(code_from_secret(base64.b32encode(device.bin_key).decode()))
        page.get_by_role("button", name="Continue").click()


def signed_in(page, live_server, user):
    """Sign `user` in by giving the browser a session cookie (sign-in has tests of its own)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def code_from_secret(secret):
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def assert_no_axe_violations(page):
    """axe-core (shipped by axe-playwright-python) finds no accessibility violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
